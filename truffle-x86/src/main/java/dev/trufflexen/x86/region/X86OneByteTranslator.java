package dev.trufflexen.x86.region;

import static dev.trufflexen.x86.cpu.X86Reg.RAX;
import static dev.trufflexen.x86.cpu.X86Reg.RBP;
import static dev.trufflexen.x86.cpu.X86Reg.RCX;
import static dev.trufflexen.x86.cpu.X86Reg.RDI;
import static dev.trufflexen.x86.cpu.X86Reg.RDX;
import static dev.trufflexen.x86.cpu.X86Reg.RSI;
import static dev.trufflexen.x86.cpu.X86Reg.RSP;

import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.decoder.X86Instruction;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.nodes.X86OperandNode;
import dev.trufflexen.x86.nodes.X86SegmentSelectorOperandNode;
import dev.trufflexen.x86.nodes.arith.X86BinaryArithmeticNode;
import dev.trufflexen.x86.nodes.arith.X86ConvertNode;
import dev.trufflexen.x86.nodes.arith.X86DivideNode;
import dev.trufflexen.x86.nodes.arith.X86MultiplyNode;
import dev.trufflexen.x86.nodes.arith.X86ShiftNode;
import dev.trufflexen.x86.nodes.arith.X86SignedMultiplyNode;
import dev.trufflexen.x86.nodes.arith.X86UnaryArithmeticNode;
import dev.trufflexen.x86.nodes.control.X86CallPushNode;
import dev.trufflexen.x86.nodes.control.X86IndirectBranchNode;
import dev.trufflexen.x86.nodes.control.X86NopNode;
import dev.trufflexen.x86.nodes.control.X86RaiseFaultNode;
import dev.trufflexen.x86.nodes.control.X86ReturnNode;
import dev.trufflexen.x86.nodes.data.X86ExchangeNode;
import dev.trufflexen.x86.nodes.data.X86FlagControlNode;
import dev.trufflexen.x86.nodes.data.X86LeaveNode;
import dev.trufflexen.x86.nodes.data.X86LoadEffectiveAddressNode;
import dev.trufflexen.x86.nodes.data.X86MoveExtendNode;
import dev.trufflexen.x86.nodes.data.X86MoveNode;
import dev.trufflexen.x86.nodes.data.X86PopFlagsNode;
import dev.trufflexen.x86.nodes.data.X86PopNode;
import dev.trufflexen.x86.nodes.data.X86PushFlagsNode;
import dev.trufflexen.x86.nodes.data.X86PushNode;
import dev.trufflexen.x86.nodes.data.X86StringNode;

/** Turns one-byte-map instructions into nodes. Returns null for valid opcodes not translated yet (#UD). */
final class X86OneByteTranslator {
    private X86OneByteTranslator() {
    }

