package dev.trufflexen.xen.pv;

import java.util.Arrays;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86CpuidPolicy;
import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.xen.abi.ArchX86Cpuid;

/**
 * Xen's forced-emulation prefix: a PV guest writes {@code ud2; .ascii "xen"} before CPUID
 * ({@code 0F 0B 78 65 6E 0F A2}) to get the hypervisor's view of CPUID rather than the
 * processor's. The UD2 raises #UD; on seeing the prefix the hypervisor runs CPUID from the
 * domain's policy and moves RIP past both.
 */
final class XenForcedEmulation {
    private static final byte[] CPUID = {0x0F, (byte) 0xA2};
    private static final int LENGTH = ArchX86Cpuid.XEN_EMULATE_PREFIX.length + CPUID.length;

    private XenForcedEmulation() {
    }

    /** True (and the instruction emulated) when {@code fault} is the #UD of a forced-emulation CPUID. */
    static boolean tryEmulate(X86Cpu cpu, X86Fault fault, X86CpuidPolicy policy) {
        if (fault.vector() != X86Fault.UD || fault.isSoftwareInterrupt()) {
            return false;
        }
        byte[] bytes = new byte[LENGTH];
        if (!cpu.copyFromGuest(cpu.rip(), bytes, 0, LENGTH)) {
            return false;
        }
        int prefix = ArchX86Cpuid.XEN_EMULATE_PREFIX.length;
        if (!Arrays.equals(bytes, 0, prefix, ArchX86Cpuid.XEN_EMULATE_PREFIX, 0, prefix)
                || !Arrays.equals(bytes, prefix, LENGTH, CPUID, 0, CPUID.length)) {
            return false;
        }
        policy.execute(cpu);
        cpu.setRip(cpu.rip() + LENGTH);
        return true;
    }
}
