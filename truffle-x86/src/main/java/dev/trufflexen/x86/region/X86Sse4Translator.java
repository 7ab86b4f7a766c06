package dev.trufflexen.x86.region;

import static dev.trufflexen.x86.nodes.sse4.X86PackedIntegerOps.*;

import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.decoder.X86Instruction;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.nodes.X86OperandNode;
import dev.trufflexen.x86.nodes.sse4.X86Crc32Node;
import dev.trufflexen.x86.nodes.sse4.X86DotProductNode;
import dev.trufflexen.x86.nodes.sse4.X86ExtractNode;
import dev.trufflexen.x86.nodes.sse4.X86MoveBigEndianNode;
import dev.trufflexen.x86.nodes.sse4.X86PackedOperationNode;
import dev.trufflexen.x86.nodes.sse4.X86PackedTestNode;
import dev.trufflexen.x86.nodes.sse4.X86RoundNode;
import dev.trufflexen.x86.nodes.sse4.X86StringCompareNode;
import dev.trufflexen.x86.nodes.sse4.X86XmmSourceNode;

/**
 * Turns instructions of the 0F38 and 0F3A maps into nodes: SSSE3, SSE4.1 and SSE4.2 (all with
 * the 66 mandatory prefix), CRC32 (F2 0F 38 F0/F1) and MOVBE (0F 38 F0/F1, memory forms); the
 * MMX forms of SSSE3 (no 66 prefix) go to {@link X86MmxTranslator}. Returns null, which the
 * region builder turns into #UD, for F2/F3 with an SSE opcode and the other extensions of these
 * maps (AES-NI, SHA, PCLMULQDQ, ADX).
 */
final class X86Sse4Translator {
    private X86Sse4Translator() {
    }

    static X86Translation translate(X86Instruction i, X86OperandFactory f) {
        int op = i.opcode() & 0xFF;
        boolean threeByteImmediate = i.opcode() >> 8 == 3;
        if (!threeByteImmediate && (op == 0xF0 || op == 0xF1)) {
            return crc32OrMoveBigEndian(i, f, op);
        }
        if (i.hasPrefix(X86Instruction.PREFIX_REP) || i.hasPrefix(X86Instruction.PREFIX_REPNE)) {
            return null;
        }
        if (!i.hasPrefix(X86Instruction.PREFIX_OPERAND_SIZE)) {
            X86InstructionNode mmx = X86MmxTranslator.ssse3(i, f, threeByteImmediate, op);
            return mmx == null ? null : X86Translation.next(mmx);
        }
        if (!threeByteImmediate && op == 0x82 && i.hasMemory()) {
            // INVPCID: privileged, #GP(0) at CPL 3 for the platform to emulate (its register form is #UD).
            return X86OneByteTranslator.fault(i, X86Fault.withErrorCode(X86Fault.GP, 0));
        }
        X86InstructionNode node = threeByteImmediate ? withImmediate(i, f, op) : withoutImmediate(i, f, op);
        return node == null ? null : X86Translation.next(node);
    }

    private static X86Translation crc32OrMoveBigEndian(X86Instruction i, X86OperandFactory f, int op) {
        boolean operandSize = i.hasPrefix(X86Instruction.PREFIX_OPERAND_SIZE);
        if (i.hasPrefix(X86Instruction.PREFIX_REPNE)) {
            int sourceSize = op == 0xF0 ? 1 : (i.rexW() ? 8 : operandSize ? 2 : 4);
            X86OperandNode destination = f.reg(i, i.rexW() ? 8 : 4);
            return X86Translation.next(new X86Crc32Node(i.rip(), i.length(), destination, f.rm(i, sourceSize)));
        }
        if (i.hasPrefix(X86Instruction.PREFIX_REP) || !i.hasMemory()) {
            return null;
        }
        int size = i.operandSize();
        X86InstructionNode node = op == 0xF0
                ? new X86MoveBigEndianNode(i.rip(), i.length(), f.reg(i, size), f.rm(i, size))
                : new X86MoveBigEndianNode(i.rip(), i.length(), f.rm(i, size), f.reg(i, size));
        return X86Translation.next(node);
    }

    /** The 0F38 map with 66: SSSE3 and SSE4.1/4.2 without an immediate. */
    private static X86InstructionNode withoutImmediate(X86Instruction i, X86OperandFactory f, int op) {
        int operation;
        int bytes = 16;
        switch (op) {
            case 0x00 -> operation = PSHUFB;
            case 0x01 -> operation = PHADDW;
            case 0x02 -> operation = PHADDD;
            case 0x03 -> operation = PHADDSW;
            case 0x04 -> operation = PMADDUBSW;
            case 0x05 -> operation = PHSUBW;
            case 0x06 -> operation = PHSUBD;
            case 0x07 -> operation = PHSUBSW;
            case 0x08 -> operation = PSIGNB;
            case 0x09 -> operation = PSIGNW;
            case 0x0A -> operation = PSIGND;
            case 0x0B -> operation = PMULHRSW;
            case 0x10 -> operation = PBLENDVB;
            case 0x14 -> operation = BLENDVPS;
            case 0x15 -> operation = BLENDVPD;
            case 0x17 -> {
                return new X86PackedTestNode(i.rip(), i.length(), i.reg(), sourceKind(i),
                        sourceRegister(i), X86SseTranslator.memory(i, f));
            }
            case 0x1C -> operation = PABSB;
            case 0x1D -> operation = PABSW;
            case 0x1E -> operation = PABSD;
            case 0x20, 0x21, 0x22, 0x23, 0x24, 0x25 -> {
                operation = PMOVSXBW + (op - 0x20);
                bytes = extendSourceBytes(op);
            }
            case 0x30, 0x31, 0x32, 0x33, 0x34, 0x35 -> {
                operation = PMOVZXBW + (op - 0x30);
                bytes = extendSourceBytes(op);
            }
            case 0x28 -> operation = PMULDQ;
            case 0x29 -> operation = PCMPEQQ;
            case 0x2A -> {
                if (!i.hasMemory()) {
                    return null;
                }
                return packed(i, f, LOAD, 16, true, 0);
            }
            case 0x2B -> operation = PACKUSDW;
            case 0x37 -> operation = PCMPGTQ;
            case 0x38 -> operation = PMINSB;
            case 0x39 -> operation = PMINSD;
            case 0x3A -> operation = PMINUW;
            case 0x3B -> operation = PMINUD;
            case 0x3C -> operation = PMAXSB;
            case 0x3D -> operation = PMAXSD;
            case 0x3E -> operation = PMAXUW;
            case 0x3F -> operation = PMAXUD;
            case 0x40 -> operation = PMULLD;
            case 0x41 -> operation = PHMINPOSUW;
            default -> {
                return null;
            }
        }
        return packed(i, f, operation, bytes, false, 0);
    }

