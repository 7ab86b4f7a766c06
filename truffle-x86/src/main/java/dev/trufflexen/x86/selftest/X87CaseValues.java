package dev.trufflexen.x86.selftest;

import java.util.SplittableRandom;

import dev.trufflexen.x86.cpu.X86FpuState;
import dev.trufflexen.x86.decoder.X86Instruction;

/**
 * The x87 side of generated cases: an initial FPU state with a partly filled register stack of
 * edge-biased extended values (zeros, denormals, pseudo-denormals, unnormals, infinities,
 * QNaNs, SNaNs, pseudo-NaNs and pseudo-infinities, 1.0, values near integer and BCD limits,
 * ties for rounding, random values), a varied TOP and control word (precision, rounding,
 * sometimes unmasked exceptions, then sometimes pending ones), and memory operands of x87
 * instructions filled with edge values of their format (single, double, extended, integers,
 * packed BCD).
 */
final class X87CaseValues {
    private final SplittableRandom random;

    X87CaseValues(SplittableRandom random) {
        this.random = random;
    }

    /** Fills the x87 part of {@code state}, which starts in the FNINIT state. */
    void fill(X86FpuState state) {
        if (random.nextInt(100) < 15) {
            return; // FNINIT state
        }
        int pc = new int[] {0, 2, 3, 3, 3, 1}[random.nextInt(6)];
        int rc = random.nextInt(4);
        int masks = 0x3F;
        if (random.nextInt(100) < 25) {
            masks = random.nextInt(64);
        }
        state.setControlWord(masks | pc << 8 | rc << 10 | (random.nextInt(100) < 5 ? 0x1000 : 0));
        int top = random.nextInt(8);
        int sw = top << 11;
        if (random.nextInt(100) < 30) {
            sw |= random.nextInt(0x80) & 0x7F | random.nextInt(16) << 8 & 0x0700 | (random.nextBoolean() ? 0x4000 : 0);
            if ((sw & ~masks & 0x3F) == 0 || random.nextInt(100) < 50) {
                // keep ES consistent with the flags most of the time
                sw &= ~0x3F | masks;
            }
        }
        if ((sw & ~masks & 0x3F) != 0) {
            sw |= 0x8080;
        }
        state.setStatusWord(sw);
        boolean contiguous = random.nextBoolean();
        int count = random.nextInt(9);
        for (int p = 0; p < 8; p++) {
            long[] v = extended();
            state.setRegister(p, v[0], (int) v[1]);
            int stackIndex = (p - top) & 7;
            boolean full = contiguous ? stackIndex < count : random.nextInt(100) < 60;
            state.setTag(p, full ? X86FpuState.classify(v[0], (int) v[1]) : X86FpuState.TAG_EMPTY);
        }
        if (random.nextInt(100) < 30) {
            state.setLastInstruction(random.nextInt(0x800), 0x1000_0000L + random.nextInt(0x1000), 0x2000_0000L + random.nextInt(0x1000));
        }
    }

    /** An edge-biased extended value: {significand, sign and exponent}. */
    long[] extended() {
        long sign = random.nextBoolean() ? 0x8000 : 0;
        long sig;
        long exp;
        switch (random.nextInt(24)) {
            case 0 -> {
                sig = 0;
                exp = 0;
            }
            case 1 -> {
                sig = random.nextLong() >>> (1 + random.nextInt(63));
                exp = 0;
            }
            case 2 -> {
                sig = random.nextLong() | Long.MIN_VALUE;
                exp = 0;
            }
            case 3 -> {
                sig = random.nextLong() >>> 1;
                exp = 1 + random.nextInt(0x7FFE);
            }
            case 4 -> {
                sig = Long.MIN_VALUE;
                exp = 0x7FFF;
            }
            case 5 -> {
                sig = 0xC000_0000_0000_0000L | (random.nextBoolean() ? 0 : random.nextLong() >>> 2);
                exp = 0x7FFF;
            }
            case 6 -> {
                sig = Long.MIN_VALUE | (random.nextLong() >>> 2 | 1);
                exp = 0x7FFF;
            }
            case 7 -> {
                sig = random.nextBoolean() ? 0 : random.nextLong() >>> 1;
                exp = 0x7FFF;
            }
            case 8, 9 -> {
                sig = Long.MIN_VALUE;
                exp = 0x3FFF;
            }
            case 10 -> {
                int e = new int[] {15, 16, 31, 32, 59, 62, 63, 64}[random.nextInt(8)];
                sig = random.nextBoolean() ? Long.MIN_VALUE : -1L << random.nextInt(3);
                exp = 0x3FFF + e - (random.nextBoolean() ? 1 : 0);
            }
            case 11 -> {
                sig = 0xDE0B_6B3A_7640_0000L; // 1e18
                exp = 0x3FFF + 59;
                sig += random.nextInt(5) - 2L << 5;
            }
            case 12 -> {
                sig = -1L;
                exp = 0x7FFE;
            }
            case 13 -> {
                sig = Long.MIN_VALUE | (random.nextBoolean() ? 0 : random.nextLong() >>> 1);
                exp = 1 + random.nextInt(3);
            }
            case 14, 15 -> { // small integers and halves
                int n = random.nextInt(200) - 100;
                sign = n < 0 ? 0x8000 : 0;
                double d = Math.abs(n) / (random.nextBoolean() ? 1.0 : 2.0);
                if (d == 0) {
                    sig = 0;
                    exp = 0;
                } else {
                    long bits = Double.doubleToRawLongBits(d);
                    sig = Long.MIN_VALUE | (bits & 0xF_FFFF_FFFF_FFFFL) << 11;
                    exp = (bits >>> 52) - 1023 + 0x3FFF;
                }
            }
            case 16 -> { // a double's value (exact in 53 bits) or a float's
                sig = Long.MIN_VALUE | (random.nextLong() >>> 1) & (random.nextBoolean() ? -1L << 11 : -1L << 40);
                exp = 0x3FFF + random.nextInt(130) - 65;
            }
            case 17 -> { // near the double and float exponent limits
                int[] limits = {1023, 1024, -1022, -1023, -1074, -1075, 127, 128, -126, -127, -149, -150};
                sig = Long.MIN_VALUE | random.nextLong() >>> (1 + random.nextInt(3) * 20);
                exp = 0x3FFF + limits[random.nextInt(limits.length)];
            }
            case 18 -> { // pi-ish and small arguments for transcendentals
                sig = 0xC90F_DAA2_2168_C234L + random.nextInt(5) - 2;
                exp = 0x3FFF + random.nextInt(4) - 1;
            }
            case 19 -> {
                sig = Long.MIN_VALUE | random.nextLong() >>> 1;
                exp = 0x3FFF - random.nextInt(70);
            }
            default -> {
                sig = Long.MIN_VALUE | random.nextLong() >>> 1;
                exp = 0x3FFF + random.nextInt(140) - 70;
            }
        }
        return new long[] {sig, sign | exp};
    }

