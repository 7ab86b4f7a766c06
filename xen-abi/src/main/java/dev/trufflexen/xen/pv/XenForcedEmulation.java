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
 * domain's policy and moves RIP past both. With CPUID faulting enabled
 * ({@code MSR_MISC_FEATURES_ENABLES}) guest user mode gets #GP(0) at the CPUID instead.
 */
final class XenForcedEmulation {
    private static final byte[] CPUID = {0x0F, (byte) 0xA2};
    /** The prefix: {@code ud2; .ascii "xen"}. */
    static final int PREFIX_LENGTH = ArchX86Cpuid.XEN_EMULATE_PREFIX.length;
    private static final int LENGTH = PREFIX_LENGTH + CPUID.length;

    private XenForcedEmulation() {
    }

    /** True when {@code fault} is the #UD of a forced-emulation CPUID at RIP. */
    static boolean isForcedCpuid(X86Cpu cpu, X86Fault fault) {
        if (fault.vector() != X86Fault.UD || fault.isSoftwareInterrupt()) {
            return false;
        }
        byte[] bytes = new byte[LENGTH];
        if (!cpu.copyFromGuest(cpu.rip(), bytes, 0, LENGTH)) {
            return false;
        }
        return Arrays.equals(bytes, 0, PREFIX_LENGTH, ArchX86Cpuid.XEN_EMULATE_PREFIX, 0, PREFIX_LENGTH)
                && Arrays.equals(bytes, PREFIX_LENGTH, LENGTH, CPUID, 0, CPUID.length);
    }

    /** Runs CPUID from the domain's policy and moves RIP past prefix and CPUID. */
    static void emulate(X86Cpu cpu, X86CpuidPolicy policy) {
        policy.execute(cpu);
        cpu.setRip(cpu.rip() + LENGTH);
    }
}
