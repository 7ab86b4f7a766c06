package dev.trufflexen.xen.sched;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.xen.abi.SharedInfo;
import dev.trufflexen.xen.domain.DomainPart;
import dev.trufflexen.xen.domain.Vcpu;
import dev.trufflexen.xen.mm.GuestFrames;

/**
 * The guest's second copy of vCPU 0's {@code vcpu_time_info}
 * (VCPUOP_register_vcpu_time_memory_area), as Xen's update_secondary_system_time: a guest
 * virtual address (0: none) rewritten whenever the time info in vcpu_info is, with the version
 * protocol (the odd version first, then the whole structure, then the even version), through the
 * guest's page tables. A write that faults is skipped, as Xen's failed {@code __copy_to_guest}
 * from kernel mode is.
 */
public final class VcpuTimeArea {
    public static final DomainPart<VcpuTimeArea> PART = DomainPart.declare("vcpu time area", VcpuTimeArea.class);

    private final byte[] buffer = new byte[SharedInfo.TIME_INFO_SIZE];
    private final byte[] version = new byte[4];
    private volatile long address;

    /** Registers {@code guestAddress} (0 unregisters) and writes the time info there now. */
    void register(Vcpu vcpu, long guestAddress) {
        address = guestAddress;
        update(vcpu);
    }

    /** Copies vcpu_info's time to the registered address, if there is one. */
    synchronized void update(Vcpu vcpu) {
        long at = address;
        X86Cpu cpu = vcpu.cpu();
        if (at == 0 || cpu == null) {
            return;
        }
        GuestFrames frames = vcpu.domain().frames();
        frames.copyOut(vcpu.vcpuInfoMfn(), vcpu.vcpuInfoOffset() + SharedInfo.VCPU_OFF_TIME, buffer, 0, buffer.length);
        int even = (buffer[0] & 0xFF) | (buffer[1] & 0xFF) << 8 | (buffer[2] & 0xFF) << 16 | (buffer[3] & 0xFF) << 24;
        int odd = even - 1;
        for (int i = 0; i < 4; i++) {
            version[i] = (byte) (odd >>> (8 * i));
        }
        if (!cpu.copyToGuest(at, version, 0, version.length)) {
            return;
        }
        System.arraycopy(version, 0, buffer, 0, version.length);
        cpu.copyToGuest(at, buffer, 0, buffer.length);
        for (int i = 0; i < 4; i++) {
            version[i] = (byte) (even >>> (8 * i));
        }
        cpu.copyToGuest(at, version, 0, version.length);
    }
}