    static X86Translation translate(X86Instruction i, X86OperandFactory f) {
        int op = i.opcode();
        long rip = i.rip();
        int len = i.length();
        int size = i.operandSize();
        boolean lock = i.hasPrefix(X86Instruction.PREFIX_LOCK);
        if (op < 0x40 && (op & 7) < 6) {
            return X86Translation.next(arithmetic(i, f, op >> 3, op & 7));
        }
        if (op >= 0x50 && op <= 0x57) {
            f.touch(RSP);
            return X86Translation.next(new X86PushNode(rip, len, f.register((op & 7) | ((i.rex() & 1) << 3), size, true), size));
        }
        if (op >= 0x58 && op <= 0x5F) {
            f.touch(RSP);
            return X86Translation.next(new X86PopNode(rip, len, f.register((op & 7) | ((i.rex() & 1) << 3), size, true), size));
        }
        if (op >= 0x70 && op <= 0x7F) {
            return X86Translation.branch(new X86NopNode(rip, len), op & 0xF, i.branchTarget());
        }
        if (op >= 0x91 && op <= 0x97) {
            return X86Translation.next(new X86ExchangeNode(rip, len, f.register((op & 7) | ((i.rex() & 1) << 3), size, true), f.accumulator(size)));
        }
        if (op >= 0xD8 && op <= 0xDF) {
            return X87Translator.translate(i, f);
        }
        if (op >= 0xB0 && op <= 0xB7) {
            return X86Translation.next(new X86MoveNode(rip, len, f.register((op & 7) | ((i.rex() & 1) << 3), 1, i.hasRex()), f.immediate(i.immediate(), 1)));
        }
        if (op >= 0xB8 && op <= 0xBF) {
            return X86Translation.next(new X86MoveNode(rip, len, f.register((op & 7) | ((i.rex() & 1) << 3), size, true), f.immediate(i.immediate(), size)));
        }
        switch (op) {
            case 0x63:
                return X86Translation.next(size == 8
                        ? new X86MoveExtendNode(rip, len, true, f.reg(i, 8), f.rm(i, 4))
                        : new X86MoveNode(rip, len, f.reg(i, size), f.rm(i, size)));
            case 0x68:
            case 0x6A:
                f.touch(RSP);
                return X86Translation.next(new X86PushNode(rip, len, f.immediate(i.immediate(), size), size));
            case 0x69:
            case 0x6B:
                return X86Translation.next(new X86SignedMultiplyNode(rip, len, f.reg(i, size), f.rm(i, size), f.immediate(i.immediate(), size)));
            case 0x80:
            case 0x81:
            case 0x83:
                return X86Translation.next(new X86BinaryArithmeticNode(rip, len, i.reg() & 7, f.rm(i, size), f.immediate(i.immediate(), size), lock));
            case 0x84:
            case 0x85:
                return X86Translation.next(new X86BinaryArithmeticNode(rip, len, X86BinaryArithmeticNode.TEST, f.rm(i, size), f.reg(i, size), false));
            case 0x86:
            case 0x87:
                return X86Translation.next(new X86ExchangeNode(rip, len, f.rm(i, size), f.reg(i, size)));
            case 0x88:
            case 0x89:
                return X86Translation.next(new X86MoveNode(rip, len, f.rm(i, size), f.reg(i, size)));
            case 0x8A:
            case 0x8B:
                return X86Translation.next(new X86MoveNode(rip, len, f.reg(i, size), f.rm(i, size)));
            case 0x8C: {
                int segment = i.reg() & 7;
                if (segment > 5) {
                    return fault(i, X86Fault.of(X86Fault.UD));
                }
                int width = i.hasMemory() ? 2 : size;
                return X86Translation.next(new X86MoveNode(rip, len, f.rm(i, width), new X86SegmentSelectorOperandNode(segment, width)));
            }
            case 0x8D:
                return X86Translation.next(new X86LoadEffectiveAddressNode(rip, len, f.reg(i, size), f.address(i)));
            case 0x8F:
                f.touch(RSP);
                return X86Translation.next(new X86PopNode(rip, len, f.rm(i, size), size));
            case 0x90:
                if ((i.rex() & 1) != 0) {
                    return X86Translation.next(new X86ExchangeNode(rip, len, f.register(8, size, true), f.accumulator(size)));
                }
                if (i.hasPrefix(X86Instruction.PREFIX_REP)) {
                    return X86Translation.next(new dev.trufflexen.x86.nodes.sse.X86PauseNode(rip, len));
                }
                return X86Translation.next(new X86NopNode(rip, len));
            case 0x98:
            case 0x99:
                f.touch(RAX, RDX);
                return X86Translation.next(new X86ConvertNode(rip, len, op == 0x99, size));
            case 0x9B:
                return X87Translator.wait(i);
            case 0x9C:
                f.touch(RSP);
                return X86Translation.next(new X86PushFlagsNode(rip, len, size));
            case 0x9D:
                f.touch(RSP);
                return X86Translation.next(new X86PopFlagsNode(rip, len, size));
            case 0x9E:
                f.touch(RAX);
                return X86Translation.next(new X86FlagControlNode(rip, len, X86FlagControlNode.SAHF));
            case 0x9F:
                f.touch(RAX);
                return X86Translation.next(new X86FlagControlNode(rip, len, X86FlagControlNode.LAHF));
            case 0xA0:
            case 0xA1:
                return X86Translation.next(new X86MoveNode(rip, len, f.accumulator(size), f.absolute(i, i.immediate(), size)));
            case 0xA2:
            case 0xA3:
                return X86Translation.next(new X86MoveNode(rip, len, f.absolute(i, i.immediate(), size), f.accumulator(size)));
            case 0xA4, 0xA5, 0xA6, 0xA7, 0xAA, 0xAB, 0xAC, 0xAD, 0xAE, 0xAF:
                return X86Translation.next(string(i, f));
            case 0xA8:
            case 0xA9:
                return X86Translation.next(new X86BinaryArithmeticNode(rip, len, X86BinaryArithmeticNode.TEST, f.accumulator(size), f.immediate(i.immediate(), size), false));
            case 0xC0, 0xC1, 0xD0, 0xD1, 0xD2, 0xD3: {
                X86OperandNode count;
                if (op <= 0xC1) {
                    count = f.immediate(i.immediate(), 1);
                } else if (op <= 0xD1) {
                    count = f.immediate(1, 1);
                } else {
                    count = f.register(RCX, 1, false);
                }
                return X86Translation.next(new X86ShiftNode(rip, len, i.reg() & 7, f.rm(i, size), count));
            }
            case 0xC2:
            case 0xC3:
                f.touch(RSP);
                return X86Translation.exit(new X86ReturnNode(rip, len, op == 0xC2 ? (int) i.immediate() : 0));
            case 0xC6:
            case 0xC7:
                return X86Translation.next(new X86MoveNode(rip, len, f.rm(i, size), f.immediate(i.immediate(), size)));
            case 0xC9:
                f.touch(RSP, RBP);
                return X86Translation.next(new X86LeaveNode(rip, len, i.operandSize() == 2 ? 2 : 8));
            case 0xCC:
                return X86Translation.stop(new X86RaiseFaultNode(rip, len, X86Fault.softwareInterrupt(X86Fault.BP), true));
            case 0xCD:
                return X86Translation.stop(new X86RaiseFaultNode(rip, len, X86Fault.softwareInterrupt((int) i.immediate() & 0xFF), true));
            case 0xF1:
                return X86Translation.stop(new X86RaiseFaultNode(rip, len, X86Fault.of(X86Fault.DB), true));
            case 0xE8:
                f.touch(RSP);
                return X86Translation.jump(new X86CallPushNode(rip, len), i.branchTarget());
            case 0xE9:
            case 0xEB:
                return X86Translation.jump(new X86NopNode(rip, len), i.branchTarget());
            case 0xF4:
                return fault(i, X86Fault.withErrorCode(X86Fault.GP, 0)); // HLT is privileged: #GP(0) at CPL 3
            case 0xF5:
                return X86Translation.next(new X86FlagControlNode(rip, len, X86FlagControlNode.CMC));
            case 0xF8:
                return X86Translation.next(new X86FlagControlNode(rip, len, X86FlagControlNode.CLC));
            case 0xF9:
                return X86Translation.next(new X86FlagControlNode(rip, len, X86FlagControlNode.STC));
            case 0xFC:
                return X86Translation.next(new X86FlagControlNode(rip, len, X86FlagControlNode.CLD));
            case 0xFD:
                return X86Translation.next(new X86FlagControlNode(rip, len, X86FlagControlNode.STD));
            case 0xF6:
            case 0xF7:
                return group3(i, f);
            case 0xFE:
                return X86Translation.next(new X86UnaryArithmeticNode(rip, len, i.reg() & 7, f.rm(i, size), lock));
            case 0xFF:
                return group5(i, f);
            case 0x6C, 0x6D, 0x6E, 0x6F, 0x8E, 0xCA, 0xCB, 0xCF, 0xE4, 0xE5, 0xE6, 0xE7, 0xEC, 0xED, 0xEE, 0xEF, 0xFA, 0xFB:
                // I/O, segment loads, far returns, IRET, CLI/STI: privileged at CPL 3; the platform emulates.
                return fault(i, X86Fault.withErrorCode(X86Fault.GP, 0));
            default:
                return X86GeneralPurposeTranslator.oneByte(i, f);
        }
    }

