package dev.trufflexen.xen.pv;

import static dev.trufflexen.xen.abi.ArchX86Cpuid.TSC_MODE_ALWAYS_EMULATE;
import static dev.trufflexen.xen.abi.ArchX86Cpuid.XEN_CPUID_FIRST_LEAF;
import static dev.trufflexen.xen.abi.ArchX86Cpuid.XEN_CPUID_MAX_NUM_LEAVES;
import static dev.trufflexen.xen.abi.ArchX86Cpuid.XEN_CPUID_SIGNATURE_EBX;
import static dev.trufflexen.xen.abi.ArchX86Cpuid.XEN_CPUID_SIGNATURE_ECX;
import static dev.trufflexen.xen.abi.ArchX86Cpuid.XEN_CPUID_SIGNATURE_EDX;

import dev.trufflexen.x86.cpu.X86CpuidPolicy;
import dev.trufflexen.xen.time.DomainTimeStampCounter;
import dev.trufflexen.xen.version.XenVersion;

/**
 * The CPUID policy of a PV domain: the CPU's own policy plus Xen's hypervisor leaves, laid out
 * as Xen's {@code cpuid_hypervisor_leaves} does for a PV guest:
 * <ul>
 * <li>0x40000000: EAX the largest Xen leaf (0x40000005), EBX:ECX:EDX "XenVMMXenVMM";
 * <li>0x40000001: EAX Xen version, major in bits 31:16, minor in 15:0;
 * <li>0x40000002: EAX 1 hypercall page, EBX 0x40000000 the MSR that installs it, ECX features
 * (MMU_PT_UPDATE_PRESERVE_AD is not offered);
 * <li>0x40000003 (subleaves): 0: EAX bit 0 the TSC is emulated, bit 1 the host TSC is safe
 * (invariant), bit 2 RDTSCP is available; EBX the TSC mode (always emulate); ECX the guest TSC
 * frequency in kHz; EDX the incarnation (0); 1: EAX:EBX the TSC offset (0 when emulated), ECX:EDX
 * the TSC-to-nanoseconds scale (mul_frac, shift); 2: EAX the physical CPU frequency in kHz;
 * <li>0x40000004: the HVM leaf, empty for PV;
 * <li>0x40000005: EBX the machine address width (bits needed for the highest machine frame).
 * </ul>
 * Leaf 1 also gets the hypervisor-present bit (ECX bit 31).
 */
public final class XenCpuidLeaves {
    private static final int HYPERVISOR_PRESENT = 1 << 31;

    private XenCpuidLeaves() {
    }

    public static X86CpuidPolicy forPvDomain(long machineMemoryBytes) {
        X86CpuidPolicy base = X86CpuidPolicy.standard();
        int[] leaf1 = base.query(1, 0);
        int tscFeatures = 1 | 1 << 1 | 1 << 2;
        int machineAddressWidth = 64 - Long.numberOfLeadingZeros(Math.max(1, machineMemoryBytes - 1));
        return base.with(1, 0, leaf1[0], leaf1[1], leaf1[2] | HYPERVISOR_PRESENT, leaf1[3])
                .with(XEN_CPUID_FIRST_LEAF, 0, XEN_CPUID_FIRST_LEAF + XEN_CPUID_MAX_NUM_LEAVES, XEN_CPUID_SIGNATURE_EBX,
                        XEN_CPUID_SIGNATURE_ECX, XEN_CPUID_SIGNATURE_EDX)
                .with(XEN_CPUID_FIRST_LEAF + 1, 0, XenVersion.encoded(), 0, 0, 0)
                .with(XEN_CPUID_FIRST_LEAF + 2, 0, 1, XEN_CPUID_FIRST_LEAF, 0, 0)
                .with(XEN_CPUID_FIRST_LEAF + 3, 0, tscFeatures, TSC_MODE_ALWAYS_EMULATE, DomainTimeStampCounter.FREQUENCY_KHZ, 0)
                .with(XEN_CPUID_FIRST_LEAF + 3, 1, 0, 0, DomainTimeStampCounter.TO_NS_MUL_FRAC, DomainTimeStampCounter.TO_NS_SHIFT)
                .with(XEN_CPUID_FIRST_LEAF + 3, 2, DomainTimeStampCounter.FREQUENCY_KHZ, 0, 0, 0)
                .with(XEN_CPUID_FIRST_LEAF + 4, 0, 0, 0, 0, 0)
                .with(XEN_CPUID_FIRST_LEAF + 5, 0, 0, machineAddressWidth, 0, 0);
    }
}
