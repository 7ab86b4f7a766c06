package dev.trufflexen.x86.region;

import static dev.trufflexen.x86.cpu.X86Reg.RAX;
import static dev.trufflexen.x86.cpu.X86Reg.RCX;
import static dev.trufflexen.x86.cpu.X86Reg.RDX;
import static dev.trufflexen.x86.cpu.X86Reg.RSP;

import dev.trufflexen.x86.cpu.X86Descriptor;
import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.cpu.X86Segment;
import dev.trufflexen.x86.decoder.X86Instruction;
import dev.trufflexen.x86.nodes.X86OperandNode;
import dev.trufflexen.x86.nodes.X86SegmentSelectorOperandNode;
import dev.trufflexen.x86.nodes.arith.X86BitCountNode;
import dev.trufflexen.x86.nodes.arith.X86BitScanNode;
import dev.trufflexen.x86.nodes.arith.X86BitTestNode;
import dev.trufflexen.x86.nodes.arith.X86ByteSwapNode;
import dev.trufflexen.x86.nodes.arith.X86CompareExchangeNode;
import dev.trufflexen.x86.nodes.arith.X86ExchangeAddNode;
import dev.trufflexen.x86.nodes.arith.X86ShiftDoubleNode;
import dev.trufflexen.x86.nodes.arith.X86SignedMultiplyNode;
import dev.trufflexen.x86.nodes.control.X86NopNode;
import dev.trufflexen.x86.nodes.control.X86ReadTimeStampNode;
import dev.trufflexen.x86.nodes.control.X86SegmentQueryNode;
import dev.trufflexen.x86.nodes.control.X86SyscallNode;
import dev.trufflexen.x86.nodes.data.X86ConditionalMoveNode;
import dev.trufflexen.x86.nodes.data.X86MoveExtendNode;
import dev.trufflexen.x86.nodes.data.X86PushNode;
import dev.trufflexen.x86.nodes.data.X86SetConditionNode;

/** Turns 0F-map instructions into nodes. Returns null for valid opcodes not translated yet (#UD). */
final class X86TwoByteTranslator {
    private X86TwoByteTranslator() {
    }

