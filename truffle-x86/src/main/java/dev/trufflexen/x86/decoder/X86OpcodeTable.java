package dev.trufflexen.x86.decoder;

/**
 * The one declarative description of x86-64 opcode encodings that the decoder (and the
 * disassembler) read: for each opcode of the one-byte map (0x000-0x0FF), the 0F map
 * (0x100-0x1FF) and the 0F38/0F3A maps (0x200/0x300, uniform), whether a ModRM byte follows,
 * which immediate follows, operand-size defaults in 64-bit mode, LOCK legality and validity.
 *
 * <p>Per-ModRM.reg rules of the group opcodes (which members exist, which may be locked) live
 * in {@link #groupRule}, next to the table, so that validation is complete before any node is
 * built.
 */
public final class X86OpcodeTable {
    public static final int MODRM = 1;
    /** An 8-bit immediate. */
    public static final int IMM8 = 1 << 1;
    /** A 16- or 32-bit immediate (32 for 32- and 64-bit operand size). */
    public static final int IMMZ = 1 << 2;
    public static final int IMM16 = 1 << 3;
    /** A full operand-size immediate (16, 32 or 64 bits: MOV r, imm). */
    public static final int IMMV = 1 << 4;
    /** An address-size offset (MOV AL/rAX to or from moffs). */
    public static final int MOFFS = 1 << 5;
    /** ENTER's 16-bit immediate followed by an 8-bit one. */
    public static final int IMM16_8 = 1 << 6;
    /** Operand size defaults to 64 bits (0x66 selects 16). */
    public static final int DEFAULT64 = 1 << 7;
    /** Operand size is always 64 bits (near branches). */
    public static final int FORCE64 = 1 << 8;
    /** Byte operation (operand size 8 bits). */
    public static final int BYTE = 1 << 9;
    /** LOCK allowed (with a memory destination). */
    public static final int LOCKABLE = 1 << 10;
    /** Invalid in 64-bit mode (or not supported at all): #UD. */
    public static final int INVALID = 1 << 11;
    /** A group opcode whose ModRM.reg selects the operation: see {@link #groupRule}. */
    public static final int GROUP = 1 << 12;

    private static final int[] TABLE = new int[0x400];

    private X86OpcodeTable() {
    }

    public static int attributes(int opcode) {
        return TABLE[opcode];
    }

    public static boolean has(int opcode, int attribute) {
        return (TABLE[opcode] & attribute) != 0;
    }

    /** Group validity: returns 0 if the form is invalid, else 1 | (2 if lockable). */
    public static int groupRule(int opcode, int reg, boolean memory) {
        int r = reg & 7;
        switch (opcode) {
            case 0x80, 0x81, 0x83:
                return r == 7 ? 1 : 3;
            case 0x8F, 0xC6, 0xC7:
                return r == 0 ? 1 : 0;
            case 0xC0, 0xC1, 0xD0, 0xD1, 0xD2, 0xD3:
                return 1; // /6 is SAL, an alias of SHL
            case 0xF6, 0xF7:
                return r == 2 || r == 3 ? 3 : 1;
            case 0xFE:
                return r <= 1 ? 3 : 0;
            case 0xFF:
                if (r == 7) {
                    return 0;
                }
                if (r == 3 || r == 5) {
                    return memory ? 1 : 0;
                }
                return r <= 1 ? 3 : 1;
            case 0x1BA:
                return r < 4 ? 0 : (r == 4 ? 1 : 3);
            case 0x1C7:
                return r == 1 ? (memory ? 3 : 0) : 1;
            default:
                return 1;
        }
    }

    private static void set(int opcode, int attributes) {
        TABLE[opcode] = attributes;
    }

    private static void range(int from, int to, int attributes) {
        for (int op = from; op <= to; op++) {
            TABLE[op] = attributes;
        }
    }

