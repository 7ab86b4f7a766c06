package dev.trufflexen.x86.nodes;

import static dev.trufflexen.x86.nodes.X86FrameLayout.FLAGS;
import static dev.trufflexen.x86.nodes.X86FrameLayout.FLAG_OP;
import static dev.trufflexen.x86.nodes.X86FrameLayout.FLAG_RESULT;
import static dev.trufflexen.x86.nodes.X86FrameLayout.FLAG_SRC1;
import static dev.trufflexen.x86.nodes.X86FrameLayout.FLAG_SRC2;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Rflags;

/**
 * Lazy arithmetic flags in frame slots.
 *
 * <p>The common flag producers (ADD, SUB/CMP, AND/OR/XOR/TEST, INC, DEC) do not compute flags:
 * they store an operation code (kind and operand size), the result and both sources. A consumer
 * (Jcc, SETcc, CMOVcc, ADC, PUSHF, region exit) derives what it needs. The operation code is a
 * constant written by the producer node, so when producer and consumer meet in one compilation
 * unit, partial evaluation folds e.g. {@code cmp rax, rbx; jl} into one signed compare of the
 * two sources, and every flag nobody reads disappears.
 *
 * <p>Instructions with unusual flag rules (ADC/SBB, shifts, rotates, multiplies, bit tests,
 * NEG, POPF) materialize the full RFLAGS value, change it, and store it with op {@link #NONE}.
 * INC/DEC keep CF: they store the previous CF in the second source slot.
 */
public final class X86FlagState {
    public static final int NONE = 0;
    public static final int ADD = 1;
    public static final int SUB = 2;
    public static final int LOGIC = 3;
    public static final int INC = 4;
    public static final int DEC = 5;

    private X86FlagState() {
    }

    /** Operation code: kind in the high bits, log2(size) in the low two. */
    public static int op(int kind, int size) {
        return kind << 2 | X86Sizes.log2(size);
    }

    /** Records a lazy flag operation; values are truncated to the operand size by the caller. */
    public static void setLazy(VirtualFrame frame, int op, long result, long src1, long src2) {
        frame.setLongStatic(FLAG_OP, op);
        frame.setLongStatic(FLAG_RESULT, result);
        frame.setLongStatic(FLAG_SRC1, src1);
        frame.setLongStatic(FLAG_SRC2, src2);
    }

    /** Stores fully materialized RFLAGS. */
    public static void setMaterialized(VirtualFrame frame, long rflags) {
        frame.setLongStatic(FLAGS, rflags);
        frame.setLongStatic(FLAG_OP, NONE);
    }

    public static long materialize(VirtualFrame frame) {
        int op = (int) frame.getLongStatic(FLAG_OP);
        long base = frame.getLongStatic(FLAGS);
        if (op == NONE) {
            return base;
        }
        long status = (carry(frame, op) ? X86Rflags.CF : 0)
                | (parity(frame) ? X86Rflags.PF : 0)
                | (adjust(frame, op) ? X86Rflags.AF : 0)
                | (zero(frame) ? X86Rflags.ZF : 0)
                | (sign(frame, op) ? X86Rflags.SF : 0)
                | (overflow(frame, op) ? X86Rflags.OF : 0);
        return (base & ~X86Rflags.STATUS) | status;
    }

    public static boolean carry(VirtualFrame frame) {
        return carry(frame, (int) frame.getLongStatic(FLAG_OP));
    }

    private static boolean carry(VirtualFrame frame, int op) {
        switch (op >> 2) {
            case ADD:
                return Long.compareUnsigned(frame.getLongStatic(FLAG_RESULT), frame.getLongStatic(FLAG_SRC1)) < 0;
            case SUB:
                return Long.compareUnsigned(frame.getLongStatic(FLAG_SRC1), frame.getLongStatic(FLAG_SRC2)) < 0;
            case LOGIC:
                return false;
            case INC:
            case DEC:
                return frame.getLongStatic(FLAG_SRC2) != 0;
            default:
                return (frame.getLongStatic(FLAGS) & X86Rflags.CF) != 0;
        }
    }

    private static boolean zero(VirtualFrame frame) {
        return frame.getLongStatic(FLAG_RESULT) == 0;
    }

    private static boolean sign(VirtualFrame frame, int op) {
        return (frame.getLongStatic(FLAG_RESULT) & (1L << ((8 << (op & 3)) - 1))) != 0;
    }

    private static boolean parity(VirtualFrame frame) {
        return (Long.bitCount(frame.getLongStatic(FLAG_RESULT) & 0xFF) & 1) == 0;
    }

