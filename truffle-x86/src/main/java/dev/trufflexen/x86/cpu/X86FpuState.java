package dev.trufflexen.x86.cpu;

import static dev.trufflexen.x86.cpu.X86LittleEndian.putShort;
import static dev.trufflexen.x86.cpu.X86LittleEndian.putInt;
import static dev.trufflexen.x86.cpu.X86LittleEndian.putLong;
import static dev.trufflexen.x86.cpu.X86LittleEndian.getShort;
import static dev.trufflexen.x86.cpu.X86LittleEndian.getInt;
import static dev.trufflexen.x86.cpu.X86LittleEndian.getLong;

/**
 * The floating-point and vector state of one CPU: the eight x87 data registers with their
 * control, status and tag words and last-instruction pointers, the sixteen XMM registers and
 * MXCSR.
 *
 * <p>Representation. An x87 register is held as the 64-bit significand (explicit integer bit,
 * as in memory) and a 16-bit sign-and-exponent word, indexed by <em>physical</em> register
 * number R0-R7; ST(i) is R((TOP + i) mod 8) with TOP in status-word bits 11-13. The tag word is
 * the full two-bit-per-register form (00 valid, 01 zero, 10 special, 11 empty). An XMM register
 * is two longs, low quadword first.
 *
 * <p>The 512-byte image read and written by {@link #saveFxsave} and {@link #loadFxsave} is the
 * 64-bit FXSAVE layout (FXSAVE64): the format of the FXSAVE/FXRSTOR instructions with REX.W, of
 * Xen's {@code vcpu_guest_context.fpu_ctxt} and of a Linux signal frame's FP state. It is the
 * one interchange format for this state: saving a vCPU, the differential tester and the
 * FXSAVE instruction all use it.
 */
public final class X86FpuState {
    public static final int FXSAVE_SIZE = 512;
    /** FNINIT's control word: all exceptions masked, 64-bit precision, round to nearest. */
    public static final int FCW_DEFAULT = 0x037F;
    /** MXCSR at reset: all exceptions masked, round to nearest. */
    public static final int MXCSR_DEFAULT = 0x1F80;
    /**
     * The MXCSR bits this CPU implements (flags, masks, rounding, FZ, DAZ and, as on AMD processors,
     * bit 17 MM, the misaligned-SSE exception mask); others are reserved (#GP). FXSAVE stores it as
     * MXCSR_MASK.
     */
    public static final int MXCSR_WRITABLE = 0x2FFFF;
    /** MXCSR.MM: 16-byte SSE memory operands need not be aligned (AMD's misaligned SSE mode). */
    public static final int MXCSR_MISALIGNED_MASK = 0x20000;
    public static final int TAG_VALID = 0;
    public static final int TAG_ZERO = 1;
    public static final int TAG_SPECIAL = 2;
    public static final int TAG_EMPTY = 3;

    private final long[] xmm = new long[32];
    private int mxcsr = MXCSR_DEFAULT;

    private final long[] significands = new long[8];
    private final short[] signExponents = new short[8];
    private int controlWord = FCW_DEFAULT;
    private int statusWord;
    private int tagWord = 0xFFFF;
    private int lastOpcode;
    private long lastInstructionPointer;
    private long lastDataPointer;
    /** FCS and FDS: the selectors of the last x87 instruction's code and memory operand (the 32-bit layouts store them). */
    private int lastCodeSelector;
    private int lastDataSelector;
    private final X87Extended x87Arithmetic = new X87Extended();

    /** FNINIT for the x87 part; MXCSR to its reset value; XMM registers to zero. */
    public void reset() {
        java.util.Arrays.fill(xmm, 0);
        mxcsr = MXCSR_DEFAULT;
        initializeX87();
    }

    /** FNINIT: default control word, empty stack, cleared status and pointers. Register contents are kept. */
    public void initializeX87() {
        controlWord = FCW_DEFAULT;
        statusWord = 0;
        tagWord = 0xFFFF;
        lastOpcode = 0;
        lastInstructionPointer = 0;
        lastDataPointer = 0;
        lastCodeSelector = 0;
        lastDataSelector = 0;
    }

    /** The scratch of the x87 soft-float arithmetic (one per FPU; not architectural state). */
    public X87Extended x87Arithmetic() {
        return x87Arithmetic;
    }

    // XMM and MXCSR.

    /** Half {@code half} (0 low, 1 high) of XMM register {@code reg}. */
    public long xmm(int reg, int half) {
        return xmm[reg * 2 + half];
    }

    public void setXmm(int reg, int half, long value) {
        xmm[reg * 2 + half] = value;
    }

    /** The backing array of the XMM registers: element 2n is XMMn's low quadword, 2n+1 its high one. */
    public long[] xmmArray() {
        return xmm;
    }

    public int mxcsr() {
        return mxcsr;
    }

    /** Sets MXCSR; the caller has checked that no reserved bit is set (LDMXCSR raises #GP(0) otherwise). */
    public void setMxcsr(int value) {
        mxcsr = value & MXCSR_WRITABLE;
    }

    /**
     * SIMD floating-point exception flags (MXCSR bits 0-5) detected by the instruction being
     * executed, before they are committed to MXCSR (or raise #XM if unmasked).
     */
    private int pendingSimdExceptions;

    public void raiseSimdExceptions(int flags) {
        pendingSimdExceptions |= flags;
    }

    /** Whether the instruction being executed has detected a SIMD exception. */
    public boolean hasSimdExceptions() {
        return pendingSimdExceptions != 0;
    }

    /** The pending SIMD exception flags, cleared. */
    public int takeSimdExceptions() {
        int flags = pendingSimdExceptions;
        pendingSimdExceptions = 0;
        return flags;
    }

    // x87.

