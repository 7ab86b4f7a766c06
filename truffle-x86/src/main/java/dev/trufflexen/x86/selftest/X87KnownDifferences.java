package dev.trufflexen.x86.selftest;

import static dev.trufflexen.x86.cpu.X86LittleEndian.getLong;

import dev.trufflexen.x86.decoder.X86Decoder;
import dev.trufflexen.x86.decoder.X86Instruction;

/**
 * The x87 mismatches the tester tolerates, decided per case rather than per form (one form,
 * such as {@code D9 /6 reg}, holds eight different instructions):
 * <ul>
 * <li>A transcendental instruction (F2XM1, FYL2X, FYL2XP1, FPTAN, FPATAN, FSIN, FCOS, FSINCOS)
 * whose results differ from the host's by at most one unit in the last place, with at most the
 * rounding-related status bits (C1, PE, UE) differing: TruffleXen rounds the exact value once,
 * the hardware's internal algorithm is only accurate to about an ulp and is model-specific.</li>
 * <li>F2XM1 with |ST(0)| &gt; 1 and FYL2XP1 with |ST(0)| &ge; 1 - sqrt(2)/2: outside the
 * documented domain the result is undefined (the hardware returns whatever its algorithm
 * gives).</li>
 * </ul>
 */
final class X87KnownDifferences {
    static final String TRANSCENDENTAL_ULP = "x87 transcendental result within 1 ulp of the host's: TruffleXen rounds the exact value,"
            + " the hardware's algorithm is model-specific and accurate to about 1 ulp";
    static final String OUT_OF_DOMAIN = "x87 F2XM1/FYL2XP1 outside the documented argument range: the result is undefined";

    /** 1 - sqrt(2)/2 as a significand with exponent -2 (rounded down). */
    private static final long FYL2XP1_LIMIT = 0x95F6_1998_0C43_36F7L;

    private X87KnownDifferences() {
    }

    /** F2XM1, FYL2X, FYL2XP1, FPTAN, FPATAN, FSIN, FCOS, FSINCOS: tolerated per case, so never part of a sequence. */
    static boolean isTranscendental(X86Instruction insn) {
        if (!insn.isValid() || insn.opcode() != 0xD9 || insn.hasMemory()) {
            return false;
        }
        int modrm = 0xC0 | (insn.reg() & 7) << 3 | (insn.rm() & 7);
        return switch (modrm) {
            case 0xF0, 0xF1, 0xF2, 0xF3, 0xF9, 0xFB, 0xFE, 0xFF -> true;
            default -> false;
        };
    }

    static String reason(CpuMismatch mismatch) {
        byte[] code = mismatch.testCase().code();
        X86Instruction insn = X86Decoder.decode(code, 0, mismatch.testCase().rip());
        if (!insn.isValid() || insn.opcode() != 0xD9 || insn.hasMemory() || mismatch.host().vector() != mismatch.truffleXen().vector()) {
            return null;
        }
        int low = (insn.reg() & 7) << 3 | (insn.rm() & 7);
        int modrm = 0xC0 | low;
        boolean transcendental = switch (modrm) {
            case 0xF0, 0xF1, 0xF2, 0xF3, 0xF9, 0xFB, 0xFE, 0xFF -> true;
            default -> false;
        };
        if (!transcendental) {
            return null;
        }
        byte[] before = mismatch.testCase().fpu();
        if (modrm == 0xF0 || modrm == 0xF9) {
            int se = (before[40] & 0xFF) | (before[41] & 0xFF) << 8;
            long sig = getLong(before, 32);
            int exp = se & 0x7FFF;
            boolean outside = modrm == 0xF0 ? exp >= 0x3FFF && !(exp == 0x3FFF && sig == Long.MIN_VALUE) : exp > 0x3FFD || exp == 0x3FFD && Long.compareUnsigned(sig, FYL2XP1_LIMIT) >= 0;
            boolean tagged = (before[4] & (1 << ((before[3] >> 3) & 7))) != 0;
            if (outside && tagged && exp != 0x7FFF) {
                return OUT_OF_DOMAIN;
            }
        }
        byte[] host = mismatch.host().fpu();
        byte[] ours = mismatch.truffleXen().fpu();
        int hostSw = (host[2] & 0xFF) | (host[3] & 0xFF) << 8;
        int oursSw = (ours[2] & 0xFF) | (ours[3] & 0xFF) << 8;
        if (((hostSw ^ oursSw) & ~0x0230) != 0) {
            return null;
        }
        for (int i = 0; i < 8; i++) {
            int at = 32 + 16 * i;
            int hostSe = (host[at + 8] & 0xFF) | (host[at + 9] & 0xFF) << 8;
            int oursSe = (ours[at + 8] & 0xFF) | (ours[at + 9] & 0xFF) << 8;
            long hostSig = getLong(host, at);
            long oursSig = getLong(ours, at);
            if (hostSe == oursSe && hostSig == oursSig) {
                continue;
            }
            if (!withinOneUlp(hostSig, hostSe, oursSig, oursSe)) {
                return null;
            }
        }
        for (String d : mismatch.differences()) {
            if (!d.startsWith("ST") && !d.startsWith("x87 status word")) {
                return null;
            }
        }
        return TRANSCENDENTAL_ULP;
    }

    private static boolean withinOneUlp(long aSig, int aSe, long bSig, int bSe) {
        if ((aSe & 0x8000) != (bSe & 0x8000)) {
            return false;
        }
        if (aSe == bSe) {
            return Math.abs(aSig - bSig) <= 1;
        }
        int aExp = aSe & 0x7FFF;
        int bExp = bSe & 0x7FFF;
        if (Math.abs(aExp - bExp) != 1) {
            return false;
        }
        long lowerSig = aExp < bExp ? aSig : bSig;
        long upperSig = aExp < bExp ? bSig : aSig;
        return lowerSig == -1L && upperSig == Long.MIN_VALUE;
    }
}
