package dev.trufflexen.x86.decoder;

import dev.trufflexen.x86.cpu.X86Fault;

/**
 * A decoded (and validated) instruction, or the fault decoding it raised. Register numbers
 * include the REX extension bits. The decoder fills the fields; nothing changes them afterwards.
 */
public final class X86Instruction {
    public static final int PREFIX_OPERAND_SIZE = 1;
    public static final int PREFIX_ADDRESS_SIZE = 1 << 1;
    public static final int PREFIX_LOCK = 1 << 2;
    public static final int PREFIX_REP = 1 << 3;
    public static final int PREFIX_REPNE = 1 << 4;

    /** No segment override (or one without a base in long mode). */
    public static final int NO_SEGMENT = -1;
    public static final int NO_REGISTER = -1;

    long rip;
    int length;
    X86Fault fault;
    int opcode;
    int prefixes;
    int segment = NO_SEGMENT;
    int rex;
    int operandSize;
    int addressSize;
    boolean hasModrm;
    int mod;
    int reg;
    int rm;
    boolean hasMemory;
    int base = NO_REGISTER;
    int index = NO_REGISTER;
    int scaleShift;
    long displacement;
    boolean ripRelative;
    long immediate;
    long immediate2;
    int immediateSize;

    X86Instruction() {
    }

    public long rip() {
        return rip;
    }

    /** Bytes consumed (for a fault, the bytes read before it was detected). */
    public int length() {
        return length;
    }

    public long nextRip() {
        return rip + length;
    }

    /** The fault decoding raised (#UD, #GP for &gt;15 bytes, #PF on fetch), or null if valid. */
    public X86Fault fault() {
        return fault;
    }

    public boolean isValid() {
        return fault == null;
    }

    /** 0x00-0xFF one-byte map, 0x100-0x1FF 0F map, 0x200 0F38 map, 0x300 0F3A map. */
    public int opcode() {
        return opcode;
    }

    public boolean hasPrefix(int prefix) {
        return (prefixes & prefix) != 0;
    }

    public int prefixes() {
        return prefixes;
    }

    public int segment() {
        return segment;
    }

    public int rex() {
        return rex;
    }

    public boolean hasRex() {
        return rex != 0;
    }

    public boolean rexW() {
        return (rex & 8) != 0;
    }

    /** 1, 2, 4 or 8 bytes. */
    public int operandSize() {
        return operandSize;
    }

    /** 4 or 8 bytes. */
    public int addressSize() {
        return addressSize;
    }

    public boolean hasModrm() {
        return hasModrm;
    }

    public int mod() {
        return mod;
    }

    /** ModRM.reg with REX.R (for groups, the low three bits select the operation). */
    public int reg() {
        return reg;
    }

    /** ModRM.rm with REX.B (meaningful as a register when mod == 3). */
    public int rm() {
        return rm;
    }

    public boolean hasMemory() {
        return hasMemory;
    }

    public int base() {
        return base;
    }

    public int index() {
        return index;
    }

    public int scaleShift() {
        return scaleShift;
    }

    /** Displacement; for RIP-relative operands the absolute address. */
    public long displacement() {
        return displacement;
    }

    public boolean ripRelative() {
        return ripRelative;
    }

    /** The immediate, sign-extended to 64 bits (zero-extended for IMM16 and MOFFS forms). */
    public long immediate() {
        return immediate;
    }

    /** ENTER's second (8-bit) immediate. */
    public long immediate2() {
        return immediate2;
    }

    public int immediateSize() {
        return immediateSize;
    }

    /** Target of a relative branch. */
    public long branchTarget() {
        return nextRip() + immediate;
    }
}