    static X86Translation translate(X86Instruction i, X86OperandFactory f) {
        int op = i.opcode() & 0xFF;
        long rip = i.rip();
        int len = i.length();
        int size = i.operandSize();
        boolean lock = i.hasPrefix(X86Instruction.PREFIX_LOCK);
        if (op >= 0x40 && op <= 0x4F) {
            return X86Translation.next(new X86ConditionalMoveNode(rip, len, op & 0xF, f.reg(i, size), f.rm(i, size)));
        }
        if (op >= 0x80 && op <= 0x8F) {
            return X86Translation.branch(new X86NopNode(rip, len), op & 0xF, i.branchTarget());
        }
        if (op >= 0x90 && op <= 0x9F) {
            return X86Translation.next(new X86SetConditionNode(rip, len, op & 0xF, f.rm(i, 1)));
        }
        if (op >= 0xC8 && op <= 0xCF) {
            int reg = f.touch((op & 7) | ((i.rex() & 1) << 3));
            return X86Translation.next(new X86ByteSwapNode(rip, len, reg, size));
        }
        if (op == 0x0D && i.mod() == 3) {
            return X86OneByteTranslator.fault(i, X86Fault.of(X86Fault.UD)); // PREFETCH needs a memory operand
        }
        if (op >= 0x18 && op <= 0x1F || op == 0x0D) {
            return X86Translation.next(new X86NopNode(rip, len)); // hint NOPs, prefetches, ENDBR64
        }
        if (op >= 0x20 && op <= 0x23 && !isExistingControlOrDebugRegister(i)) {
            return X86OneByteTranslator.fault(i, X86Fault.of(X86Fault.UD));
        }
        switch (op) {
            case 0x05:
                for (int reg = 0; reg < X86Reg.COUNT; reg++) {
                    f.touch(reg); // the platform may read or change any register
                }
                return X86Translation.jump(new X86SyscallNode(rip, len), i.nextRip());
            case 0x0B:
            case 0xB9:
            case 0xFF:
                return X86OneByteTranslator.fault(i, X86Fault.of(X86Fault.UD));
            case 0x31:
                f.touch(RAX, RDX);
                return X86Translation.next(new X86ReadTimeStampNode(rip, len, false));
            case 0xA2:
                return X86GeneralPurposeTranslator.twoByte(i, f); // CPUID
            case 0x01:
                if (X86GeneralPurposeTranslator.isReadTimeStampAndProcessorId(i)) {
                    return X86GeneralPurposeTranslator.twoByte(i, f);
                }
                return X86OneByteTranslator.fault(i, X86Fault.withErrorCode(X86Fault.GP, 0));
            case 0x02, 0x03:
                return X86Translation.next(new X86SegmentQueryNode(rip, len, op == 0x02 ? X86Descriptor.LAR : X86Descriptor.LSL,
                        size, f.rm(i, 2), f.reg(i, size == 2 ? 2 : 8)));
            case 0x00:
                if ((i.reg() & 7) == 4 || (i.reg() & 7) == 5) {
                    return X86Translation.next(new X86SegmentQueryNode(rip, len,
                            (i.reg() & 7) == 4 ? X86Descriptor.VERR : X86Descriptor.VERW, 2, f.rm(i, 2), null));
                }
                return X86OneByteTranslator.fault(i, X86Fault.withErrorCode(X86Fault.GP, 0));
            case 0x06, 0x07, 0x08, 0x09, 0x20, 0x21, 0x22, 0x23, 0x30, 0x32, 0x33, 0x34, 0x35, 0xA1, 0xA9:
                // System instructions and segment pops: #GP(0) at CPL 3, for the platform to emulate.
                return X86OneByteTranslator.fault(i, X86Fault.withErrorCode(X86Fault.GP, 0));
            case 0xA0:
            case 0xA8:
                f.touch(RSP);
                return X86Translation.next(new X86PushNode(rip, len,
                        new X86SegmentSelectorOperandNode(op == 0xA0 ? X86Segment.FS : X86Segment.GS, size), size));
            case 0xA3:
                return X86Translation.next(new X86BitTestNode(rip, len, X86BitTestNode.BT, f.rm(i, size), f.reg(i, size), false, false));
            case 0xAB:
                return X86Translation.next(new X86BitTestNode(rip, len, X86BitTestNode.BTS, f.rm(i, size), f.reg(i, size), false, lock));
            case 0xB3:
                return X86Translation.next(new X86BitTestNode(rip, len, X86BitTestNode.BTR, f.rm(i, size), f.reg(i, size), false, lock));
            case 0xBB:
                return X86Translation.next(new X86BitTestNode(rip, len, X86BitTestNode.BTC, f.rm(i, size), f.reg(i, size), false, lock));
            case 0xBA:
                return X86Translation.next(new X86BitTestNode(rip, len, (i.reg() & 7) - 4, f.rm(i, size), f.immediate(i.immediate(), 1), true, lock));
            case 0xA4, 0xA5, 0xAC, 0xAD: {
                X86OperandNode count = (op & 1) == 0 ? f.immediate(i.immediate(), 1) : f.register(RCX, 1, false);
                return X86Translation.next(new X86ShiftDoubleNode(rip, len, op <= 0xA5, f.rm(i, size), f.reg(i, size), count));
            }
            case 0xAE:
                if (!i.hasMemory() && (i.reg() & 7) >= 5) {
                    if (i.hasPrefix(X86Instruction.PREFIX_OPERAND_SIZE | X86Instruction.PREFIX_REP | X86Instruction.PREFIX_REPNE)) {
                        return X86OneByteTranslator.fault(i, X86Fault.of(X86Fault.UD)); // no fence takes a 66/F2/F3 prefix
                    }
                    return X86Translation.next(new X86NopNode(rip, len)); // LFENCE, MFENCE, SFENCE (any ModRM.rm)
                }
                return generalPurposeOrSse(i, f);
            case 0xAF:
                return X86Translation.next(new X86SignedMultiplyNode(rip, len, f.reg(i, size), f.reg(i, size), f.rm(i, size)));
            case 0xB0:
            case 0xB1:
                return X86Translation.next(new X86CompareExchangeNode(rip, len, f.rm(i, size), f.reg(i, size), f.accumulator(size), lock));
            case 0xC0:
            case 0xC1:
                return X86Translation.next(new X86ExchangeAddNode(rip, len, f.rm(i, size), f.reg(i, size), lock));
            case 0xB6:
            case 0xB7:
                return X86Translation.next(new X86MoveExtendNode(rip, len, false, f.reg(i, size), f.rm(i, op == 0xB6 ? 1 : 2)));
            case 0xBE:
            case 0xBF:
                return X86Translation.next(new X86MoveExtendNode(rip, len, true, f.reg(i, size), f.rm(i, op == 0xBE ? 1 : 2)));
            case 0xBC:
            case 0xBD:
                if (i.hasPrefix(X86Instruction.PREFIX_REP)) {
                    int count = op == 0xBC ? X86BitCountNode.TZCNT : X86BitCountNode.LZCNT;
                    return X86Translation.next(new X86BitCountNode(rip, len, count, f.reg(i, size), f.rm(i, size)));
                }
                return X86Translation.next(new X86BitScanNode(rip, len, op == 0xBD, f.reg(i, size), f.rm(i, size)));
            case 0xB8:
                if (i.hasPrefix(X86Instruction.PREFIX_REP)) {
                    return X86Translation.next(
                            new X86BitCountNode(rip, len, X86BitCountNode.POPCNT, f.reg(i, size), f.rm(i, size)));
                }
                return X86OneByteTranslator.fault(i, X86Fault.of(X86Fault.UD));
            default:
                return generalPurposeOrSse(i, f);
        }
    }

    /**
     * MOV to or from CR0, CR2, CR3, CR4, CR8 or DR0-DR7 is privileged (#GP(0) at CPL 3, for the
     * platform to emulate); any other control or debug register is #UD, which the processor
     * checks first. LOCK MOV CR0 is AMD's alternative encoding of CR8; any other LOCK-prefixed
     * move is #UD.
     */
    private static boolean isExistingControlOrDebugRegister(X86Instruction i) {
        boolean lock = i.hasPrefix(X86Instruction.PREFIX_LOCK);
        boolean control = i.opcode() == 0x120 || i.opcode() == 0x122;
        if (!control) {
            return !lock && i.reg() < 8;
        }
        if (lock) {
            return i.reg() == 0; // only LOCK MOV CR0 (= CR8); with REX.R or another CR it is #UD
        }
        int reg = i.reg();
        return reg == 0 || reg == 2 || reg == 3 || reg == 4 || reg == 8;
    }

    /** The rest of the map: general-purpose instructions first, then the SSE and MMX space. */
    private static X86Translation generalPurposeOrSse(X86Instruction i, X86OperandFactory f) {
        X86Translation generalPurpose = X86GeneralPurposeTranslator.twoByte(i, f);
        return generalPurpose != null ? generalPurpose : X86SseTranslator.translate(i, f);
    }
}
