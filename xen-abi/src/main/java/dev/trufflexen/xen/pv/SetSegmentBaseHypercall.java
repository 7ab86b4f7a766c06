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
 * (RPL forced to 3 unless null) and the user GS base from its descriptor. A selector that does
 * not load (anything but null and Xen's flat ring-3 descriptors 0xe023, 0xe02b, 0xe033 while the
 * guest has no descriptor tables of its own) loads the null selector instead: Xen never fails
 * this call. Every flat descriptor has base 0.
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

    private static void loadUserGsSelector(X86Cpu cpu, PvVcpu pv, int selector) {
        int sel = selector > 3 ? selector | 3 : selector;
        boolean loads = sel <= 3 || sel == X86Pv.FLAT_RING3_CS32 || sel == X86Pv.FLAT_RING3_DS32 || sel == X86Pv.FLAT_RING3_CS64;
        cpu.setSegment(X86Segment.GS, loads ? sel : 0);
        pv.setGsBaseUser(0);
    }
}
