package dev.trufflexen.x86.region;

import static dev.trufflexen.x86.cpu.X86Reg.RAX;
import static dev.trufflexen.x86.cpu.X86Reg.RBP;
import static dev.trufflexen.x86.cpu.X86Reg.RBX;
import static dev.trufflexen.x86.cpu.X86Reg.RCX;
import static dev.trufflexen.x86.cpu.X86Reg.RDX;
import static dev.trufflexen.x86.cpu.X86Reg.RSP;

import dev.trufflexen.x86.decoder.X86Instruction;
import dev.trufflexen.x86.nodes.X86AddressNode;
import dev.trufflexen.x86.nodes.arith.X86CompareExchangeDoubleNode;
import dev.trufflexen.x86.nodes.control.X86CountBranch;
import dev.trufflexen.x86.nodes.control.X86CpuidNode;
import dev.trufflexen.x86.nodes.control.X86ReadTimeStampNode;
import dev.trufflexen.x86.nodes.data.X86CacheLineNode;
import dev.trufflexen.x86.nodes.data.X86EnterNode;
import dev.trufflexen.x86.nodes.data.X86MoveNode;
import dev.trufflexen.x86.nodes.data.X86TranslateByteNode;

/**
 * The less common general-purpose instructions of both opcode maps, which the main translators
 * hand over for every opcode they do not translate themselves: LOOPcc/JRCXZ, XLAT, ENTER,
 * CMPXCHG8B/16B, MOVNTI, CLFLUSH/CLFLUSHOPT/CLWB, CPUID, RDTSCP. Returns null for what remains untranslated (#UD).
 */
final class X86GeneralPurposeTranslator {
    private X86GeneralPurposeTranslator() {
    }

    static X86Translation oneByte(X86Instruction i, X86OperandFactory f) {
        int op = i.opcode();
        long rip = i.rip();
        int len = i.length();
        switch (op) {
            case 0xE0, 0xE1, 0xE2, 0xE3: {
                f.touch(RCX);
                boolean count32 = i.addressSize() == 4;
                return X86Translation.branch(X86CountBranch.node(rip, len, op, count32), X86CountBranch.condition(op, count32),
                        i.branchTarget());
            }
            case 0xD7: {
                f.touch(RAX);
                X86AddressNode table = new X86AddressNode(f.touch(RBX), X86AddressNode.NO_REGISTER, 0, 0, i.segment(), i.addressSize() == 4);
                return X86Translation.next(new X86TranslateByteNode(rip, len, table));
            }
            case 0xC8:
                f.touch(RSP, RBP);
                return X86Translation.next(new X86EnterNode(rip, len, i.operandSize() == 2 ? 2 : 8, (int) i.immediate(), (int) i.immediate2()));
            default:
                return null;
        }
    }

    /** RDTSCP: 0F 01 F9 (ModRM mod 3, reg 7, rm 1), without a 66/F2/F3 prefix. */
    static boolean isReadTimeStampAndProcessorId(X86Instruction i) {
        return i.opcode() == 0x101 && !i.hasMemory() && (i.reg() & 7) == 7 && (i.rm() & 7) == 1
                && !i.hasPrefix(X86Instruction.PREFIX_OPERAND_SIZE | X86Instruction.PREFIX_REP | X86Instruction.PREFIX_REPNE);
    }

    static X86Translation twoByte(X86Instruction i, X86OperandFactory f) {
        int op = i.opcode() & 0xFF;
        boolean noMandatoryPrefix = !i.hasPrefix(X86Instruction.PREFIX_OPERAND_SIZE | X86Instruction.PREFIX_REP | X86Instruction.PREFIX_REPNE);
        boolean onlyOperandSizePrefix = !i.hasPrefix(X86Instruction.PREFIX_REP | X86Instruction.PREFIX_REPNE);
        if (op == 0xC3 && i.hasMemory() && noMandatoryPrefix) { // MOVNTI m32/m64, r
            return X86Translation.next(new X86MoveNode(i.rip(), i.length(), f.rm(i, i.operandSize()), f.reg(i, i.operandSize())));
        }
        if (op == 0xAE && i.hasMemory() && onlyOperandSizePrefix
                && ((i.reg() & 7) == 7 || (i.reg() & 7) == 6 && i.hasPrefix(X86Instruction.PREFIX_OPERAND_SIZE))) {
            return X86Translation.next(new X86CacheLineNode(i.rip(), i.length(), f.address(i))); // CLFLUSH(OPT), CLWB
        }
        if (op == 0xA2) {
            f.touch(RAX, RBX, RCX, RDX);
            return X86Translation.next(new X86CpuidNode(i.rip(), i.length()));
        }
        if (op == 0x01 && isReadTimeStampAndProcessorId(i)) {
            f.touch(RAX, RCX, RDX);
            return X86Translation.next(new X86ReadTimeStampNode(i.rip(), i.length(), true));
        }
        if (op == 0xC7 && (i.reg() & 7) == 1 && i.hasMemory()) {
            f.touch(RAX, RBX, RCX, RDX);
            return X86Translation.next(new X86CompareExchangeDoubleNode(i.rip(), i.length(), f.address(i), i.rexW(),
                    i.hasPrefix(X86Instruction.PREFIX_LOCK)));
        }
        return null;
    }
}
