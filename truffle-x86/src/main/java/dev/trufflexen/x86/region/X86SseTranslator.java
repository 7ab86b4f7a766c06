package dev.trufflexen.x86.region;

import static dev.trufflexen.x86.nodes.sse.X86PackedIntegerOps.*;

import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.decoder.X86Instruction;
import dev.trufflexen.x86.nodes.X86AddressNode;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.nodes.control.X86NopNode;
import dev.trufflexen.x86.nodes.data.X86MoveNode;
import dev.trufflexen.x86.nodes.sse.X86FxsaveNode;
import dev.trufflexen.x86.nodes.sse.X86MaskMoveNode;
import dev.trufflexen.x86.nodes.sse.X86MxcsrNode;
import dev.trufflexen.x86.nodes.sse.X86PackedIntegerNode;
import dev.trufflexen.x86.nodes.sse.X86PackedShiftNode;
import dev.trufflexen.x86.nodes.sse.X86SseApproximationNode;
import dev.trufflexen.x86.nodes.sse.X86SseArithmeticNode;
import dev.trufflexen.x86.nodes.sse.X86SseCompareFlagsNode;
import dev.trufflexen.x86.nodes.sse.X86SseConvertNode;
import dev.trufflexen.x86.nodes.sse.X86SseFloat;
import dev.trufflexen.x86.nodes.sse.X86SseGeneralRegisterNode;
import dev.trufflexen.x86.nodes.sse.X86SseIntegerToFloatNode;
import dev.trufflexen.x86.nodes.sse.X86SseMoveNode;
import dev.trufflexen.x86.nodes.sse.X86SseScalarIntegerNode;
import dev.trufflexen.x86.nodes.sse.X86SseShuffleNode;
import dev.trufflexen.x86.nodes.sse.X86SseStoreNode;
import dev.trufflexen.x86.nodes.sse.X86EmmsNode;
import dev.trufflexen.x86.nodes.sse.X86MmxConvertNode;
import dev.trufflexen.x86.nodes.sse.X86MmxTransferNode;

/**
 * Turns the SSE, SSE2 and SSE3 instructions of the 0F map into nodes. The mandatory prefix
 * selects the instruction: none (PS forms), 66 (PD and the 128-bit integer forms), F3 (SS) or F2
 * (SD); F2/F3 win over 66, the last of F2/F3 wins. An encoding a set does not define returns
 * null (#UD). Without a prefix, the integer opcodes are the MMX forms ({@link X86MmxTranslator}).
 * XMM register numbers come with REX.R (ModRM.reg) and REX.B (ModRM.rm) from the decoder.
 */
final class X86SseTranslator {
    private static final int NONE = 0;
    private static final int P66 = 1;
    private static final int F3 = 2;
    private static final int F2 = 3;

    private X86SseTranslator() {
    }

    private static int mandatoryPrefix(X86Instruction i) {
        if (i.hasPrefix(X86Instruction.PREFIX_REP)) {
            return F3;
        }
        if (i.hasPrefix(X86Instruction.PREFIX_REPNE)) {
            return F2;
        }
        return i.hasPrefix(X86Instruction.PREFIX_OPERAND_SIZE) ? P66 : NONE;
    }

    static X86Translation translate(X86Instruction i, X86OperandFactory f) {
        X86InstructionNode node = node(i, f, mandatoryPrefix(i));
        return node == null ? null : X86Translation.next(node);
    }

    static X86AddressNode memory(X86Instruction i, X86OperandFactory f) {
        return i.hasMemory() ? f.address(i) : null;
    }

