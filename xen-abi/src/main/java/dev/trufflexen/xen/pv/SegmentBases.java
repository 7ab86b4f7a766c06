package dev.trufflexen.xen.pv;

import dev.trufflexen.x86.cpu.X86Cpu;

/**
 * The one place the FS and GS bases of a PV vCPU change, for WRMSR emulation and
 * {@code set_segment_base} alike. While the guest kernel runs, the CPU's GS base is the
 * kernel's and the user's waits in {@link PvVcpu#gsBaseUser()} (Xen keeps it in the hardware's
 * shadow GS base).
 */
final class SegmentBases {
    private SegmentBases() {
    }

    /** Writes {@code base} (already checked canonical) to the base {@code msr} names. */
    static void write(X86Cpu cpu, PvVcpu pv, int msr, long base) {
        switch (msr) {
            case PrivilegedOps.MSR_FS_BASE -> cpu.setFsBase(base);
            case PrivilegedOps.MSR_GS_BASE -> cpu.setGsBase(base);
            case PrivilegedOps.MSR_SHADOW_GS_BASE -> pv.setGsBaseUser(base);
            default -> throw new IllegalArgumentException("not a segment base MSR: " + Integer.toHexString(msr));
        }
    }
}
