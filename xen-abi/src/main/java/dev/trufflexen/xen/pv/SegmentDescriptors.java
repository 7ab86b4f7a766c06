package dev.trufflexen.xen.pv;

import dev.trufflexen.xen.abi.X86Pv;

/**
 * Xen's {@code check_descriptor} for a 64-bit PV guest: which 8-byte descriptors a guest may put
 * in its GDT or LDT, and the fix-up Xen applies to those it accepts.
 * <ul>
 * <li>A not-present descriptor is accepted unchanged: it always faults.
 * <li>Otherwise the DPL is raised to the guest kernel's privilege, 3.
 * <li>Code and data segments are accepted (no base or limit checks in 64-bit mode).
 * <li>System type 0 is accepted unchanged (the upper half of a 16-byte gate).
 * <li>A call gate (type 12) is accepted when its target selector is a guest GDT selector, the
 * flat kernel CS or an LDT selector; Xen stores the gate's DPL in the target's RPL and makes the
 * DPL 0, so that using the gate faults and can be emulated, and the reserved bits 32-39 must be
 * clear.
 * <li>Every other system descriptor (TSS, LDT, interrupt and trap gates, ...) is refused.
 * </ul>
 */
final class SegmentDescriptors {
    static final long PRESENT = 1L << 47;
    static final long CODE_OR_DATA = 1L << 44;
    private static final long DPL = 3L << 45;
    private static final long TYPE = 0xFL << 40;
    private static final long CALL_GATE = 0xCL << 40;
    private static final long GATE_RESERVED = 0xFFL << 32;
    private static final int GUEST_KERNEL_RPL = 3;
    static final int FIRST_RESERVED_GDT_ENTRY = 14 * 512;

    private SegmentDescriptors() {
    }

    /** Whether check_descriptor accepts {@code raw}. */
    static boolean isAcceptable(long raw) {
        if ((raw & PRESENT) == 0 || (raw & CODE_OR_DATA) != 0 || (raw & TYPE) == 0) {
            return true;
        }
        if ((raw & TYPE) != CALL_GATE) {
            return false;
        }
        int target = (int) (raw >>> 16) & 0xFFFF;
        boolean targetOk = target >>> 3 < FIRST_RESERVED_GDT_ENTRY || target == X86Pv.FLAT_KERNEL_CS
                || (target & 4) != 0;
        return targetOk && (raw & GATE_RESERVED) == 0;
    }

    /** The descriptor as check_descriptor leaves it; only for an acceptable one. */
    static long fixUp(long raw) {
        if ((raw & PRESENT) == 0 || (raw & CODE_OR_DATA) == 0 && (raw & TYPE) == 0) {
            return raw;
        }
        int dpl = (int) ((raw & DPL) >>> 45);
        if (dpl < GUEST_KERNEL_RPL) {
            dpl = GUEST_KERNEL_RPL;
        }
        long fixed = raw & ~DPL | (long) dpl << 45;
        if ((fixed & CODE_OR_DATA) != 0 || (fixed & TYPE) != CALL_GATE) {
            return fixed;
        }
        long target = (raw >>> 16 & 0xFFFC) | dpl;
        return fixed & ~DPL & ~0xFFFF_0000L | target << 16;
    }
}