    private static X86InstructionNode node(X86Instruction i, X86OperandFactory f, int prefix) {
        int op = i.opcode() & 0xFF;
        long rip = i.rip();
        int len = i.length();
        int reg = i.reg();
        int rm = i.rm();
        boolean mem = i.hasMemory();
        int gprSize = i.rexW() ? 8 : 4;
        switch (op) {
            case 0x10:
                return switch (prefix) {
                    case F3 -> move(i, f, mem ? X86SseMoveNode.LOW32_ZERO : X86SseMoveNode.LOW32_MERGE, reg, 4, false);
                    case F2 -> move(i, f, mem ? X86SseMoveNode.LOW64_ZERO : X86SseMoveNode.LOW64_MERGE, reg, 8, false);
                    default -> move(i, f, X86SseMoveNode.FULL, reg, 16, false);
                };
            case 0x11:
                if (mem) {
                    int kind = prefix == F3 ? X86SseStoreNode.LOW32 : prefix == F2 ? X86SseStoreNode.LOW64 : X86SseStoreNode.FULL;
                    return new X86SseStoreNode(rip, len, kind, reg, f.address(i), false);
                }
                int kind11 = prefix == F3 ? X86SseMoveNode.LOW32_MERGE : prefix == F2 ? X86SseMoveNode.LOW64_MERGE : X86SseMoveNode.FULL;
                return new X86SseMoveNode(rip, len, kind11, rm, reg, null, 16, false);
            case 0x12:
                return switch (prefix) {
                    case NONE -> move(i, f, mem ? X86SseMoveNode.LOW64_MERGE : X86SseMoveNode.LOW_FROM_HIGH, reg, 8, false);
                    case P66 -> mem ? move(i, f, X86SseMoveNode.LOW64_MERGE, reg, 8, false) : null;
                    case F3 -> move(i, f, X86SseMoveNode.DUPLICATE_EVEN32, reg, 16, true);
                    default -> move(i, f, X86SseMoveNode.DUPLICATE_LOW64, reg, 8, false);
                };
            case 0x13:
            case 0x17:
                if (!mem || prefix == F2 || prefix == F3) {
                    return null;
                }
                return new X86SseStoreNode(rip, len, op == 0x13 ? X86SseStoreNode.LOW64 : X86SseStoreNode.HIGH64, reg, f.address(i), false);
            case 0x14:
            case 0x15:
                if (prefix == F2 || prefix == F3) {
                    return null;
                }
                return shuffle(i, f, op == 0x14 ? X86SseShuffleNode.UNPACK_LOW : X86SseShuffleNode.UNPACK_HIGH, prefix == P66 ? 64 : 32);
            case 0x16:
                return switch (prefix) {
                    case NONE -> move(i, f, X86SseMoveNode.HIGH_FROM_LOW, reg, 8, false);
                    case P66 -> mem ? move(i, f, X86SseMoveNode.HIGH_FROM_LOW, reg, 8, false) : null;
                    case F3 -> move(i, f, X86SseMoveNode.DUPLICATE_ODD32, reg, 16, true);
                    default -> null;
                };
            case 0x28:
                return prefix == F2 || prefix == F3 ? null : move(i, f, X86SseMoveNode.FULL, reg, 16, true);
            case 0x29:
                if (prefix == F2 || prefix == F3) {
                    return null;
                }
                return mem ? new X86SseStoreNode(rip, len, X86SseStoreNode.FULL, reg, f.address(i), true)
                        : new X86SseMoveNode(rip, len, X86SseMoveNode.FULL, rm, reg, null, 16, false);
            case 0x2A:
                if (prefix == F3 || prefix == F2) {
                    return new X86SseIntegerToFloatNode(rip, len, prefix == F3, reg, f.rm(i, gprSize));
                }
                return new X86MmxConvertNode(rip, len, prefix == NONE ? X86MmxConvertNode.PI_TO_PS : X86MmxConvertNode.PI_TO_PD, false, reg,
                        rm & 7, memory(i, f));
            case 0x2B:
                if (!mem || prefix == F2 || prefix == F3) {
                    return null;
                }
                return new X86SseStoreNode(rip, len, X86SseStoreNode.FULL, reg, f.address(i), true);
            case 0x2C:
            case 0x2D:
                if (prefix == F3 || prefix == F2) {
                    return new X86SseScalarIntegerNode(rip, len, prefix == F3, op == 0x2C, f.register(reg, gprSize, false), rm, memory(i, f));
                }
                return new X86MmxConvertNode(rip, len, prefix == NONE ? X86MmxConvertNode.PS_TO_PI : X86MmxConvertNode.PD_TO_PI, op == 0x2C,
                        reg & 7, rm, memory(i, f));
            case 0x2E:
            case 0x2F:
                if (prefix == F2 || prefix == F3) {
                    return null;
                }
                return new X86SseCompareFlagsNode(rip, len, prefix == NONE, op == 0x2F, reg, rm, memory(i, f));
            case 0x50:
                if (mem || prefix == F2 || prefix == F3) {
                    return null;
                }
                return new X86SseGeneralRegisterNode(rip, len, prefix == NONE ? X86SseGeneralRegisterNode.MASK_PS : X86SseGeneralRegisterNode.MASK_PD,
                        rm, f.register(reg, gprSize, false), 0);
            case 0x51:
                return arithmetic(i, f, prefix, X86SseArithmeticNode.ELEMENTWISE, X86SseFloat.SQRT, 0);
            case 0x52:
            case 0x53:
                if (prefix == P66 || prefix == F2) {
                    return null;
                }
                return new X86SseApproximationNode(rip, len, op == 0x52, prefix == F3, reg, rm, memory(i, f));
            case 0x54:
            case 0x55:
            case 0x56:
            case 0x57:
                if (prefix == F2 || prefix == F3) {
                    return null;
                }
                return integer(i, f, new int[] {AND, AND_NOT, OR, XOR}[op - 0x54]);
            case 0x58:
                return arithmetic(i, f, prefix, X86SseArithmeticNode.ELEMENTWISE, X86SseFloat.ADD, 0);
            case 0x59:
                return arithmetic(i, f, prefix, X86SseArithmeticNode.ELEMENTWISE, X86SseFloat.MUL, 0);
            case 0x5C:
                return arithmetic(i, f, prefix, X86SseArithmeticNode.ELEMENTWISE, X86SseFloat.SUB, 0);
            case 0x5D:
                return arithmetic(i, f, prefix, X86SseArithmeticNode.ELEMENTWISE, X86SseFloat.MIN, 0);
            case 0x5E:
                return arithmetic(i, f, prefix, X86SseArithmeticNode.ELEMENTWISE, X86SseFloat.DIV, 0);
            case 0x5F:
                return arithmetic(i, f, prefix, X86SseArithmeticNode.ELEMENTWISE, X86SseFloat.MAX, 0);
            case 0xC2:
                return arithmetic(i, f, prefix, X86SseArithmeticNode.COMPARE, 0, (int) i.immediate() & 7);
            case 0x5A: {
                int kind = switch (prefix) {
                    case NONE -> X86SseConvertNode.PS_TO_PD;
                    case P66 -> X86SseConvertNode.PD_TO_PS;
                    case F3 -> X86SseConvertNode.SS_TO_SD;
                    default -> X86SseConvertNode.SD_TO_SS;
                };
                return new X86SseConvertNode(rip, len, kind, false, reg, rm, memory(i, f));
            }
            case 0x5B:
                return switch (prefix) {
                    case NONE -> new X86SseConvertNode(rip, len, X86SseConvertNode.DQ_TO_PS, false, reg, rm, memory(i, f));
                    case P66 -> new X86SseConvertNode(rip, len, X86SseConvertNode.PS_TO_DQ, false, reg, rm, memory(i, f));
                    case F3 -> new X86SseConvertNode(rip, len, X86SseConvertNode.PS_TO_DQ, true, reg, rm, memory(i, f));
                    default -> null;
                };
            case 0xE6:
                return switch (prefix) {
                    case P66 -> new X86SseConvertNode(rip, len, X86SseConvertNode.PD_TO_DQ, true, reg, rm, memory(i, f));
                    case F3 -> new X86SseConvertNode(rip, len, X86SseConvertNode.DQ_TO_PD, false, reg, rm, memory(i, f));
                    case F2 -> new X86SseConvertNode(rip, len, X86SseConvertNode.PD_TO_DQ, false, reg, rm, memory(i, f));
                    default -> null;
                };
            case 0x7C:
            case 0x7D:
                if (prefix != P66 && prefix != F2) {
                    return null;
                }
                return new X86SseArithmeticNode(rip, len, X86SseArithmeticNode.HORIZONTAL, op == 0x7C ? X86SseFloat.ADD : X86SseFloat.SUB,
                        prefix == F2, false, reg, rm, memory(i, f), 0);
            case 0xD0:
                if (prefix != P66 && prefix != F2) {
                    return null;
                }
                return new X86SseArithmeticNode(rip, len, X86SseArithmeticNode.ADD_SUBTRACT, X86SseFloat.ADD, prefix == F2, false, reg, rm,
                        memory(i, f), 0);
            case 0xC6:
                if (prefix == F2 || prefix == F3) {
                    return null;
                }
                return new X86SseShuffleNode(rip, len, prefix == NONE ? X86SseShuffleNode.SHUFFLE_PS : X86SseShuffleNode.SHUFFLE_PD, 0, reg,
                        rm, memory(i, f), (int) i.immediate());
            case 0xC3:
                if (!mem || prefix != NONE) {
                    return null;
                }
                return new X86MoveNode(rip, len, f.rm(i, gprSize), f.register(reg, gprSize, false));
            case 0x77:
                return prefix == NONE ? new X86EmmsNode(rip, len) : null;
            case 0xAE:
                return stateManagement(i, f, prefix);
            default:
                if (prefix == P66) {
                    return integerForm(i, f, op);
                }
                return prefix == NONE ? X86MmxTranslator.translate(i, f, op) : otherPrefixForm(i, f, op, prefix);
        }
    }