    static X86Translation fault(X86Instruction i, X86Fault fault) {
        return X86Translation.stop(new X86RaiseFaultNode(i.rip(), i.length(), fault, false));
    }

    private static X86InstructionNode arithmetic(X86Instruction i, X86OperandFactory f, int operation, int form) {
        long rip = i.rip();
        int len = i.length();
        int size = i.operandSize();
        boolean lock = i.hasPrefix(X86Instruction.PREFIX_LOCK);
        return switch (form) {
            case 0, 1 -> new X86BinaryArithmeticNode(rip, len, operation, f.rm(i, size), f.reg(i, size), lock);
            case 2, 3 -> new X86BinaryArithmeticNode(rip, len, operation, f.reg(i, size), f.rm(i, size), false);
            default -> new X86BinaryArithmeticNode(rip, len, operation, f.accumulator(size), f.immediate(i.immediate(), size), false);
        };
    }

    private static X86Translation group3(X86Instruction i, X86OperandFactory f) {
        long rip = i.rip();
        int len = i.length();
        int size = i.operandSize();
        boolean lock = i.hasPrefix(X86Instruction.PREFIX_LOCK);
        X86OperandNode operand = f.rm(i, size);
        switch (i.reg() & 7) {
            case 0, 1:
                return X86Translation.next(new X86BinaryArithmeticNode(rip, len, X86BinaryArithmeticNode.TEST, operand, f.immediate(i.immediate(), size), false));
            case 2:
                return X86Translation.next(new X86UnaryArithmeticNode(rip, len, X86UnaryArithmeticNode.NOT, operand, lock));
            case 3:
                return X86Translation.next(new X86UnaryArithmeticNode(rip, len, X86UnaryArithmeticNode.NEG, operand, lock));
            case 4, 5:
                f.touch(RAX, RDX);
                return X86Translation.next(new X86MultiplyNode(rip, len, (i.reg() & 7) == 5, operand));
            default:
                f.touch(RAX, RDX);
                return X86Translation.next(new X86DivideNode(rip, len, (i.reg() & 7) == 7, operand));
        }
    }

