package dev.trufflexen.xen.pv;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.Vcpu;

/**
 * RDMSR and WRMSR as Xen answers a 64-bit PV domU on an AMD host ({@code guest_rdmsr} and
 * {@code guest_wrmsr} in msr.c, then {@code read_msr} and {@code write_msr} in emul-priv-op.c),
 * for the CPUID policy TruffleXen gives its guests (AuthenticAMD family 17h, RDTSCP, no
 * SPEC_CTRL, no RTM, no PMU, vPMU off). Every MSR not listed is #GP(0).
 *
 * <table>
 * <caption>Readable</caption>
 * <tr><td>0x10 TSC</td><td>the domain's TSC</td></tr>
 * <tr><td>0x1b APIC_BASE</td><td>0xfee00000, enabled, BSP on vCPU 0 (writes #GP)</td></tr>
 * <tr><td>0xce PLATFORM_INFO</td><td>CPUID faulting available (bit 31); read-only</td></tr>
 * <tr><td>0x140 MISC_FEATURES_ENABLES</td><td>bit 0 CPUID faulting, the only writable bit</td></tr>
 * <tr><td>0x277 PAT</td><td>Xen's PAT ABI value 0x050100070406: WB, WT, UC-, UC, WC, WP, UC, UC (read-only)</td></tr>
 * <tr><td>0x345 PERF_CAPABILITIES</td><td>0 (read-only)</td></tr>
 * <tr><td>0x40000000</td><td>Xen's hypercall-page MSR reads 0; a write installs the hypercall page
 * ({@link HypercallPageMsr})</td></tr>
 * <tr><td>0xc0000080 EFER</td><td>SCE, LME, LMA, NXE; a write must repeat that value</td></tr>
 * <tr><td>0xc0000100-102</td><td>FS, GS and user GS bases (canonical writes)</td></tr>
 * <tr><td>0xc0000103 TSC_AUX</td><td>read and written; a value above 32 bits is #GP</td></tr>
 * <tr><td>AMD P-state, FID/VID, HWCR, NB_CFG</td><td>read 0, writes ignored</td></tr>
 * <tr><td>AMD DE_CFG</td><td>LFENCE serialising (2); read-only</td></tr>
 * <tr><td>AMD K7/Fam15h PMU counters</td><td>read 0, writes ignored (vPMU off)</td></tr>
 * <tr><td>MPERF, APERF</td><td>writes ignored; reads #GP</td></tr>
 * </table>
 * Xen also fakes a read of 0 for an MSR the host has when the guest has no #GP handler; the
 * host's MSRs are not a guest's business here, so that case stays #GP(0).
 */
final class PvMsrs {
    static final int MSR_IA32_TSC = 0x10;
    static final int MSR_APIC_BASE = 0x1B;
    static final int MSR_INTEL_PLATFORM_INFO = 0xCE;
    static final int MSR_MISC_FEATURES_ENABLES = 0x140;
    static final int MSR_IA32_MPERF = 0xE7;
    static final int MSR_IA32_APERF = 0xE8;
    static final int MSR_IA32_CR_PAT = 0x277;
    static final int MSR_IA32_PERF_CAPABILITIES = 0x345;
    static final int MSR_EFER = 0xC000_0080;
    static final int MSR_TSC_AUX = 0xC000_0103;
    static final int MSR_K7_EVNTSEL0 = 0xC001_0000;
    static final int MSR_K7_PERFCTR3 = 0xC001_0007;
    static final int MSR_K8_HWCR = 0xC001_0015;
    static final int MSR_AMD64_NB_CFG = 0xC001_001F;
    static final int MSR_K7_FID_VID_CTL = 0xC001_0041;
    static final int MSR_K7_FID_VID_STATUS = 0xC001_0042;
    static final int MSR_K8_PSTATE_LIMIT = 0xC001_0061;
    static final int MSR_K8_PSTATE7 = 0xC001_006B;
    static final int MSR_AMD_FAM15H_EVNTSEL0 = 0xC001_0200;
    static final int MSR_AMD_FAM15H_PERFCTR5 = 0xC001_020B;
    static final int MSR_AMD64_DE_CFG = 0xC001_1029;

    static final long APIC_DEFAULT_PHYS_BASE = 0xFEE0_0000L;
    static final long APIC_BASE_ENABLE = 0x800;
    static final long APIC_BASE_BSP = 0x100;
    static final long PLATFORM_INFO_CPUID_FAULTING = 1L << 31;
    static final long CPUID_FAULTING = 1;
    static final long XEN_MSR_PAT = 0x0005_0100_0704_06L;
    /** SCE, LME, LMA, NXE: the EFER Xen runs with, as a 64-bit PV guest sees it (guest_efer). */
    static final long GUEST_EFER = 0x1 | 0x100 | 0x400 | 0x800;
    static final long DE_CFG_LFENCE_SERIALISE = 0x2;