    /** The 66-prefixed forms of the integer opcodes 60-7F and D1-FE. */
    private static X86InstructionNode integerForm(X86Instruction i, X86OperandFactory f, int op) {
        long rip = i.rip();
        int len = i.length();
        int reg = i.reg();
        int rm = i.rm();
        boolean mem = i.hasMemory();
        int gprSize = i.rexW() ? 8 : 4;
        switch (op) {
            case 0x60, 0x61, 0x62:
                return shuffle(i, f, X86SseShuffleNode.UNPACK_LOW, 8 << (op - 0x60));
            case 0x68, 0x69, 0x6A:
                return shuffle(i, f, X86SseShuffleNode.UNPACK_HIGH, 8 << (op - 0x68));
            case 0x6C:
                return shuffle(i, f, X86SseShuffleNode.UNPACK_LOW, 64);
            case 0x6D:
                return shuffle(i, f, X86SseShuffleNode.UNPACK_HIGH, 64);
            case 0x63:
                return shuffle(i, f, X86SseShuffleNode.PACK_SIGNED_WB, 0);
            case 0x67:
                return shuffle(i, f, X86SseShuffleNode.PACK_UNSIGNED_WB, 0);
            case 0x6B:
                return shuffle(i, f, X86SseShuffleNode.PACK_SIGNED_DW, 0);
            case 0x64, 0x65, 0x66:
                return integer(i, f, COMPARE_GREATER_B + (op - 0x64));
            case 0x74, 0x75, 0x76:
                return integer(i, f, COMPARE_EQUAL_B + (op - 0x74));
            case 0x6E:
                return new X86SseGeneralRegisterNode(rip, len, X86SseGeneralRegisterNode.MOVE_TO_XMM, reg, f.rm(i, gprSize), 0);
            case 0x7E:
                return new X86SseGeneralRegisterNode(rip, len, X86SseGeneralRegisterNode.MOVE_FROM_XMM, reg, f.rm(i, gprSize), 0);
            case 0x6F:
                return move(i, f, X86SseMoveNode.FULL, reg, 16, true);
            case 0x7F:
                return mem ? new X86SseStoreNode(rip, len, X86SseStoreNode.FULL, reg, f.address(i), true)
                        : new X86SseMoveNode(rip, len, X86SseMoveNode.FULL, rm, reg, null, 16, false);
            case 0x70:
                return shuffle(i, f, X86SseShuffleNode.SHUFFLE_D, 0);
            case 0x71, 0x72, 0x73:
                return shiftImmediate(i, op);
            case 0xD1, 0xD2, 0xD3:
                return shift(i, f, X86PackedShiftNode.RIGHT_LOGICAL, 16 << (op - 0xD1));
            case 0xE1, 0xE2:
                return shift(i, f, X86PackedShiftNode.RIGHT_ARITHMETIC, 16 << (op - 0xE1));
            case 0xF1, 0xF2, 0xF3:
                return shift(i, f, X86PackedShiftNode.LEFT, 16 << (op - 0xF1));
            case 0xC4:
                return new X86SseGeneralRegisterNode(rip, len, X86SseGeneralRegisterNode.INSERT_WORD, reg, mem ? f.rm(i, 2) : f.register(rm, 4, false),
                        (int) i.immediate());
            case 0xC5:
                return mem ? null : new X86SseGeneralRegisterNode(rip, len, X86SseGeneralRegisterNode.EXTRACT_WORD, rm,
                        f.register(reg, gprSize, false), (int) i.immediate());
            case 0xD6:
                return mem ? new X86SseStoreNode(rip, len, X86SseStoreNode.LOW64, reg, f.address(i), false)
                        : new X86SseMoveNode(rip, len, X86SseMoveNode.LOW64_ZERO, rm, reg, null, 8, false);
            case 0xD7:
                return mem ? null : new X86SseGeneralRegisterNode(rip, len, X86SseGeneralRegisterNode.MASK_BYTES, rm,
                        f.register(reg, gprSize, false), 0);
            case 0xE7:
                return mem ? new X86SseStoreNode(rip, len, X86SseStoreNode.FULL, reg, f.address(i), true) : null;
            case 0xF7:
                if (mem) {
                    return null;
                }
                f.touch(X86Reg.RDI);
                return new X86MaskMoveNode(rip, len, reg, rm, i.segment(), i.addressSize() == 4);
            default:
                int operation = integerOperation(op);
                return operation < 0 ? null : integer(i, f, operation);
        }
    }

