package dev.trufflexen.x86.selftest;

import dev.trufflexen.x86.decoder.X86OpcodeTable;

/**
 * The name under which the tester counts cases and mismatches: the opcode in hex, with its map
 * escape ({@code 0F AF}, {@code 0F 38 00}), the F2/F3 prefix that selects a different 0F-map
 * instruction ({@code F3 0F BC} is TZCNT, not BSF), on the 0F38/0F3A maps also the 66 prefix
 * ({@code 66 0F 38 00} is PSHUFB xmm, {@code 0F 38 00} its MMX form), the ModRM.reg of group opcodes
 * ({@code F7 /6}) and, where register and memory forms are different instructions, {@code reg}
 * or {@code mem} ({@code 0F AE /7 mem}). Computed from raw bytes, so it names invalid encodings
 * too.
 */
public final class InstructionForm {
    private InstructionForm() {
    }

    public static String of(byte[] code) {
        int i = 0;
        int mandatory = 0;
        boolean operandSize = false;
        while (i < code.length) {
            int b = code[i] & 0xFF;
            if (b == 0xF2 || b == 0xF3) {
                mandatory = b;
            } else if (b == 0x66) {
                operandSize = true;
            } else if (!(b == 0x66 || b == 0x67 || b == 0xF0 || b == 0x26 || b == 0x2E || b == 0x36 || b == 0x3E
                    || b == 0x64 || b == 0x65 || (b >= 0x40 && b <= 0x4F))) {
                break;
            }
            i++;
        }
        if (i >= code.length) {
            return "prefixes only";
        }
        int opcode = code[i++] & 0xFF;
        StringBuilder key = new StringBuilder();
        if (opcode == 0x0F && i < code.length) {
            int second = code[i++] & 0xFF;
            if ((second == 0x38 || second == 0x3A) && i < code.length) {
                opcode = (second == 0x38 ? 0x200 : 0x300) | (code[i++] & 0xFF);
            } else {
                opcode = 0x100 | second;
            }
            if (operandSize && opcode >= 0x200) {
                key.append("66 "); // on the 0F38/0F3A maps 66 selects the SSE form
            }
            if (mandatory != 0) {
                key.append(String.format("%02X ", mandatory));
            }
        }
        key.append(name(opcode));
        if (opcode == 0xC4 || opcode == 0xC5) {
            return key.append(" (VEX)").toString();
        }
        if (opcode == 0x62) {
            return key.append(" (EVEX)").toString();
        }
        if (i < code.length && X86OpcodeTable.has(opcode, X86OpcodeTable.MODRM)) {
            int modrm = code[i] & 0xFF;
            boolean grouped = X86OpcodeTable.has(opcode, X86OpcodeTable.GROUP) || opcode == 0x1AE || opcode == 0x1C7
                    || (opcode >= 0xD8 && opcode <= 0xDF);
            if (grouped) {
                key.append(" /").append((modrm >> 3) & 7);
            }
            if (opcode == 0x1AE || opcode == 0x1C7 || (opcode >= 0xD8 && opcode <= 0xDF)) {
                key.append(modrm >= 0xC0 ? " reg" : " mem");
            }
        }
        return key.toString();
    }

    /** {@code 8B}, {@code 0F AF}, {@code 0F 38 F0}. */
    public static String name(int opcode) {
        if (opcode < 0x100) {
            return String.format("%02X", opcode);
        }
        if (opcode < 0x200) {
            return String.format("0F %02X", opcode & 0xFF);
        }
        return String.format("0F %s %02X", opcode < 0x300 ? "38" : "3A", opcode & 0xFF);
    }
}
