package dev.trufflexen.xen.sched;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.xen.abi.VcpuOp;
import dev.trufflexen.xen.domain.DomainPart;
import dev.trufflexen.xen.domain.Runstate;
import dev.trufflexen.xen.domain.Vcpu;

/**
 * The guest copy of one vCPU's runstate (VCPUOP_register_runstate_memory_area): a guest virtual
 * address, rewritten whenever the runstate changes (the vCPU blocks or wakes), as Xen's
 * update_runstate_area does at every context switch. A write that faults is skipped, as Xen's
 * {@code __copy_to_guest} failure is. Written on the vCPU's own thread only, through its own
 * address space: registering the area of another vCPU records the address, written when that
 * vCPU next changes state, as in Xen.
 */
public final class RunstateArea {
    /** The areas of a domain's vCPUs, indexed by vCPU id. */
    public static final DomainPart<RunstateArea[]> PART = DomainPart.declare("runstate area", RunstateArea[].class);

    /** One area per vCPU of {@code domain}, for its {@link #PART}. */
    public static RunstateArea[] forVcpus(dev.trufflexen.xen.domain.Domain domain) {
        RunstateArea[] areas = new RunstateArea[domain.maxVcpus()];
        java.util.Arrays.setAll(areas, i -> new RunstateArea());
        return areas;
    }

    static RunstateArea of(Vcpu vcpu) {
        return vcpu.domain().part(PART)[vcpu.id()];
    }

    private final byte[] buffer = new byte[VcpuOp.RUNSTATE_INFO_LAYOUT.size()];
    private volatile long address;

    /** Registers {@code guestAddress} (0 unregisters) and writes the runstate there now. */
    void register(Vcpu vcpu, long guestAddress) {
        address = guestAddress;
        if (vcpu.isCurrent()) {
            update(vcpu);
        }
    }

    /** Rewrites the guest copy, if one is registered; on the vCPU's own thread. */
    void update(Vcpu vcpu) {
        long address = this.address;
        if (address == 0) {
            return;
        }
        X86Cpu cpu = vcpu.cpu();
        encode(vcpu.runstate().snapshot(), buffer);
        cpu.copyToGuest(address, buffer, 0, buffer.length);
    }

    /** struct vcpu_runstate_info, little-endian. */
    static void encode(Runstate.Snapshot s, byte[] out) {
        put(out, 0, s.state());
        put(out, 8, s.stateEntryTime());
        for (int state = 0; state < 4; state++) {
            put(out, 16 + 8 * state, s.time(state));
        }
    }

    private static void put(byte[] out, int at, long value) {
        for (int i = 0; i < 8; i++) {
            out[at + i] = (byte) (value >>> (8 * i));
        }
    }
}