    /** The element-wise operation of an integer opcode (D4-FE), or -1. */
    static int integerOperation(int op) {
        return switch (op) {
            case 0xD4 -> ADD_Q;
            case 0xD5 -> MULTIPLY_LOW_W;
            case 0xD8 -> SUB_UNSIGNED_SATURATE_B;
            case 0xD9 -> SUB_UNSIGNED_SATURATE_W;
            case 0xDA -> MIN_UNSIGNED_B;
            case 0xDB -> AND;
            case 0xDC -> ADD_UNSIGNED_SATURATE_B;
            case 0xDD -> ADD_UNSIGNED_SATURATE_W;
            case 0xDE -> MAX_UNSIGNED_B;
            case 0xDF -> AND_NOT;
            case 0xE0 -> AVERAGE_B;
            case 0xE3 -> AVERAGE_W;
            case 0xE4 -> MULTIPLY_HIGH_UNSIGNED_W;
            case 0xE5 -> MULTIPLY_HIGH_W;
            case 0xE8 -> SUB_SIGNED_SATURATE_B;
            case 0xE9 -> SUB_SIGNED_SATURATE_W;
            case 0xEA -> MIN_SIGNED_W;
            case 0xEB -> OR;
            case 0xEC -> ADD_SIGNED_SATURATE_B;
            case 0xED -> ADD_SIGNED_SATURATE_W;
            case 0xEE -> MAX_SIGNED_W;
            case 0xEF -> XOR;
            case 0xF4 -> MULTIPLY_UNSIGNED_DQ;
            case 0xF5 -> MULTIPLY_ADD_WD;
            case 0xF6 -> SUM_ABSOLUTE_DIFFERENCES_B;
            case 0xF8 -> SUB_B;
            case 0xF9 -> SUB_W;
            case 0xFA -> SUB_D;
            case 0xFB -> SUB_Q;
            case 0xFC -> ADD_B;
            case 0xFD -> ADD_W;
            case 0xFE -> ADD_D;
            default -> -1;
        };
    }