    public int controlWord() {
        return controlWord;
    }

    public void setControlWord(int value) {
        controlWord = value & 0x1F7F | 0x0040;
    }

    public int statusWord() {
        return statusWord;
    }

    public void setStatusWord(int value) {
        statusWord = value & 0xFFFF;
    }

    /** TOP: the physical register number of ST(0). */
    public int top() {
        return (statusWord >>> 11) & 7;
    }

    public void setTop(int top) {
        statusWord = (statusWord & ~0x3800) | ((top & 7) << 11);
    }

    /** The full tag word (two bits per physical register). */
    public int tagWord() {
        return tagWord;
    }

    public void setTagWord(int value) {
        tagWord = value & 0xFFFF;
    }

    public int tag(int physical) {
        return (tagWord >>> (physical * 2)) & 3;
    }

    public void setTag(int physical, int tag) {
        tagWord = (tagWord & ~(3 << (physical * 2))) | ((tag & 3) << (physical * 2));
    }

    /** The 64-bit significand of physical register {@code physical}. */
    public long significand(int physical) {
        return significands[physical];
    }

    /** The sign (bit 15) and biased exponent (bits 0-14) of physical register {@code physical}. */
    public int signExponent(int physical) {
        return signExponents[physical] & 0xFFFF;
    }

    /** Writes a physical register's contents (the tag is not changed). */
    public void setRegister(int physical, long significand, int signExponent) {
        significands[physical] = significand;
        signExponents[physical] = (short) signExponent;
    }

    public int lastOpcode() {
        return lastOpcode;
    }

    public long lastInstructionPointer() {
        return lastInstructionPointer;
    }

    public int lastCodeSelector() {
        return lastCodeSelector;
    }

    public int lastDataSelector() {
        return lastDataSelector;
    }

    /** Records FCS and FDS (the 64-bit FXSAVE image has no room for them). */
    public void setLastSelectors(int codeSelector, int dataSelector) {
        lastCodeSelector = codeSelector & 0xFFFF;
        lastDataSelector = dataSelector & 0xFFFF;
    }

    public long lastDataPointer() {
        return lastDataPointer;
    }

    /** Records the last non-control x87 instruction: its opcode (11 bits), address and memory operand address. */
    public void setLastInstruction(int opcode, long instructionPointer, long dataPointer) {
        lastOpcode = opcode & 0x7FF;
        lastInstructionPointer = instructionPointer;
        lastDataPointer = dataPointer;
    }

    /** The tag the hardware computes from a register's contents (used by FXRSTOR and FLDENV). */
    public static int classify(long significand, int signExponent) {
        int exponent = signExponent & 0x7FFF;
        if (exponent == 0x7FFF) {
            return TAG_SPECIAL;
        }
        if (exponent == 0) {
            return significand == 0 ? TAG_ZERO : TAG_SPECIAL;
        }
        return significand < 0 ? TAG_VALID : TAG_SPECIAL; // integer bit clear: unnormal
    }

    // The FXSAVE64 image.

    /** Writes the 64-bit FXSAVE image of this state into {@code image[offset..offset+512)}; bytes 416-511 are zero. */
    public void saveFxsave(byte[] image, int offset) {
        java.util.Arrays.fill(image, offset, offset + FXSAVE_SIZE, (byte) 0);
        putShort(image, offset, controlWord);
        putShort(image, offset + 2, statusWord);
        int abridged = 0;
        for (int r = 0; r < 8; r++) {
            if (tag(r) != TAG_EMPTY) {
                abridged |= 1 << r;
            }
        }
        image[offset + 4] = (byte) abridged;
        putShort(image, offset + 6, lastOpcode);
        putLong(image, offset + 8, lastInstructionPointer);
        putLong(image, offset + 16, lastDataPointer);
        putInt(image, offset + 24, mxcsr);
        putInt(image, offset + 28, MXCSR_WRITABLE);
        int top = top();
        for (int i = 0; i < 8; i++) {
            int physical = (top + i) & 7;
            putLong(image, offset + 32 + 16 * i, significands[physical]);
            putShort(image, offset + 40 + 16 * i, signExponents[physical]);
        }
        for (int i = 0; i < 32; i++) {
            putLong(image, offset + 160 + 8 * i, xmm[i]);
        }
    }

    /**
     * Loads a 64-bit FXSAVE image. The caller has checked MXCSR's reserved bits (FXRSTOR raises
     * #GP(0) otherwise). Tags of non-empty registers are recomputed from their contents, as
     * FXRSTOR does with the abridged tag byte.
     */
    public void loadFxsave(byte[] image, int offset) {
        controlWord = getShort(image, offset) & 0x1F7F | 0x0040;
        statusWord = getShort(image, offset + 2);
        int abridged = image[offset + 4] & 0xFF;
        lastOpcode = getShort(image, offset + 6) & 0x7FF;
        lastInstructionPointer = getLong(image, offset + 8);
        lastDataPointer = getLong(image, offset + 16);
        lastCodeSelector = 0;
        lastDataSelector = 0;
        mxcsr = getInt(image, offset + 24) & MXCSR_WRITABLE;
        int top = top();
        for (int i = 0; i < 8; i++) {
            int physical = (top + i) & 7;
            significands[physical] = getLong(image, offset + 32 + 16 * i);
            signExponents[physical] = (short) getShort(image, offset + 40 + 16 * i);
        }
        int tags = 0;
        for (int r = 0; r < 8; r++) {
            int t = (abridged & (1 << r)) == 0 ? TAG_EMPTY : classify(significands[r], signExponents[r]);
            tags |= t << (2 * r);
        }
        tagWord = tags;
        for (int i = 0; i < 32; i++) {
            xmm[i] = getLong(image, offset + 160 + 8 * i);
        }
    }
}
