package dev.trufflexen.xen.pv;

import java.util.Map;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Segment;
import dev.trufflexen.xen.abi.Hypercalls;
import dev.trufflexen.xen.abi.X86Pv;
import dev.trufflexen.xen.abi.XenErrno;
import dev.trufflexen.xen.hypercall.Hypercall;
import dev.trufflexen.xen.hypercall.HypercallContext;
import dev.trufflexen.xen.hypercall.XenError;

/**
 * {@code set_segment_base(unsigned int which, unsigned long base)}, as Xen's
 * {@code do_set_segment_base}:
 * <ul>
 * <li>SEGBASE_FS, SEGBASE_GS_KERNEL: the FS base, the active (kernel) GS base;
 * <li>SEGBASE_GS_USER: the user GS base the kernel's {@code swapgs} would load;
 * <li>SEGBASE_GS_USER_SEL: loads the low 16 bits of {@code base} into GS as the user's selector
 * (RPL forced to 3 unless null), checked against the guest's GDT/LDT as a {@code mov gs} at
 * CPL 3, and the user GS base from its descriptor (0 for null, as on Intel). A selector that
 * does not load loads the null selector instead: Xen never fails this call.
 * </ul>
 * A non-canonical base is -EINVAL, an unknown {@code which} -EINVAL.
 */
public final class SetSegmentBaseHypercall implements Hypercall {
    @Override
    public int number() {
        return Hypercalls.__HYPERVISOR_set_segment_base;
    }

    @Override
    public Map<Integer, String> subOps() {
        return Map.of(X86Pv.SEGBASE_FS, HANDLED, X86Pv.SEGBASE_GS_USER, HANDLED, X86Pv.SEGBASE_GS_KERNEL, HANDLED,
                X86Pv.SEGBASE_GS_USER_SEL, HANDLED);
    }

    @Override
    public long invoke(HypercallContext context) {
        X86Cpu cpu = context.cpu();
        PvVcpu pv = PvEntry.pvVcpu(cpu);
        int which = context.intArg(0);
        long base = context.ulongArg(1);
        int msr = switch (which) {
            case X86Pv.SEGBASE_FS -> PrivilegedOps.MSR_FS_BASE;
            case X86Pv.SEGBASE_GS_USER -> PrivilegedOps.MSR_SHADOW_GS_BASE;
            case X86Pv.SEGBASE_GS_KERNEL -> PrivilegedOps.MSR_GS_BASE;
            case X86Pv.SEGBASE_GS_USER_SEL -> {
                loadUserGsSelector(cpu, pv, (int) base & 0xFFFF);
                yield 0;
            }
            default -> throw new XenError(XenErrno.EINVAL, "unknown segment " + which);
        };
        if (msr == 0) {
            return 0;
        }
        if (!PvVcpu.isCanonical(base)) {
            throw new XenError(XenErrno.EINVAL, String.format("non-canonical base %#x", base));
        }
        SegmentBases.write(cpu, pv, msr, base);
        return 0;
    }

    /** Loads GS as the hardware would at CPL 3 and keeps the base it got as the user GS base; the kernel's stays active. */
    private static void loadUserGsSelector(X86Cpu cpu, PvVcpu pv, int selector) {
        int sel = selector > 3 ? selector | 3 : selector;
        long kernelBase = cpu.gsBase();
        if (SegmentInstructions.loadDataSegment(cpu, pv, X86Segment.GS, sel) != null) {
            SegmentInstructions.loadDataSegment(cpu, pv, X86Segment.GS, 0);
        }
        pv.setGsBaseUser(cpu.gsBase());
        cpu.setGsBase(kernelBase);
    }
}
