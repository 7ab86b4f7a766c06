package dev.trufflexen.xen.pv;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.xen.abi.SharedInfo;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.Vcpu;

/**
 * {@code mov} from and to CR0, CR2, CR3 and CR4 as Xen emulates them for a 64-bit PV guest kernel
 * ({@code read_cr} and {@code write_cr} in emul-priv-op.c).
 * <ul>
 * <li>CR0 reads as the CR0 Xen runs with (PE, MP, ET, NE, WP, AM, PG) with TS the vCPU's own; a
 * write may change only TS (it is {@code fpu_taskswitch}), anything else is #GP(0).
 * <li>CR2 reads the vCPU's {@code ctrlreg[2]}, which a delivered #PF sets; a write sets it and
 * {@code vcpu_info.arch.cr2}.
 * <li>CR3 reads {@code xen_pfn_to_cr3} of the guest frame of the kernel's L4 table. A write names a
 * guest frame, which becomes the kernel's base table as with MMUEXT_NEW_BASEPTR (Xen's
 * {@code new_guest_cr3}: validated as an L4, TLB flushed); a frame that cannot be an L4 is #GP(0).
 * <li>CR4 reads the vCPU's {@code ctrlreg[4]}: Xen's visible bits (PAE, MCE, OSFXSR, OSXMMEXCPT)
 * plus the guest-controlled ones the policy allows (TSD, DE); a write keeps only those
 * ({@code pv_fixup_guest_cr4}), never faults.
 * </ul>
 * CR8 and every other control register Xen cannot read or write are #GP(0).
 */
final class PvControlRegisters {
    static final long CR0_TS = 0x8;
    /** Xen's own CR0: PG, AM, WP, NE, ET, MP, PE. */
    static final long XEN_CR0 = 0x8005_0033L;
    static final long CR4_TSD = 0x4;
    static final long CR4_DE = 0x8;
    /** PAE, MCE, OSFXSR, OSXMMEXCPT: Xen's settings a PV guest sees (PV_CR4_GUEST_VISIBLE_MASK). */
    static final long CR4_XEN_VISIBLE = 0x20 | 0x40 | 0x200 | 0x400;
    /** TSD and DE: the bits of PV_CR4_GUEST_MASK this domain's CPUID policy allows (no FSGSBASE, no XSAVE). */
    static final long CR4_GUEST_CONTROLLED = CR4_TSD | CR4_DE;
    private static final int PAGE_SHIFT = 12;

    private PvControlRegisters() {
    }

    /** pv_fixup_guest_cr4. */
    static long fixupCr4(long requested) {
        return requested & CR4_GUEST_CONTROLLED | CR4_XEN_VISIBLE;
    }

    /** True when {@code reg} is one Xen's read_cr answers (0, 2, 3, 4). */
    static boolean readable(int reg) {
        return reg == 0 || reg == 2 || reg == 3 || reg == 4;
    }

    static long read(X86Cpu cpu, PvVcpu pv, Domain domain, int reg) {
        return switch (reg) {
            case 0 -> XEN_CR0 | (cpu.taskSwitched() ? CR0_TS : 0);
            case 2 -> pv.cr2();
            case 3 -> domain.frames().pfnOf(cpu.cr3() >>> PAGE_SHIFT) << PAGE_SHIFT;
            default -> pv.cr4();
        };
    }

    /** write_cr: true when done, false for #GP(0). */
    static boolean write(X86Cpu cpu, PvVcpu pv, Vcpu vcpu, int reg, long value) {
        Domain domain = vcpu.domain();
        switch (reg) {
            case 0 -> {
                if (((value ^ XEN_CR0) & ~CR0_TS) != 0) {
                    return false;
                }
                cpu.setTaskSwitched((value & CR0_TS) != 0);
                return true;
            }
            case 2 -> {
                pv.setCr2(value);
                domain.frames().write64(vcpu.vcpuInfoMfn(), vcpu.vcpuInfoOffset() + SharedInfo.VCPU_OFF_ARCH_CR2, value);
                return true;
            }
            case 3 -> {
                long pfn = value >>> PAGE_SHIFT;
                long[] p2m = domain.memory().p2m();
                if (pfn >= p2m.length) {
                    return false;
                }
                return PvMmu.of(domain).newBasePointer(cpu, p2m[(int) pfn]) == 0;
            }
            case 4 -> {
                pv.setCr4(fixupCr4(value));
                return true;
            }
            default -> {
                return false;
            }
        }
    }
}
