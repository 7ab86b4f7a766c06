package dev.trufflexen.x86.region;

import dev.trufflexen.x86.decoder.X86Instruction;
import dev.trufflexen.x86.nodes.X86AddressNode;
import dev.trufflexen.x86.nodes.sse4.X86XmmSourceNode;

/**
 * Operand helpers of the 0F38/0F3A translator: the ModRM.rm source of an XMM instruction (an
 * XMM register, or memory whose address registers the region must load) and the register
 * numbers of ModRM.reg and ModRM.rm as XMM registers.
 */
final class X86Sse4Operands {
    private X86Sse4Operands() {
    }

    /** ModRM.reg as an XMM register number (REX.R included). */
    static int xmmReg(X86Instruction i) {
        return i.reg();
    }

    /** {@link X86XmmSourceNode#MEMORY} or {@link X86XmmSourceNode#XMM} for ModRM.rm. */
    static int sourceKind(X86Instruction i) {
        return i.hasMemory() ? X86XmmSourceNode.MEMORY : X86XmmSourceNode.XMM;
    }

    /** ModRM.rm as an XMM register number (meaningless for memory operands). */
    static int sourceRegister(X86Instruction i) {
        return i.hasMemory() ? 0 : i.rm();
    }

    /** The memory operand's address node, or null for register operands. */
    static X86AddressNode sourceAddress(X86Instruction i, X86OperandFactory f) {
        return i.hasMemory() ? f.address(i) : null;
    }
}