    private static int extendSourceBytes(int op) {
        return switch (op & 0xF) {
            case 0, 3, 5 -> 8;
            case 1, 4 -> 4;
            default -> 2;
        };
    }

    /** The 0F3A map with 66: instructions with an 8-bit immediate. */
    private static X86InstructionNode withImmediate(X86Instruction i, X86OperandFactory f, int op) {
        int imm = (int) i.immediate() & 0xFF;
        switch (op) {
            case 0x08, 0x09, 0x0A, 0x0B:
                return new X86RoundNode(i.rip(), i.length(), op - 0x08, i.reg(), sourceKind(i),
                        sourceRegister(i), X86SseTranslator.memory(i, f), imm);
            case 0x0C:
                return packed(i, f, BLENDPS, 16, false, imm);
            case 0x0D:
                return packed(i, f, BLENDPD, 16, false, imm);
            case 0x0E:
                return packed(i, f, PBLENDW, 16, false, imm);
            case 0x0F:
                return packed(i, f, PALIGNR, 16, false, imm);
            case 0x14:
                return extract(i, f, 8, imm & 15);
            case 0x15:
                return extract(i, f, 16, imm & 7);
            case 0x16:
                return i.rexW() ? extract(i, f, 64, imm & 1) : extract(i, f, 32, imm & 3);
            case 0x17:
                return extract(i, f, 32, imm & 3);
            case 0x20:
                return insert(i, f, PINSRB, 1, imm);
            case 0x21:
                return packed(i, f, INSERTPS, 4, false, i.hasMemory() ? imm & 0x3F : imm);
            case 0x22:
                return i.rexW() ? insert(i, f, PINSRQ, 8, imm) : insert(i, f, PINSRD, 4, imm);
            case 0x40, 0x41:
                return new X86DotProductNode(i.rip(), i.length(), op == 0x41, i.reg(), sourceKind(i),
                        sourceRegister(i), X86SseTranslator.memory(i, f), imm);
            case 0x42:
                return packed(i, f, MPSADBW, 16, false, imm);
            case 0x60, 0x61, 0x62, 0x63: {
                boolean explicit = op <= 0x61;
                boolean index = (op & 1) != 0;
                if (explicit) {
                    f.touch(X86Reg.RAX, X86Reg.RDX);
                }
                if (index) {
                    f.touch(X86Reg.RCX);
                }
                return new X86StringCompareNode(i.rip(), i.length(), i.reg(), sourceKind(i),
                        sourceRegister(i), X86SseTranslator.memory(i, f), imm, explicit, index, i.rexW());
            }
            default:
                return null;
        }
    }

    private static X86InstructionNode packed(X86Instruction i, X86OperandFactory f, int operation, int memoryBytes, boolean aligned,
            int imm) {
        return new X86PackedOperationNode(i.rip(), i.length(), operation, i.reg(), sourceKind(i),
                sourceRegister(i), X86SseTranslator.memory(i, f), memoryBytes, aligned || memoryBytes == 16, imm);
    }

    /** PINSRB/PINSRD/PINSRQ: the source is a general register or memory of {@code bytes}. */
    private static X86InstructionNode insert(X86Instruction i, X86OperandFactory f, int operation, int bytes, int imm) {
        if (i.hasMemory()) {
            return packed(i, f, operation, bytes, false, imm);
        }
        return new X86PackedOperationNode(i.rip(), i.length(), operation, i.reg(), X86XmmSourceNode.GENERAL,
                f.touch(i.rm()), null, bytes, false, imm);
    }

    /** PEXTRx/EXTRACTPS: memory of the element's size, or a general register (zero-extended, 64 bits with REX.W). */
    private static X86InstructionNode extract(X86Instruction i, X86OperandFactory f, int bits, int element) {
        X86OperandNode destination;
        if (i.hasMemory()) {
            destination = f.rm(i, bits / 8);
        } else {
            destination = f.register(i.rm(), bits == 64 || i.rexW() ? 8 : 4, true);
        }
        return new X86ExtractNode(i.rip(), i.length(), i.reg(), bits, element, destination);
    }

    /** {@link X86XmmSourceNode#MEMORY} or {@link X86XmmSourceNode#XMM} for ModRM.rm. */
    private static int sourceKind(X86Instruction i) {
        return i.hasMemory() ? X86XmmSourceNode.MEMORY : X86XmmSourceNode.XMM;
    }

    /** ModRM.rm as an XMM register number (meaningless for memory operands). */
    private static int sourceRegister(X86Instruction i) {
        return i.hasMemory() ? 0 : i.rm();
    }
}