    /** F3/F2 (and unprefixed) forms of the integer opcodes: the SSE2/SSE3 ones; MMX register forms are not implemented. */
    private static X86InstructionNode otherPrefixForm(X86Instruction i, X86OperandFactory f, int op, int prefix) {
        int reg = i.reg();
        switch (op) {
            case 0x6F:
                return prefix == F3 ? move(i, f, X86SseMoveNode.FULL, reg, 16, false) : null;
            case 0x7F:
                if (prefix != F3) {
                    return null;
                }
                return i.hasMemory() ? new X86SseStoreNode(i.rip(), i.length(), X86SseStoreNode.FULL, reg, f.address(i), false)
                        : new X86SseMoveNode(i.rip(), i.length(), X86SseMoveNode.FULL, i.rm(), reg, null, 16, false);
            case 0x70:
                if (prefix == F3) {
                    return shuffle(i, f, X86SseShuffleNode.SHUFFLE_HIGH_W, 0);
                }
                return prefix == F2 ? shuffle(i, f, X86SseShuffleNode.SHUFFLE_LOW_W, 0) : null;
            case 0x7E:
                return prefix == F3 ? move(i, f, X86SseMoveNode.LOW64_ZERO, reg, 8, false) : null;
            case 0xF0:
                return prefix == F2 && i.hasMemory() ? move(i, f, X86SseMoveNode.FULL, reg, 16, false) : null;
            case 0xD6:
                if (i.hasMemory()) {
                    return null;
                }
                return prefix == F3
                        ? new X86MmxTransferNode(i.rip(), i.length(), X86MmxTransferNode.MMX_TO_XMM, i.rm(), reg, null, 0, 0, false)
                        : new X86MmxTransferNode(i.rip(), i.length(), X86MmxTransferNode.XMM_TO_MMX, reg, i.rm(), null, 0, 0, false);
            default:
                return null;
        }
    }

