package dev.trufflexen.x86.selftest;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.cpu.X86Segment;
import dev.trufflexen.x86.decoder.X86Decoder;
import dev.trufflexen.x86.decoder.X86Instruction;

/**
 * The two kinds of case {@link CpuCaseGenerator} mixes in besides single swept instructions:
 *
 * <p><b>Sequences</b> ({@value #SEQUENCE_FORM}): 2-6 instructions from the sweep run in one
 * case, so state one instruction leaves (flags, registers, memory) is consumed by the next.
 * Only instructions whose outcome is fully defined may follow the first (no undefined flags or
 * destination for any count, no control flow, no POPF, no FS, nothing {@link KnownDifferences}
 * lists), so a sequence must match the host exactly.
 *
 * <p><b>Random bytes</b>: up to 15 bytes biased towards prefixes and escapes, which exercise the
 * decoder on encodings the sweep never builds (prefix soups, odd lengths, undefined opcodes).
 * The decoder must never throw, and whatever the host rejects with SIGILL must be #UD here; the
 * usual comparison checks that. Encodings unsafe on the host are dropped as in the sweep.
 */
final class CpuCaseMix {
    static final String SEQUENCE_FORM = "SEQ";
    static final int SEQUENCE_PERCENT = 8;
    static final int RANDOM_BYTES_PERCENT = 4;
    /** Cases of {@link CpuMemorySequences}. */
    static final int MEMORY_SEQUENCE_PERCENT = 4;
    private static final int[] PREFIXES = {0x66, 0x67, 0xF0, 0xF2, 0xF3, 0x2E, 0x3E, 0x26, 0x36, 0x65, 0x40, 0x41, 0x48, 0x4C, 0x0F};

    private CpuCaseMix() {
    }

    /** Whether {@code code} (one instruction) may follow another in a sequence. */
    static boolean sequenceMember(byte[] code, long rip) {
        X86Instruction insn = X86Decoder.decode(code, 0, rip);
        if (!insn.isValid() || insn.length() != code.length || insn.segment() == X86Segment.FS) {
            return false;
        }
        int op = insn.opcode();
        int group = insn.reg() & 7;
        boolean controlFlow = op >= 0x70 && op <= 0x7F || op >= 0xE0 && op <= 0xE3 || op == 0xE8 || op == 0xE9 || op == 0xEB
                || op >= 0x180 && op <= 0x18F || op == 0xC2 || op == 0xC3 || op == 0xFF && group >= 2 && group <= 5
                || op == 0xCC || op == 0xF1 || op == 0x9D;
        if (controlFlow || KnownDifferences.reason(InstructionForm.of(code)) != null || X87KnownDifferences.isTranscendental(insn)) {
            return false;
        }
        for (long fill : new long[] {0, -1, 1, 2, 7, 8, 15, 16, 17, 31, 32, 33, 63}) {
            long[] regs = new long[X86Reg.COUNT];
            Arrays.fill(regs, fill);
            if (UndefinedFlags.of(insn, regs) != 0 || UndefinedFlags.undefinedDestination(insn, regs)) {
                return false;
            }
        }
        return !((op == 0x1BC || op == 0x1BD) && !insn.hasPrefix(X86Instruction.PREFIX_REP)); // BSF/BSR of 0
    }

    /** {@code first}'s state with the instructions of {@code more} appended to its code. */
    static CpuCase sequence(CpuCase first, List<byte[]> more) {
        ByteArrayOutputStream code = new ByteArrayOutputStream();
        code.writeBytes(first.code());
        for (byte[] b : more) {
            code.writeBytes(b);
        }
        return new CpuCase(first.number(), SEQUENCE_FORM, code.toByteArray(), first.codeOffset(), first.registers(), first.rflags(),
                first.data(), first.fpu());
    }

    /**
     * Up to 15 random bytes, about a third of them prefixes, REX or the 0F escape, cut to the one
     * instruction they start with, so nothing after it runs on the host; null when the bytes end
     * before the instruction does (the comparison needs the whole instruction).
     */
    static byte[] randomBytes(SplittableRandom random, long rip) {
        byte[] bytes = new byte[1 + random.nextInt(15)];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (random.nextInt(3) == 0 ? PREFIXES[random.nextInt(PREFIXES.length)] : random.nextInt(256));
        }
        X86Instruction insn = X86Decoder.decode(bytes, 0, rip);
        if (!insn.isValid() && insn.fault().vector() == X86Fault.PF) {
            return null;
        }
        return Arrays.copyOf(bytes, Math.max(1, Math.min(bytes.length, insn.length())));
    }

    /**
     * Whether random bytes are safe to run on the host runner: not an excluded opcode (syscalls,
     * segment loads, FS/GS base writes, RDRAND, POPF...), no FS-relative access, no branch.
     */
    static boolean safeOnHost(byte[] code, long rip, int[] excludedOneByte, int[] excludedTwoByte) {
        X86Instruction insn = X86Decoder.decode(code, 0, rip);
        int op = insn.opcode();
        if (insn.segment() == X86Segment.FS || contains(code, 0x64) || segmentPrefixes(code) > 1) {
            return false; // which of several segment prefixes wins differs by vendor
        }
        if (op == 0xFF && ((insn.reg() & 7) == 3 || (insn.reg() & 7) == 5)) {
            return false; // far CALL/JMP: TruffleXen leaves them to the platform
        }
        if (op < 0x100 ? contains(excludedOneByte, op) || op == 0x9D : op < 0x200 && contains(excludedTwoByte, op & 0xFF)) {
            return false; // POPF too: random stack data would set TF or AC and kill the runner
        }
        if (op == 0x1AE && insn.mod() == 3 && (insn.reg() & 7) < 4 || op == 0x1C7 && insn.mod() == 3 && (insn.reg() & 7) >= 6) {
            return false; // RD/WRFSBASE/GSBASE, RDRAND/RDSEED/RDPID
        }
        if ((op >= 0x70 && op <= 0x7F || op >= 0xE0 && op <= 0xE3 || op == 0xE8 || op == 0xE9 || op == 0xEB
                || op >= 0x180 && op <= 0x18F || op == 0xC2 || op == 0xC3 || op == 0xFF && ((insn.reg() & 7) == 2 || (insn.reg() & 7) == 4))) {
            return false; // branches: 66 is vendor-specific, and a branch to itself never stops
        }
        return true;
    }

    private static int segmentPrefixes(byte[] code) {
        int count = 0;
        for (byte b : code) {
            int v = b & 0xFF;
            if (v == 0x26 || v == 0x2E || v == 0x36 || v == 0x3E || v == 0x64 || v == 0x65) {
                count++;
            } else if (!(v == 0x66 || v == 0x67 || v == 0xF0 || v == 0xF2 || v == 0xF3 || v >= 0x40 && v <= 0x4F)) {
                break;
            }
        }
        return count;
    }

    private static boolean contains(int[] values, int value) {
        for (int v : values) {
            if (v == value) {
                return true;
            }
        }
        return false;
    }

    private static boolean contains(byte[] values, int value) {
        for (byte v : values) {
            if ((v & 0xFF) == value) {
                return true;
            }
        }
        return false;
    }
}
