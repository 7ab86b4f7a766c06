package dev.trufflexen.x86.decoder;

import static dev.trufflexen.x86.decoder.X86OpcodeTable.IMM8;
import static dev.trufflexen.x86.decoder.X86OpcodeTable.MODRM;

/**
 * How much the processor fetches of an opcode that is invalid in 64-bit mode before it raises
 * #UD: the instruction-length decoder still sizes it as its legacy (32-bit mode) form, so a
 * ModRM, displacement or immediate running into an unmapped page is a fetch #PF, not #UD.
 */
final class X86UndefinedEncodings {
    private X86UndefinedEncodings() {
    }

    /** ModRM and immediate attributes ({@link X86OpcodeTable}) of the legacy form of {@code opcode}. */
    static int fetchedAttributes(int opcode) {
        return switch (opcode) {
            case 0x62 -> MODRM; // BOUND
            case 0x82 -> MODRM | IMM8 | X86OpcodeTable.BYTE; // group 1 alias of 0x80
            case 0xD4, 0xD5 -> IMM8; // AAM, AAD
            case 0x10F -> MODRM | IMM8; // AMD 3DNow! (0F 0F /r ib), absent on this processor
            default -> 0;
        };
    }

    /** The ptr16:16/32 operand of the far CALL/JMP forms (9A, EA), fetched after the table's immediates. */
    static int farPointerBytes(int opcode, int operandSize) {
        if (opcode == 0x9A || opcode == 0xEA) {
            return (operandSize == 2 ? 2 : 4) + 2;
        }
        return 0;
    }
}