    /** 0F AE: FXSAVE, FXRSTOR, LDMXCSR, STMXCSR (memory forms); the register forms are the fences. */
    private static X86InstructionNode stateManagement(X86Instruction i, X86OperandFactory f, int prefix) {
        int group = i.reg() & 7;
        if (!i.hasMemory()) {
            return group >= 5 ? new X86NopNode(i.rip(), i.length()) : null;
        }
        if (prefix != NONE) {
            return null;
        }
        return switch (group) {
            case 0, 1 -> new X86FxsaveNode(i.rip(), i.length(), group == 1, i.rexW(), f.address(i));
            case 2, 3 -> new X86MxcsrNode(i.rip(), i.length(), group == 2, f.address(i));
            default -> null;
        };
    }

    private static X86InstructionNode move(X86Instruction i, X86OperandFactory f, int kind, int destination, int memorySize, boolean aligned) {
        return new X86SseMoveNode(i.rip(), i.length(), kind, destination, i.rm(), memory(i, f), memorySize, aligned);
    }

    private static X86InstructionNode integer(X86Instruction i, X86OperandFactory f, int operation) {
        return new X86PackedIntegerNode(i.rip(), i.length(), operation, i.reg(), i.rm(), memory(i, f));
    }

    private static X86InstructionNode shuffle(X86Instruction i, X86OperandFactory f, int operation, int bits) {
        return new X86SseShuffleNode(i.rip(), i.length(), operation, bits, i.reg(), i.rm(), memory(i, f), (int) i.immediate());
    }

    private static X86InstructionNode shift(X86Instruction i, X86OperandFactory f, int direction, int bits) {
        return new X86PackedShiftNode(i.rip(), i.length(), direction, bits, i.reg(), false, 0, i.rm(), memory(i, f));
    }

    /** Groups 12-14 (66 0F 71/72/73 /n ib): shifts of the ModRM.rm register by an immediate. */
    private static X86InstructionNode shiftImmediate(X86Instruction i, int op) {
        if (i.hasMemory()) {
            return null;
        }
        int group = i.reg() & 7;
        int bits = op == 0x71 ? 16 : op == 0x72 ? 32 : 64;
        int direction;
        switch (group) {
            case 2 -> direction = X86PackedShiftNode.RIGHT_LOGICAL;
            case 4 -> direction = X86PackedShiftNode.RIGHT_ARITHMETIC;
            case 6 -> direction = X86PackedShiftNode.LEFT;
            case 3 -> direction = X86PackedShiftNode.RIGHT_BYTES;
            case 7 -> direction = X86PackedShiftNode.LEFT_BYTES;
            default -> {
                return null;
            }
        }
        if ((group == 4 && bits == 64) || ((group == 3 || group == 7) && bits != 64)) {
            return null;
        }
        return new X86PackedShiftNode(i.rip(), i.length(), direction, bits, i.rm(), true, i.immediate(), 0, null);
    }

    private static X86InstructionNode arithmetic(X86Instruction i, X86OperandFactory f, int prefix, int form, int operation, int predicate) {
        boolean single = prefix == NONE || prefix == F3;
        boolean scalar = prefix == F3 || prefix == F2;
        return new X86SseArithmeticNode(i.rip(), i.length(), form, operation, single, scalar, i.reg(), i.rm(), memory(i, f), predicate);
    }
}
