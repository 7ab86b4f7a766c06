package dev.trufflexen.x86.nodes;

import static dev.trufflexen.x86.nodes.X86FrameLayout.FLAGS;
import static dev.trufflexen.x86.nodes.X86FrameLayout.FLAG_OP;
import static dev.trufflexen.x86.nodes.X86FrameLayout.FLAG_PREVIOUS;
import static dev.trufflexen.x86.nodes.X86FrameLayout.FLAG_RESULT;
import static dev.trufflexen.x86.nodes.X86FrameLayout.FLAG_SRC1;
import static dev.trufflexen.x86.nodes.X86FrameLayout.FLAG_SRC2;

import com.oracle.truffle.api.Truffle;
import com.oracle.truffle.api.frame.FrameDescriptor;
import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
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
 * <p>Multiplies, shifts and rotates keep their operands and derive CF and OF only when read
 * ({@link #SIGNED_PRODUCT}, {@link #UNSIGNED_PRODUCT}, {@link #SHIFT_LEFT} and its siblings,
 * {@link #ROTATE_LEFT}, {@link #ROTATE_RIGHT}); RCL and RCR record {@link #ROTATE} with the
 * CF/OF they computed. ADC and SBB record {@link #ADC} and {@link #SBB}. Instructions with other flag rules (bit tests, bit scans) compute the six
 * status flags eagerly and store them with op {@link #NONE} ({@link #setStatus}:
 * the status bits then live in the result slot). The other RFLAGS bits (DF, IF, ...) live apart
 * in the {@code FLAGS} slot and only change with POPF and the flag-control instructions
 * ({@link #setMaterialized}). Keeping the two apart matters for speed: an eager producer's
 * status bits are a value of their own, dead (and removed by the compiler) as soon as the next
 * producer overwrites them, instead of being merged into a word that lives until the region
 * exit. INC/DEC keep CF: they store the previous CF in the second source slot.
 */
public final class X86FlagState {
    public static final int NONE = 0;
    public static final int ADD = 1;
    public static final int SUB = 2;
    public static final int LOGIC = 3;
    public static final int INC = 4;
    public static final int DEC = 5;
    /** Rotates: CF and OF in the first source slot; SF, ZF, AF, PF from the state in FLAG_PREVIOUS. */
    public static final int ROTATE = 7;
    /**
     * ADC and SBB: as ADD and SUB, with the carry-in folded into the result. The carry-out
     * needs no extra slot: for ADC, result == src1 only if src2 + carry-in wrapped to zero, so
     * CF = result < src1 || (result == src1 && src2 != 0); for SBB, CF = src1 < src2 ||
     * (src1 == src2 && result != 0).
     */
    public static final int ADC = 8;
    public static final int SBB = 9;
    /**
     * IMUL (and one-operand IMUL): the truncated product as the result. For operands of 1, 2 and
     * 4 bytes the first source is the whole product of the sign-extended factors (exact in 64
     * bits) and the second is 0; for 8 bytes the sources are the two factors. CF = OF = the
     * product does not fit the operand size, derived only when read; AF is clear. A fault path
     * after a narrow multiply keeps one value alive, the product the multiply computed anyway,
     * instead of two sign-extended factors: in a loop whose next instruction may fault, each is a
     * spill on the loop's path.
     */
    public static final int SIGNED_PRODUCT = 10;
    /**
     * One-operand MUL: the truncated low half of the product as the result and both factors,
     * zero-extended, as the sources. CF = OF = the high half is not zero, derived only when read.
     */
    public static final int UNSIGNED_PRODUCT = 11;
    /**
     * Shifts by a non-zero masked count: the result, the value shifted as the first source and
     * the count as the second. CF is the last bit shifted out, OF follows each instruction's rule
     * (SHL: CF != the result's sign; SHR: the original sign; SAR: clear; SHLD/SHRD: the sign
     * changed); AF is clear. Nothing is computed until a consumer reads them, so a fault path
     * after a shift keeps only values the guest's registers hold anyway.
     */
    public static final int SHIFT_LEFT = 12;
    public static final int SHIFT_RIGHT = 13;
    public static final int SHIFT_ARITHMETIC = 14;
    public static final int SHIFT_LEFT_DOUBLE = 15;
    public static final int SHIFT_RIGHT_DOUBLE = 16;
    /**
     * ROL and ROR: like {@link #ROTATE}, but CF and OF are derived from the rotated result (in
     * the result slot) only when read: ROL's CF is the result's low bit, ROR's its sign bit.
     */
    public static final int ROTATE_LEFT = 17;
    public static final int ROTATE_RIGHT = 18;

    /** Frame slots enough for a lazy state read back from the CPU ({@link #materialize(long, long, long, long, long, long, long, long, long)}). */
    private static final FrameDescriptor KEPT_STATE = X86FrameLayout.createDescriptor(FLAG_PREVIOUS + 4);

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

    /** Stores a whole RFLAGS value (POPF, flag-control instructions, region entry). */
    public static void setMaterialized(VirtualFrame frame, long rflags) {
        frame.setLongStatic(FLAGS, rflags);
        setStatus(frame, rflags);
    }

    /** Stores eagerly computed status flags (CF, PF, AF, ZF, SF, OF; other bits are ignored). */
    public static void setStatus(VirtualFrame frame, long status) {
        frame.setLongStatic(FLAG_OP, NONE);
        frame.setLongStatic(FLAG_RESULT, status & X86Rflags.STATUS);
    }

    /**
     * Hands the frame's flags to the CPU unevaluated, at a fault exit: RFLAGS is computed only if
     * someone reads it ({@link X86Cpu#rflags()}), never on the compiled fault path. A rotate's
     * previous state goes along only when the operation is a rotate.
     */
    public static void keepLazy(VirtualFrame frame, X86Cpu cpu) {
        long op = frame.getLongStatic(FLAG_OP);
        long flags = frame.getLongStatic(FLAGS);
        long result = frame.getLongStatic(FLAG_RESULT);
        long src1 = frame.getLongStatic(FLAG_SRC1);
        long src2 = frame.getLongStatic(FLAG_SRC2);
        if (op == NONE) {
            // Eager status bits (or materialized flags) live in the result slot.
            cpu.keepLazyRflags((flags & ~X86Rflags.STATUS) | (result & X86Rflags.STATUS), NONE, 0, 0, 0, NONE, 0, 0, 0);
        } else if (isRotate((int) op)) {
            cpu.keepLazyRflags(flags, op, result, src1, src2, frame.getLongStatic(FLAG_PREVIOUS), frame.getLongStatic(FLAG_PREVIOUS + 1),
                    frame.getLongStatic(FLAG_PREVIOUS + 2), frame.getLongStatic(FLAG_PREVIOUS + 3));
        } else {
            cpu.keepLazyRflags(flags, op, result, src1, src2, NONE, 0, 0, 0);
        }
    }

    /** The RFLAGS value of a lazy state kept outside a frame ({@link #keepLazy}); called off the compiled path. */
    public static long materialize(long flags, long op, long result, long src1, long src2, long previousOp, long previousResult,
            long previousSrc1, long previousSrc2) {
        VirtualFrame frame = Truffle.getRuntime().createVirtualFrame(new Object[0], KEPT_STATE);
        frame.setLongStatic(FLAGS, flags);
        frame.setLongStatic(FLAG_OP, op);
        frame.setLongStatic(FLAG_RESULT, result);
        frame.setLongStatic(FLAG_SRC1, src1);
        frame.setLongStatic(FLAG_SRC2, src2);
        frame.setLongStatic(FLAG_PREVIOUS, previousOp);
        frame.setLongStatic(FLAG_PREVIOUS + 1, previousResult);
        frame.setLongStatic(FLAG_PREVIOUS + 2, previousSrc1);
        frame.setLongStatic(FLAG_PREVIOUS + 3, previousSrc2);
        return materialize(frame);
    }

    /** The whole RFLAGS value. */
    public static long materialize(VirtualFrame frame) {
        return (frame.getLongStatic(FLAGS) & ~X86Rflags.STATUS) | status(frame);
    }

    /** The status flags (CF, PF, AF, ZF, SF, OF); every other bit is zero. */
    public static long status(VirtualFrame frame) {
        int op = (int) frame.getLongStatic(FLAG_OP);
        if (isRotate(op)) {
            return rotateCarryOverflow(frame, op) | (statusOf(frame, FLAG_PREVIOUS) & ~(X86Rflags.CF | X86Rflags.OF));
        }
        return statusOf(frame, FLAG_OP);
    }

    /** Whether {@code op} is a rotate's: SF, ZF, AF and PF then come from the state in FLAG_PREVIOUS. */
    private static boolean isRotate(int op) {
        int kind = op >> 2;
        return kind == ROTATE || kind == ROTATE_LEFT || kind == ROTATE_RIGHT;
    }

    /** A rotate state's CF and OF, as RFLAGS bits. */
    private static long rotateCarryOverflow(VirtualFrame frame, int op) {
        int kind = op >> 2;
        if (kind == ROTATE) {
            return frame.getLongStatic(FLAG_SRC1) & (X86Rflags.CF | X86Rflags.OF);
        }
        long result = frame.getLongStatic(FLAG_RESULT);
        boolean sign = signSet(result, op);
        boolean carry = kind == ROTATE_LEFT ? (result & 1) != 0 : sign;
        boolean overflow = kind == ROTATE_LEFT ? sign != carry : sign != signSet(result << 1, op);
        return (carry ? X86Rflags.CF : 0) | (overflow ? X86Rflags.OF : 0);
    }

    /** The status flags of the (non-rotate) lazy state whose operation is in slot {@code state}. */
    private static long statusOf(VirtualFrame frame, int state) {
        int op = (int) frame.getLongStatic(state);
        if (op == NONE) {
            return frame.getLongStatic(state + 1);
        }
        return (carry(frame, state, op) ? X86Rflags.CF : 0)
                | (parity(frame, state) ? X86Rflags.PF : 0)
                | (adjust(frame, state, op) ? X86Rflags.AF : 0)
                | (zero(frame, state) ? X86Rflags.ZF : 0)
                | (sign(frame, state, op) ? X86Rflags.SF : 0)
                | (overflow(frame, state, op) ? X86Rflags.OF : 0);
    }

    /**
     * Records RCL or RCR: CF and OF as given, SF, ZF, AF and PF left as they were
     * ({@link #keepPreviousForRotate}).
     */
    public static void setRotate(VirtualFrame frame, int size, boolean carry, boolean overflow) {
        keepPreviousForRotate(frame);
        frame.setLongStatic(FLAG_OP, op(ROTATE, size));
        frame.setLongStatic(FLAG_SRC1, (carry ? X86Rflags.CF : 0) | (overflow ? X86Rflags.OF : 0));
    }

    /**
     * Records ROL ({@code left}) or ROR by a non-zero masked count: CF and OF are derived from
     * {@code result} when read, SF, ZF, AF and PF left as they were.
     */
    public static void setRotateResult(VirtualFrame frame, int size, boolean left, long result) {
        keepPreviousForRotate(frame);
        frame.setLongStatic(FLAG_OP, op(left ? ROTATE_LEFT : ROTATE_RIGHT, size));
        frame.setLongStatic(FLAG_RESULT, result);
    }

    /**
     * The state that defines SF, ZF, AF and PF across a rotate moves to the {@code FLAG_PREVIOUS}
     * slots, unless the current state is itself a rotate (whose previous state still defines them).
     */
    private static void keepPreviousForRotate(VirtualFrame frame) {
        int op = (int) frame.getLongStatic(FLAG_OP);
        if (!isRotate(op)) {
            frame.setLongStatic(FLAG_PREVIOUS, op);
            frame.setLongStatic(FLAG_PREVIOUS + 1, frame.getLongStatic(FLAG_RESULT));
            frame.setLongStatic(FLAG_PREVIOUS + 2, frame.getLongStatic(FLAG_SRC1));
            frame.setLongStatic(FLAG_PREVIOUS + 3, frame.getLongStatic(FLAG_SRC2));
        }
    }

    public static boolean carry(VirtualFrame frame) {
        int op = (int) frame.getLongStatic(FLAG_OP);
        if (isRotate(op)) {
            return (rotateCarryOverflow(frame, op) & X86Rflags.CF) != 0;
        }
        return carry(frame, FLAG_OP, op);
    }

    // The flag functions read a lazy state: operation in slot `state`, result, first and second
    // source in the three slots after it.

    private static boolean carry(VirtualFrame frame, int state, int op) {
        switch (op >> 2) {
            case ADD:
                return Long.compareUnsigned(frame.getLongStatic(state + 1), frame.getLongStatic(state + 2)) < 0;
            case SUB:
                return Long.compareUnsigned(frame.getLongStatic(state + 2), frame.getLongStatic(state + 3)) < 0;
            case LOGIC:
                return false;
            case INC:
            case DEC:
                return frame.getLongStatic(state + 3) != 0;
            case ADC: {
                long result = frame.getLongStatic(state + 1);
                long src1 = frame.getLongStatic(state + 2);
                return Long.compareUnsigned(result, src1) < 0 || result == src1 && frame.getLongStatic(state + 3) != 0;
            }
            case SBB: {
                long src1 = frame.getLongStatic(state + 2);
                long src2 = frame.getLongStatic(state + 3);
                return Long.compareUnsigned(src1, src2) < 0 || src1 == src2 && frame.getLongStatic(state + 1) != 0;
            }
            case SIGNED_PRODUCT:
                return signedProductOverflows(frame, state, op);
            case UNSIGNED_PRODUCT:
                return unsignedProductOverflows(frame, state, op);
            case SHIFT_LEFT:
            case SHIFT_LEFT_DOUBLE:
                return leftShiftCarry(frame, state, op);
            case SHIFT_RIGHT:
            case SHIFT_RIGHT_DOUBLE:
                return rightShiftCarry(frame, state, op);
            case SHIFT_ARITHMETIC: {
                long signed = X86Sizes.signExtend(frame.getLongStatic(state + 2), 1 << (op & 3));
                return ((signed >> Math.min(frame.getLongStatic(state + 3) - 1, 63)) & 1) != 0;
            }
            default:
                return (frame.getLongStatic(state + 1) & X86Rflags.CF) != 0;
        }
    }

    /** SHL, SHLD: the last bit shifted out of the first source (none past the operand width). */
    private static boolean leftShiftCarry(VirtualFrame frame, int state, int op) {
        int bits = 8 << (op & 3);
        long count = frame.getLongStatic(state + 3);
        return count <= bits && ((frame.getLongStatic(state + 2) >>> (bits - count)) & 1) != 0;
    }

    /** SHR, SHRD: the last bit shifted out of the first source (none past the operand width). */
    private static boolean rightShiftCarry(VirtualFrame frame, int state, int op) {
        int bits = 8 << (op & 3);
        long count = frame.getLongStatic(state + 3);
        return count <= bits && ((frame.getLongStatic(state + 2) >>> (count - 1)) & 1) != 0;
    }

    private static boolean zero(VirtualFrame frame, int state) {
        return frame.getLongStatic(state + 1) == 0;
    }

    private static boolean sign(VirtualFrame frame, int state, int op) {
        return signSet(frame.getLongStatic(state + 1), op);
    }

    private static boolean parity(VirtualFrame frame, int state) {
        return (Long.bitCount(frame.getLongStatic(state + 1) & 0xFF) & 1) == 0;
    }

    private static boolean adjust(VirtualFrame frame, int state, int op) {
        long result = frame.getLongStatic(state + 1);
        long src1 = frame.getLongStatic(state + 2);
        switch (op >> 2) {
            case ADD:
            case SUB:
            case ADC:
            case SBB:
                return ((result ^ src1 ^ frame.getLongStatic(state + 3)) & 0x10) != 0;
            case INC:
            case DEC:
                return ((result ^ src1 ^ 1) & 0x10) != 0;
            default:
                return false;
        }
    }

    private static boolean overflow(VirtualFrame frame, int state, int op) {
        long signBit = 1L << ((8 << (op & 3)) - 1);
        long result = frame.getLongStatic(state + 1);
        long src1 = frame.getLongStatic(state + 2);
        switch (op >> 2) {
            case ADD:
            case ADC:
                return signSet((src1 ^ result) & (frame.getLongStatic(state + 3) ^ result), op);
            case SUB:
            case SBB:
                return signSet((src1 ^ frame.getLongStatic(state + 3)) & (src1 ^ result), op);
            case INC:
                return result == signBit;
            case DEC:
                return src1 == signBit;
            case SIGNED_PRODUCT:
                return signedProductOverflows(frame, state, op);
            case UNSIGNED_PRODUCT:
                return unsignedProductOverflows(frame, state, op);
            case SHIFT_LEFT:
                return signSet(result, op) != leftShiftCarry(frame, state, op);
            case SHIFT_RIGHT:
                return signSet(src1, op);
            case SHIFT_LEFT_DOUBLE:
            case SHIFT_RIGHT_DOUBLE:
                return signSet(src1 ^ result, op);
            default:
                return false;
        }
    }

    /**
     * Whether the sign bit of {@code op}'s operand size is set in {@code value}: a shift that
     * brings it to bit 63, where a mask of bit 31 would need a 64-bit constant in a register.
     */
    private static boolean signSet(long value, int op) {
        return value << (64 - (8 << (op & 3))) < 0;
    }

    /** Whether the unsigned product of the two sources of an {@link #UNSIGNED_PRODUCT} state has a non-zero high half. */
    private static boolean unsignedProductOverflows(VirtualFrame frame, int state, int op) {
        long a = frame.getLongStatic(state + 2);
        long b = frame.getLongStatic(state + 3);
        int size = 1 << (op & 3);
        return size == 8 ? Math.unsignedMultiplyHigh(a, b) != 0 : ((a * b) >>> X86Sizes.bits(size)) != 0;
    }

    /** Whether the product of a {@link #SIGNED_PRODUCT} state lost bits when truncated. */
    private static boolean signedProductOverflows(VirtualFrame frame, int state, int op) {
        long src1 = frame.getLongStatic(state + 2);
        int size = 1 << (op & 3);
        if (size == 8) {
            long b = frame.getLongStatic(state + 3);
            return Math.multiplyHigh(src1, b) != ((src1 * b) >> 63);
        }
        return src1 != X86Sizes.signExtend(src1, size);
    }

    /**
     * Records a signed multiply of {@code a} and {@code b} (both sign-extended from {@code size}
     * bytes) whose truncated product is {@code result} ({@link #SIGNED_PRODUCT}).
     */
    public static void setSignedProduct(VirtualFrame frame, int size, long result, long a, long b) {
        if (size == 8) {
            setLazy(frame, op(SIGNED_PRODUCT, size), result, a, b);
        } else {
            setLazy(frame, op(SIGNED_PRODUCT, size), result, a * b, 0);
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
            return negate ^ materializedCondition(frame.getLongStatic(FLAG_RESULT), cc >> 1);
        }
        if (isRotate(op)) {
            return negate ^ materializedCondition(status(frame), cc >> 1);
        }
        int state = FLAG_OP;
        boolean value;
        switch (cc >> 1) {
            case 0:
                value = overflow(frame, state, op);
                break;
            case 1:
                value = carry(frame, state, op);
                break;
            case 2:
                value = zero(frame, state);
                break;
            case 3:
                value = carry(frame, state, op) || zero(frame, state);
                break;
            case 4:
                value = sign(frame, state, op);
                break;
            case 5:
                value = parity(frame, state);
                break;
            case 6:
                value = sign(frame, state, op) != overflow(frame, state, op);
                break;
            default:
                value = zero(frame, state) || sign(frame, state, op) != overflow(frame, state, op);
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
        long value = X86Sizes.truncate(result, size);
        long updated = flags & ~(X86Rflags.SF | X86Rflags.ZF | X86Rflags.PF);
        if (value == 0) {
            updated |= X86Rflags.ZF;
        }
        if (X86Sizes.signExtend(value, size) < 0) {
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