    private static X86Translation group5(X86Instruction i, X86OperandFactory f) {
        long rip = i.rip();
        int len = i.length();
        int size = i.operandSize();
        boolean lock = i.hasPrefix(X86Instruction.PREFIX_LOCK);
        switch (i.reg() & 7) {
            case 0, 1:
                return X86Translation.next(new X86UnaryArithmeticNode(rip, len, i.reg() & 7, f.rm(i, size), lock));
            case 2:
            case 4:
                if (size != 8) {
                    return null;
                }
                f.touch(RSP);
                return X86Translation.exit(new X86IndirectBranchNode(rip, len, f.rm(i, 8), (i.reg() & 7) == 2));
            case 6:
                f.touch(RSP);
                return X86Translation.next(new X86PushNode(rip, len, f.rm(i, size), size));
            default: // far CALL/JMP through memory: the platform decides
                return fault(i, X86Fault.withErrorCode(X86Fault.GP, 0));
        }
    }

    private static X86InstructionNode string(X86Instruction i, X86OperandFactory f) {
        int op = i.opcode();
        int kind = switch (op & 0xFE) {
            case 0xA4 -> X86StringNode.MOVS;
            case 0xA6 -> X86StringNode.CMPS;
            case 0xAA -> X86StringNode.STOS;
            case 0xAC -> X86StringNode.LODS;
            default -> X86StringNode.SCAS;
        };
        int repeat = X86StringNode.NO_REPEAT;
        if (i.hasPrefix(X86Instruction.PREFIX_REP)) {
            repeat = X86StringNode.REPEAT_WHILE_EQUAL;
        } else if (i.hasPrefix(X86Instruction.PREFIX_REPNE)) {
            repeat = X86StringNode.REPEAT_WHILE_NOT_EQUAL;
        }
        f.touch(RAX, RCX, RSI, RDI);
        return new X86StringNode(i.rip(), i.length(), kind, i.operandSize(), repeat, i.addressSize() == 4, i.segment());
    }
}