    private static boolean adjust(VirtualFrame frame, int op) {
        long result = frame.getLongStatic(FLAG_RESULT);
        long src1 = frame.getLongStatic(FLAG_SRC1);
        switch (op >> 2) {
            case ADD:
            case SUB:
                return ((result ^ src1 ^ frame.getLongStatic(FLAG_SRC2)) & 0x10) != 0;
            case INC:
            case DEC:
                return ((result ^ src1 ^ 1) & 0x10) != 0;
            default:
                return false;
        }
    }

    private static boolean overflow(VirtualFrame frame, int op) {
        long signBit = 1L << ((8 << (op & 3)) - 1);
        long result = frame.getLongStatic(FLAG_RESULT);
        long src1 = frame.getLongStatic(FLAG_SRC1);
        switch (op >> 2) {
            case ADD:
                return ((src1 ^ result) & (frame.getLongStatic(FLAG_SRC2) ^ result) & signBit) != 0;
            case SUB:
                return ((src1 ^ frame.getLongStatic(FLAG_SRC2)) & (src1 ^ result) & signBit) != 0;
            case INC:
                return result == signBit;
            case DEC:
                return src1 == signBit;
            default:
                return false;
        }
    }

    /**
     * Evaluates condition code {@code cc} (the low nibble of Jcc/SETcc/CMOVcc). After a SUB (CMP)
     * the ordered conditions compare the sources directly, which is what a cmp+jcc pair folds to.
     */
    public static boolean condition(VirtualFrame frame, int cc) {
        int op = (int) frame.getLongStatic(FLAG_OP);
        boolean negate = (cc & 1) != 0;
        if (op >> 2 == SUB) {
            int size = 1 << (op & 3);
            long a = frame.getLongStatic(FLAG_SRC1);
            long b = frame.getLongStatic(FLAG_SRC2);
            switch (cc >> 1) {
                case 1:
                    return negate ^ Long.compareUnsigned(a, b) < 0;
                case 2:
                    return negate ^ (a == b);
                case 3:
                    return negate ^ Long.compareUnsigned(a, b) <= 0;
                case 6:
                    return negate ^ (X86Sizes.signExtend(a, size) < X86Sizes.signExtend(b, size));
                case 7:
                    return negate ^ (X86Sizes.signExtend(a, size) <= X86Sizes.signExtend(b, size));
                default:
                    break;
            }
        }
        if (op == NONE) {
            return negate ^ materializedCondition(frame.getLongStatic(FLAGS), cc >> 1);
        }
        boolean value;
        switch (cc >> 1) {
            case 0:
                value = overflow(frame, op);
                break;
            case 1:
                value = carry(frame, op);
                break;
            case 2:
                value = zero(frame);
                break;
            case 3:
                value = carry(frame, op) || zero(frame);
                break;
            case 4:
                value = sign(frame, op);
                break;
            case 5:
                value = parity(frame);
                break;
            case 6:
                value = sign(frame, op) != overflow(frame, op);
                break;
            default:
                value = zero(frame) || sign(frame, op) != overflow(frame, op);
                break;
        }
        return negate ^ value;
    }

    private static boolean materializedCondition(long flags, int condition) {
        boolean of = (flags & X86Rflags.OF) != 0;
        boolean cf = (flags & X86Rflags.CF) != 0;
        boolean zf = (flags & X86Rflags.ZF) != 0;
        boolean sf = (flags & X86Rflags.SF) != 0;
        boolean pf = (flags & X86Rflags.PF) != 0;
        switch (condition) {
            case 0:
                return of;
            case 1:
                return cf;
            case 2:
                return zf;
            case 3:
                return cf || zf;
            case 4:
                return sf;
            case 5:
                return pf;
            case 6:
                return sf != of;
            default:
                return zf || sf != of;
        }
    }

    /** Sets the result flags SF, ZF, PF of {@code result} into {@code flags} (for eager producers). */
    public static long withResultFlags(long flags, long result, int size) {
        long value = result & X86Sizes.mask(size);
        long updated = flags & ~(X86Rflags.SF | X86Rflags.ZF | X86Rflags.PF);
        if (value == 0) {
            updated |= X86Rflags.ZF;
        }
        if ((value & X86Sizes.signBit(size)) != 0) {
            updated |= X86Rflags.SF;
        }
        if ((Long.bitCount(value & 0xFF) & 1) == 0) {
            updated |= X86Rflags.PF;
        }
        return updated;
    }

    public static long withFlag(long flags, long flag, boolean set) {
        return set ? flags | flag : flags & ~flag;
    }
}
