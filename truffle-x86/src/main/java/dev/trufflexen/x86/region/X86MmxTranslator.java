package dev.trufflexen.x86.region;

import static dev.trufflexen.x86.nodes.sse.X86PackedIntegerOps.COMPARE_EQUAL_B;
import static dev.trufflexen.x86.nodes.sse.X86PackedIntegerOps.COMPARE_GREATER_B;
import static dev.trufflexen.x86.nodes.sse4.X86PackedIntegerOps.PABSB;
import static dev.trufflexen.x86.nodes.sse4.X86PackedIntegerOps.PALIGNR;

import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.decoder.X86Instruction;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.nodes.sse.X86MmxNode;
import dev.trufflexen.x86.nodes.sse.X86MmxTransferNode;
import dev.trufflexen.x86.nodes.sse.X86PackedShiftNode;

/**
 * The MMX forms of the 0F-map integer opcodes (no mandatory prefix): the same operations as the
 * 66-prefixed SSE2 forms on 64-bit MMX registers, which are ModRM's three bits (REX.R and REX.B
 * do not extend them), and the MMX forms of SSSE3 from the 0F38/0F3A maps. The MMX conversions to and from XMM registers are in {@link X86SseTranslator}.
 */
final class X86MmxTranslator {
    private X86MmxTranslator() {
    }

    static X86InstructionNode translate(X86Instruction i, X86OperandFactory f, int op) {
        long rip = i.rip();
        int len = i.length();
        int reg = i.reg() & 7;
        int rm = i.rm() & 7;
        boolean mem = i.hasMemory();
        int gprSize = i.rexW() ? 8 : 4;
        switch (op) {
            case 0x60, 0x61, 0x62:
                return mmx(i, f, X86MmxNode.UNPACK_LOW, 0, 8 << (op - 0x60));
            case 0x68, 0x69, 0x6A:
                return mmx(i, f, X86MmxNode.UNPACK_HIGH, 0, 8 << (op - 0x68));
            case 0x63:
                return mmx(i, f, X86MmxNode.PACK_SIGNED_WB, 0, 0);
            case 0x67:
                return mmx(i, f, X86MmxNode.PACK_UNSIGNED_WB, 0, 0);
            case 0x6B:
                return mmx(i, f, X86MmxNode.PACK_SIGNED_DW, 0, 0);
            case 0x64, 0x65, 0x66:
                return mmx(i, f, X86MmxNode.ELEMENTWISE, COMPARE_GREATER_B + (op - 0x64), 0);
            case 0x74, 0x75, 0x76:
                return mmx(i, f, X86MmxNode.ELEMENTWISE, COMPARE_EQUAL_B + (op - 0x74), 0);
            case 0x6E:
                return new X86MmxTransferNode(rip, len, X86MmxTransferNode.MOVE_TO_MMX, reg, 0, f.rm(i, gprSize), 0, 0, false);
            case 0x7E:
                return new X86MmxTransferNode(rip, len, X86MmxTransferNode.MOVE_FROM_MMX, reg, 0, f.rm(i, gprSize), 0, 0, false);
            case 0x6F:
                return mmx(i, f, X86MmxNode.MOVE, 0, 0);
            case 0x7F:
                return mem ? new X86MmxTransferNode(rip, len, X86MmxTransferNode.MOVE_FROM_MMX, reg, 0, f.rm(i, 8), 0, 0, false)
                        : new X86MmxNode(rip, len, X86MmxNode.MOVE, 0, 0, rm, reg, null, 0);
            case 0xE7:
                return mem ? new X86MmxTransferNode(rip, len, X86MmxTransferNode.MOVE_FROM_MMX, reg, 0, f.rm(i, 8), 0, 0, false) : null;
            case 0x70:
                return mmx(i, f, X86MmxNode.SHUFFLE_W, 0, 0);
            case 0x71, 0x72, 0x73: {
                int group = i.reg() & 7;
                int bits = op == 0x71 ? 16 : op == 0x72 ? 32 : 64;
                int direction = group == 2 ? X86PackedShiftNode.RIGHT_LOGICAL : group == 4 && bits != 64 ? X86PackedShiftNode.RIGHT_ARITHMETIC
                        : group == 6 ? X86PackedShiftNode.LEFT : -1;
                if (mem || direction < 0) {
                    return null;
                }
                return new X86MmxNode(rip, len, X86MmxNode.SHIFT_IMMEDIATE, direction, bits, rm, 0, null, (int) i.immediate());
            }
            case 0xD1, 0xD2, 0xD3:
                return mmx(i, f, X86MmxNode.SHIFT, X86PackedShiftNode.RIGHT_LOGICAL, 16 << (op - 0xD1));
            case 0xE1, 0xE2:
                return mmx(i, f, X86MmxNode.SHIFT, X86PackedShiftNode.RIGHT_ARITHMETIC, 16 << (op - 0xE1));
            case 0xF1, 0xF2, 0xF3:
                return mmx(i, f, X86MmxNode.SHIFT, X86PackedShiftNode.LEFT, 16 << (op - 0xF1));
            case 0xD7:
                return mem ? null : new X86MmxTransferNode(rip, len, X86MmxTransferNode.MASK_BYTES, rm, 0, f.register(i.reg(), gprSize, false), 0,
                        0, false);
            case 0xC4:
                return new X86MmxTransferNode(rip, len, X86MmxTransferNode.INSERT_WORD, reg, 0, mem ? f.rm(i, 2) : f.register(i.rm(), 4, false),
                        (int) i.immediate(), 0, false);
            case 0xC5:
                return mem ? null : new X86MmxTransferNode(rip, len, X86MmxTransferNode.EXTRACT_WORD, rm, 0,
                        f.register(i.reg(), gprSize, false), (int) i.immediate(), 0, false);
            case 0xF7:
                if (mem) {
                    return null;
                }
                f.touch(X86Reg.RDI);
                return new X86MmxTransferNode(rip, len, X86MmxTransferNode.MASK_MOVE, reg, rm, null, 0, i.segment(), i.addressSize() == 4);
            case 0x6C, 0x6D, 0xD6, 0xE6, 0xF0, 0x7C, 0x7D, 0x78, 0x79, 0x7A, 0x7B:
                return null;
            default:
                int operation = X86SseTranslator.integerOperation(op);
                return operation < 0 ? null : mmx(i, f, X86MmxNode.ELEMENTWISE, operation, 0);
        }
    }

    /** The MMX forms (no prefix) of SSSE3: 0F 38 00-0B and 1C-1E, and PALIGNR (0F 3A 0F). */
    static X86InstructionNode ssse3(X86Instruction i, X86OperandFactory f, boolean withImmediate, int op) {
        int operation;
        if (withImmediate) {
            operation = op == 0x0F ? PALIGNR : -1;
        } else if (op <= 0x0B) {
            operation = op; // PSHUFB..PMULHRSW are numbered as their opcodes
        } else {
            operation = op >= 0x1C && op <= 0x1E ? PABSB + (op - 0x1C) : -1;
        }
        return operation < 0 ? null : mmx(i, f, X86MmxNode.SSSE3, operation, 0);
    }

    private static X86InstructionNode mmx(X86Instruction i, X86OperandFactory f, int kind, int operation, int bits) {
        return new X86MmxNode(i.rip(), i.length(), kind, operation, bits, i.reg(), i.rm(), X86SseTranslator.memory(i, f), (int) i.immediate());
    }
}