    static {
        // One-byte map. Everything not listed below is a valid operand-less opcode.
        for (int row = 0; row < 8; row++) {
            int op = row * 8;
            int lock = row == 7 ? 0 : LOCKABLE;
            set(op, MODRM | BYTE | lock);
            set(op + 1, MODRM | lock);
            set(op + 2, MODRM | BYTE);
            set(op + 3, MODRM);
            set(op + 4, IMM8 | BYTE);
            set(op + 5, IMMZ);
        }
        for (int op : new int[] {0x06, 0x07, 0x0E, 0x16, 0x17, 0x1E, 0x1F, 0x27, 0x2F, 0x37, 0x3F, 0x60, 0x61, 0x62,
            0x82, 0x9A, 0xC4, 0xC5, 0xCE, 0xD4, 0xD5, 0xD6, 0xEA}) {
            set(op, INVALID);
        }
        range(0x50, 0x5F, DEFAULT64);
        set(0x63, MODRM);
        set(0x68, IMMZ | DEFAULT64);
        set(0x69, MODRM | IMMZ);
        set(0x6A, IMM8 | DEFAULT64);
        set(0x6B, MODRM | IMM8);
        set(0x6C, BYTE);
        set(0x6E, BYTE);
        range(0x70, 0x7F, IMM8 | FORCE64);
        set(0x80, MODRM | IMM8 | BYTE | GROUP);
        set(0x81, MODRM | IMMZ | GROUP);
        set(0x83, MODRM | IMM8 | GROUP);
        set(0x84, MODRM | BYTE);
        set(0x85, MODRM);
        set(0x86, MODRM | BYTE | LOCKABLE);
        set(0x87, MODRM | LOCKABLE);
        set(0x88, MODRM | BYTE);
        set(0x89, MODRM);
        set(0x8A, MODRM | BYTE);
        set(0x8B, MODRM);
        set(0x8C, MODRM);
        set(0x8D, MODRM);
        set(0x8E, MODRM);
        set(0x8F, MODRM | DEFAULT64 | GROUP);
        set(0x9C, DEFAULT64);
        set(0x9D, DEFAULT64);
        set(0xA0, MOFFS | BYTE);
        set(0xA1, MOFFS);
        set(0xA2, MOFFS | BYTE);
        set(0xA3, MOFFS);
        set(0xA4, BYTE);
        set(0xA6, BYTE);
        set(0xA8, IMM8 | BYTE);
        set(0xA9, IMMZ);
        set(0xAA, BYTE);
        set(0xAC, BYTE);
        set(0xAE, BYTE);
        range(0xB0, 0xB7, IMM8 | BYTE);
        range(0xB8, 0xBF, IMMV);
        set(0xC0, MODRM | IMM8 | BYTE | GROUP);
        set(0xC1, MODRM | IMM8 | GROUP);
        set(0xC2, IMM16 | FORCE64);
        set(0xC3, FORCE64);
        set(0xC6, MODRM | IMM8 | BYTE | GROUP);
        set(0xC7, MODRM | IMMZ | GROUP);
        set(0xC8, IMM16_8 | DEFAULT64);
        set(0xC9, DEFAULT64);
        set(0xCA, IMM16);
        set(0xCD, IMM8);
        set(0xD0, MODRM | BYTE | GROUP);
        set(0xD1, MODRM | GROUP);
        set(0xD2, MODRM | BYTE | GROUP);
        set(0xD3, MODRM | GROUP);
        range(0xD8, 0xDF, MODRM);
        range(0xE0, 0xE3, IMM8 | FORCE64);
        set(0xE4, IMM8 | BYTE);
        set(0xE5, IMM8);
        set(0xE6, IMM8 | BYTE);
        set(0xE7, IMM8);
        set(0xE8, IMMZ | FORCE64);
        set(0xE9, IMMZ | FORCE64);
        set(0xEB, IMM8 | FORCE64);
        set(0xEC, BYTE);
        set(0xEE, BYTE);
        set(0xF6, MODRM | BYTE | GROUP);
        set(0xF7, MODRM | GROUP);
        set(0xFE, MODRM | BYTE | GROUP);
        set(0xFF, MODRM | GROUP);
        // Prefix bytes never reach the table as opcodes; 0x0F is the escape.

        // 0F map: default is ModRM-bearing (most of the SSE space); exceptions follow.
        range(0x100, 0x1FF, MODRM);
        for (int op : new int[] {0x104, 0x10A, 0x10C, 0x10E, 0x10F, 0x124, 0x125, 0x126, 0x127, 0x136, 0x139,
            0x13B, 0x13C, 0x13D, 0x13E, 0x13F, 0x17A, 0x17B, 0x1A6, 0x1A7}) {
            set(op, INVALID);
        }
        for (int op : new int[] {0x105, 0x106, 0x107, 0x108, 0x109, 0x10B, 0x130, 0x131, 0x132, 0x133, 0x134, 0x135,
            0x137, 0x177, 0x1A2, 0x1AA}) {
            set(op, 0);
        }
        range(0x180, 0x18F, IMMZ | FORCE64);
        set(0x1A0, DEFAULT64);
        set(0x1A1, DEFAULT64);
        set(0x1A8, DEFAULT64);
        set(0x1A9, DEFAULT64);
        set(0x1A4, MODRM | IMM8);
        set(0x1AC, MODRM | IMM8);
        set(0x1AB, MODRM | LOCKABLE);
        set(0x1B3, MODRM | LOCKABLE);
        set(0x1BB, MODRM | LOCKABLE);
        set(0x1B0, MODRM | BYTE | LOCKABLE);
        set(0x1B1, MODRM | LOCKABLE);
        set(0x1C0, MODRM | BYTE | LOCKABLE);
        set(0x1C1, MODRM | LOCKABLE);
        set(0x1BA, MODRM | IMM8 | GROUP);
        set(0x1C7, MODRM | GROUP);
        for (int op : new int[] {0x170, 0x171, 0x172, 0x173, 0x1C2, 0x1C4, 0x1C5, 0x1C6}) {
            set(op, MODRM | IMM8);
        }
        range(0x1C8, 0x1CF, 0);
        range(0x190, 0x19F, MODRM | BYTE);
        // 0F 38 xx: ModRM; 0F 3A xx: ModRM + imm8 (decoded for length, not executed).
        range(0x200, 0x2FF, MODRM);
        range(0x300, 0x3FF, MODRM | IMM8);
    }
}
