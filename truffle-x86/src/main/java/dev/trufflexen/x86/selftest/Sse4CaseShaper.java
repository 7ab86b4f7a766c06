package dev.trufflexen.x86.selftest;

import java.util.SplittableRandom;

import dev.trufflexen.x86.cpu.X86FpuState;
import dev.trufflexen.x86.cpu.X86Reg;

/**
 * Shapes the cases {@link CpuCaseGenerator} makes on the 0F38 and 0F3A maps so that they test
 * SSSE3/SSE4 rather than #UD: most opcodes are drawn from those that exist, with their mandatory
 * prefix (66, or F2 for CRC32); PCMPxSTRx cases get strings over small alphabets with NULs and
 * short explicit lengths; floating-point cases get XMM and memory values that exercise rounding
 * (halves, large and tiny values, denormals, infinities, quiet and signalling NaNs) and an MXCSR
 * with every rounding mode, DAZ, FTZ and sometimes unmasked exceptions.
 */
final class Sse4CaseShaper {
    /** 0F38 opcodes that exist with a 66 prefix (SSSE3, SSE4.1, SSE4.2). */
    static final int[] MAP38 = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x10, 0x14, 0x15, 0x17,
        0x1C, 0x1D, 0x1E, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x28, 0x29, 0x2A, 0x2B, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x37,
        0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F, 0x40, 0x41, 0xF0, 0xF1};
    /** 0F3A opcodes that exist with a 66 prefix. */
    static final int[] MAP3A = {0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x14, 0x15, 0x16, 0x17, 0x20, 0x21, 0x22, 0x40,
        0x41, 0x42, 0x60, 0x61, 0x62, 0x63};

    private Sse4CaseShaper() {
    }

    /** An opcode of the 0F38 (or 0F3A) map, usually one that exists; may set RAX/RDX to string lengths. */
    static int opcode(SplittableRandom random, boolean map38, long[] regs) {
        int third;
        if (random.nextInt(100) < 85) {
            int[] table = map38 ? MAP38 : MAP3A;
            third = table[random.nextInt(table.length)];
        } else {
            third = random.nextInt(256);
        }
        int opcode = (map38 ? 0x200 : 0x300) | third;
        if (isStringCompare(opcode) && random.nextInt(100) < 80) {
            regs[X86Reg.RAX] = random.nextInt(40) - 20;
            regs[X86Reg.RDX] = random.nextInt(40) - 20;
        }
        return opcode;
    }

    /** The mandatory prefix to write right before REX and the opcode (-1 for none). */
    static int mandatoryPrefix(SplittableRandom random, int opcode) {
        if (opcode < 0x200) {
            return -1;
        }
        if (opcode == 0x2F0 || opcode == 0x2F1) {
            return random.nextInt(100) < 55 ? 0xF2 : -1;
        }
        return random.nextInt(100) < 85 ? 0x66 : -1;
    }

    /** Adjusts the initial FXSAVE image and data page for string and floating-point forms. */
    static void shapeState(SplittableRandom random, int opcode, byte[] fpuImage, byte[] data) {
        if (opcode < 0x200) {
            return;
        }
        X86FpuState state = new X86FpuState();
        state.loadFxsave(fpuImage, 0);
        if (isStringCompare(opcode) && random.nextInt(100) < 85) {
            int alphabet = 1 + random.nextInt(4);
            boolean words = random.nextBoolean();
            for (int reg = 0; reg < 16; reg++) {
                state.setXmm(reg, 0, stringQword(random, alphabet, words));
                state.setXmm(reg, 1, stringQword(random, alphabet, words));
            }
            for (int i = 0; i < data.length; i += 8) {
                long q = stringQword(random, alphabet, words);
                for (int k = 0; k < 8; k++) {
                    data[i + k] = (byte) (q >>> (8 * k));
                }
            }
        } else if (isFloatingPoint(opcode) && random.nextInt(100) < 85) {
            boolean isDouble = opcode == 0x309 || opcode == 0x30B || opcode == 0x341 || opcode == 0x215;
            for (int reg = 0; reg < 16; reg++) {
                state.setXmm(reg, 0, floatQword(random, isDouble));
                state.setXmm(reg, 1, floatQword(random, isDouble));
            }
            for (int i = 0; i < data.length; i += 8) {
                long q = floatQword(random, isDouble);
                for (int k = 0; k < 8; k++) {
                    data[i + k] = (byte) (q >>> (8 * k));
                }
            }
            state.setMxcsr(mxcsr(random));
        }
        state.saveFxsave(fpuImage, 0);
    }

    private static boolean isStringCompare(int opcode) {
        return opcode >= 0x360 && opcode <= 0x363;
    }

    private static boolean isFloatingPoint(int opcode) {
        return opcode >= 0x308 && opcode <= 0x30D || opcode == 0x340 || opcode == 0x341 || opcode == 0x321 || opcode == 0x317
                || opcode == 0x214 || opcode == 0x215;
    }

    private static long stringQword(SplittableRandom random, int alphabet, boolean words) {
        long q = 0;
        int width = words ? 16 : 8;
        for (int i = 0; i < 64 / width; i++) {
            int roll = random.nextInt(100);
            long element;
            if (roll < 10) {
                element = 0;
            } else if (roll < 90) {
                element = 'a' + random.nextInt(alphabet);
            } else {
                element = random.nextLong() & (words ? 0xFFFF : 0xFF);
            }
            q |= element << (i * width);
        }
        return q;
    }

    private static int mxcsr(SplittableRandom random) {
        if (random.nextInt(100) < 30) {
            return X86FpuState.MXCSR_DEFAULT;
        }
        int value = 0x1F80 | random.nextInt(4) << 13;
        if (random.nextInt(100) < 30) {
            value |= 0x40; // DAZ
        }
        if (random.nextInt(100) < 30) {
            value |= 0x8000; // FTZ
        }
        if (random.nextInt(100) < 15) {
            value &= ~(random.nextInt(64) << 7); // some exceptions unmasked
        }
        if (random.nextInt(100) < 20) {
            value |= random.nextInt(64); // flags already set
        }
        return value;
    }

    private static long floatQword(SplittableRandom random, boolean isDouble) {
        if (isDouble) {
            return floatValue(random, true);
        }
        return floatValue(random, false) & 0xFFFF_FFFFL | floatValue(random, false) << 32;
    }

    /** Raw bits of a single or double value chosen to exercise rounding and special cases. */
    private static long floatValue(SplittableRandom random, boolean isDouble) {
        int roll = random.nextInt(100);
        double v;
        if (roll < 25) {
            v = (random.nextInt(2000) - 1000) / 4.0; // integers, halves, quarters
        } else if (roll < 45) {
            v = (random.nextDouble() - 0.5) * Math.pow(2, random.nextInt(60) - 20);
        } else if (roll < 55) {
            v = (random.nextDouble() - 0.5) * Math.pow(2, isDouble ? random.nextInt(2100) - 1075 : random.nextInt(300) - 150);
        } else if (roll < 65) {
            long bits = random.nextLong();
            return isDouble ? bits & 0x800F_FFFF_FFFF_FFFFL : bits & 0x807F_FFFFL; // denormal or zero
        } else if (roll < 75) {
            long sign = random.nextBoolean() ? 1 : 0;
            long fraction = random.nextInt(4) == 0 ? 0 : random.nextLong();
            return isDouble ? sign << 63 | 0x7FF0_0000_0000_0000L | fraction & 0xF_FFFF_FFFF_FFFFL
                    : sign << 31 | 0x7F80_0000L | fraction & 0x7F_FFFFL; // infinities and NaNs
        } else if (roll < 80) {
            v = random.nextBoolean() ? 0.0 : -0.0;
        } else {
            long bits = random.nextLong();
            return isDouble ? bits : bits & 0xFFFF_FFFFL;
        }
        return isDouble ? Double.doubleToRawLongBits(v) : Float.floatToRawIntBits((float) v) & 0xFFFF_FFFFL;
    }
}