    private PvMsrs() {
    }

    /** True when RDMSR of {@code msr} succeeds; {@link #read} then gives the value. */
    static boolean readable(int msr) {
        return switch (msr) {
            case MSR_IA32_TSC, MSR_APIC_BASE, MSR_INTEL_PLATFORM_INFO, MSR_MISC_FEATURES_ENABLES, MSR_IA32_CR_PAT,
                    MSR_IA32_PERF_CAPABILITIES, HypercallPageMsr.MSR_XEN_HYPERCALL_PAGE, MSR_EFER, PrivilegedOps.MSR_FS_BASE,
                    PrivilegedOps.MSR_GS_BASE, PrivilegedOps.MSR_SHADOW_GS_BASE, MSR_TSC_AUX, MSR_K8_HWCR,
                    MSR_AMD64_NB_CFG, MSR_K7_FID_VID_CTL, MSR_K7_FID_VID_STATUS, MSR_AMD64_DE_CFG -> true;
            default -> isPstate(msr) || isAmdPmu(msr);
        };
    }

    static long read(X86Cpu cpu, PvVcpu pv, Vcpu vcpu, int msr) {
        Domain domain = vcpu.domain();
        return switch (msr) {
            case MSR_IA32_TSC -> domain.timeStampCounter();
            case MSR_APIC_BASE -> APIC_DEFAULT_PHYS_BASE | APIC_BASE_ENABLE | (vcpu.id() == 0 ? APIC_BASE_BSP : 0);
            case MSR_INTEL_PLATFORM_INFO -> PLATFORM_INFO_CPUID_FAULTING;
            case MSR_MISC_FEATURES_ENABLES -> pv.cpuidFaulting() ? CPUID_FAULTING : 0;
            case MSR_IA32_CR_PAT -> XEN_MSR_PAT;
            case MSR_EFER -> GUEST_EFER;
            case PrivilegedOps.MSR_FS_BASE -> cpu.fsBase();
            case PrivilegedOps.MSR_GS_BASE -> cpu.gsBase();
            case PrivilegedOps.MSR_SHADOW_GS_BASE -> pv.gsBaseUser();
            case MSR_TSC_AUX -> pv.tscAux() & 0xFFFF_FFFFL;
            case MSR_AMD64_DE_CFG -> DE_CFG_LFENCE_SERIALISE;
            default -> 0; // PERF_CAPABILITIES, hypercall page, P-states, HWCR, NB_CFG, PMU
        };
    }

    /** WRMSR: true when Xen accepts (or silently ignores) the write, false for #GP(0). */
    static boolean write(X86Cpu cpu, PvVcpu pv, int msr, long value) {
        switch (msr) {
            case PrivilegedOps.MSR_FS_BASE, PrivilegedOps.MSR_GS_BASE, PrivilegedOps.MSR_SHADOW_GS_BASE -> {
                if (!PvVcpu.isCanonical(value)) {
                    return false;
                }
                SegmentBases.write(cpu, pv, msr, value);
                return true;
            }
            case MSR_MISC_FEATURES_ENABLES -> {
                if ((value & ~CPUID_FAULTING) != 0) {
                    return false;
                }
                pv.setCpuidFaulting(value != 0);
                return true;
            }
            case MSR_TSC_AUX -> {
                if (value != (value & 0xFFFF_FFFFL)) {
                    return false;
                }
                pv.setTscAux((int) value);
                return true;
            }
            case MSR_EFER -> {
                return value == GUEST_EFER;
            }
            case MSR_K8_HWCR, MSR_AMD64_NB_CFG, MSR_K7_FID_VID_CTL, MSR_K7_FID_VID_STATUS, MSR_IA32_MPERF, MSR_IA32_APERF -> {
                return true;
            }
            default -> {
                return isPstate(msr) || isAmdPmu(msr);
            }
        }
    }

    private static boolean isPstate(int msr) {
        return msr >= MSR_K8_PSTATE_LIMIT && msr <= MSR_K8_PSTATE7;
    }

    private static boolean isAmdPmu(int msr) {
        return msr >= MSR_K7_EVNTSEL0 && msr <= MSR_K7_PERFCTR3 || msr >= MSR_AMD_FAM15H_EVNTSEL0 && msr <= MSR_AMD_FAM15H_PERFCTR5;
    }
}