    /** Writes an edge value of the operand's format at an x87 instruction's memory operand when it is in the data page. */
    void operand(X86Instruction insn, long[] regs, long fsBase, byte[] data) {
        int op = insn.opcode();
        if (op < 0xD8 || op > 0xDF || !insn.hasMemory()) {
            return;
        }
        long ea = insn.displacement();
        if (insn.ripRelative()) {
            ea = insn.rip() + insn.length() + insn.displacement();
        }
        if (insn.base() != X86Instruction.NO_REGISTER) {
            ea += regs[insn.base()];
        }
        if (insn.index() != X86Instruction.NO_REGISTER) {
            ea += regs[insn.index()] << insn.scaleShift();
        }
        if (insn.addressSize() == 4) {
            ea &= 0xFFFF_FFFFL;
        }
        if (insn.segment() == dev.trufflexen.x86.cpu.X86Segment.FS) {
            ea += fsBase;
        } else if (insn.segment() == dev.trufflexen.x86.cpu.X86Segment.GS) {
            ea += SelftestLayout.DATA;
        }
        long offset = ea - SelftestLayout.DATA;
        if (offset < 0 || offset > SelftestLayout.PAGE - 10) {
            return;
        }
        int at = (int) offset;
        int reg = insn.reg() & 7;
        long[] x = extended();
        int format = switch (op) {
            case 0xD8 -> 4;
            case 0xD9 -> reg == 0 ? 4 : 0;
            case 0xDA -> 14;
            case 0xDB -> reg == 0 ? 14 : reg == 5 ? 10 : 0;
            case 0xDC -> 8;
            case 0xDD -> reg == 0 ? 8 : 0;
            case 0xDE -> 12;
            default -> reg == 0 ? 12 : reg == 4 ? 11 : reg == 5 ? 18 : 0;
        };
        switch (format) {
            case 4 -> put(data, at, floatOf(x, 8, 23), 4);
            case 8 -> put(data, at, floatOf(x, 11, 52), 8);
            case 10 -> {
                put(data, at, x[0], 8);
                put(data, at + 8, x[1], 2);
            }
            case 11 -> {
                long digits = 0;
                for (int d = 0; d < 16; d++) {
                    digits |= (long) (random.nextInt(100) < 95 ? random.nextInt(10) : 10 + random.nextInt(6)) << (4 * d);
                }
                put(data, at, digits, 8);
                put(data, at + 8, random.nextInt(100) | (random.nextBoolean() ? 0x8000 : 0) | (random.nextInt(10) == 0 ? 0x7F00 : 0), 2);
            }
            case 12 -> put(data, at, integer(16), 2);
            case 14 -> put(data, at, integer(32), 4);
            case 18 -> put(data, at, integer(64), 8);
            default -> {
                // environment, control word or store target: the random page contents stay
            }
        }
    }

    private long integer(int bits) {
        long[] edges = {0, 1, -1, 2, -2, 10, -10};
        int roll = random.nextInt(4);
        if (roll == 0) {
            return edges[random.nextInt(edges.length)];
        }
        if (roll == 1) {
            long min = -1L << (bits - 1);
            return random.nextBoolean() ? min + random.nextInt(3) : ~min - random.nextInt(3);
        }
        return random.nextLong();
    }

    private long floatOf(long[] x, int exponentBits, int mantissaBits) {
        long signBit = (x[1] & 0x8000) != 0 ? 1L << (exponentBits + mantissaBits) : 0;
        int maxExp = (1 << exponentBits) - 1;
        int roll = random.nextInt(10);
        long mantissa = random.nextLong() & ((1L << mantissaBits) - 1);
        long exp;
        switch (roll) {
            case 0 -> {
                exp = 0;
                mantissa = random.nextBoolean() ? 0 : mantissa;
            }
            case 1 -> {
                exp = maxExp;
                mantissa = random.nextBoolean() ? 0 : mantissa;
            }
            case 2 -> exp = random.nextBoolean() ? 1 : maxExp - 1;
            case 3 -> {
                exp = (maxExp >> 1) + random.nextInt(8) - 2;
                mantissa &= random.nextBoolean() ? 0 : -1L;
            }
            default -> exp = (maxExp >> 1) + random.nextInt(60) - 30;
        }
        return signBit | exp << mantissaBits | mantissa;
    }

    private static void put(byte[] data, int at, long value, int size) {
        for (int k = 0; k < size; k++) {
            data[at + k] = (byte) (value >>> (8 * k));
        }
    }
}
