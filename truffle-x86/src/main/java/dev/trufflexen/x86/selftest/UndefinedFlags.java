package dev.trufflexen.x86.selftest;

import static dev.trufflexen.x86.cpu.X86Rflags.AF;
import static dev.trufflexen.x86.cpu.X86Rflags.CF;
import static dev.trufflexen.x86.cpu.X86Rflags.OF;
import static dev.trufflexen.x86.cpu.X86Rflags.PF;
import static dev.trufflexen.x86.cpu.X86Rflags.SF;
import static dev.trufflexen.x86.cpu.X86Rflags.STATUS;
import static dev.trufflexen.x86.cpu.X86Rflags.ZF;

import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.decoder.X86Instruction;

/**
 * The flags the Intel SDM (volume 2, each instruction's "Flags Affected") calls undefined after
 * an instruction completes, so the tester does not compare them. One table, by opcode:
 *
 * <ul>
 *   <li>AND, OR, XOR, TEST: AF.</li>
 *   <li>MUL, IMUL (all forms): SF, ZF, AF, PF.</li>
 *   <li>DIV, IDIV: all six status flags.</li>
 *   <li>SHL/SHR/SAR with a non-zero masked count: AF; OF unless the count is 1; for SHL/SHR
 *       also CF when the count is at least the operand width. ROL/ROR/RCL/RCR: OF unless the
 *       masked count is 1.</li>
 *   <li>SHLD/SHRD with a non-zero count: AF; OF unless the count is 1; everything (and the
 *       destination, see {@link #undefinedDestination}) when the count exceeds the width.</li>
 *   <li>BT, BTS, BTR, BTC: OF, SF, AF, PF. BSF, BSR: CF, OF, SF, AF, PF; TZCNT, LZCNT: OF, SF, AF, PF.</li>
 * </ul>
 * A faulting instruction changes no flags, so nothing is masked then.
 */
final class UndefinedFlags {
    private UndefinedFlags() {
    }

    /** The undefined flags after {@code i} completed from the initial registers. */
    static long of(X86Instruction i, long[] initialRegisters) {
        int op = i.opcode();
        int group = i.reg() & 7;
        int size = i.operandSize();
        if (op < 0x40 && (op & 7) < 6) {
            int operation = op >> 3;
            return operation == 1 || operation == 4 || operation == 6 ? AF : 0;
        }
        switch (op) {
            case 0x80, 0x81, 0x83:
                return group == 1 || group == 4 || group == 6 ? AF : 0;
            case 0x84, 0x85, 0xA8, 0xA9:
                return AF;
            case 0xF6, 0xF7:
                if (group <= 1) {
                    return AF;
                }
                if (group == 4 || group == 5) {
                    return SF | ZF | AF | PF;
                }
                return group >= 6 ? STATUS : 0;
            case 0x69, 0x6B, 0x1AF:
                return SF | ZF | AF | PF;
            case 0xC0, 0xC1, 0xD0, 0xD1, 0xD2, 0xD3:
                return shift(group, size, count(i, initialRegisters));
            case 0x1A4, 0x1A5, 0x1AC, 0x1AD: {
                int count = count(i, initialRegisters);
                if (count == 0) {
                    return 0;
                }
                if (count > size * 8) {
                    return STATUS;
                }
                return AF | (count == 1 ? 0 : OF);
            }
            case 0x1A3, 0x1AB, 0x1B3, 0x1BB, 0x1BA:
                return OF | SF | AF | PF;
            case 0x1BC, 0x1BD: // TZCNT/LZCNT with F3 define CF and ZF only
                return i.hasPrefix(X86Instruction.PREFIX_REP) ? OF | SF | AF | PF : CF | OF | SF | AF | PF;
            default:
                return 0;
        }
    }

    /** True when the destination register's value is undefined (SHLD/SHRD count beyond the width). */
    static boolean undefinedDestination(X86Instruction i, long[] initialRegisters) {
        int op = i.opcode();
        return (op == 0x1A4 || op == 0x1A5 || op == 0x1AC || op == 0x1AD) && count(i, initialRegisters) > i.operandSize() * 8;
    }

    private static long shift(int group, int size, int count) {
        if (count == 0) {
            return 0;
        }
        long undefined = count == 1 ? 0 : OF;
        if (group >= 4) {
            undefined |= AF;
            if ((group == 4 || group == 5 || group == 6) && count >= size * 8) {
                undefined |= CF;
            }
        }
        return undefined;
    }

    /** The masked shift count (5 bits, 6 with a 64-bit operand). */
    static int count(X86Instruction i, long[] registers) {
        int op = i.opcode();
        long raw;
        if (op == 0xD0 || op == 0xD1) {
            raw = 1;
        } else if (op == 0xD2 || op == 0xD3 || op == 0x1A5 || op == 0x1AD) {
            raw = registers[X86Reg.RCX];
        } else {
            raw = i.immediate();
        }
        return (int) (raw & (i.operandSize() == 8 ? 63 : 31));
    }
}
