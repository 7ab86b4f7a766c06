package dev.trufflexen.x86.nodes.arith;

import static dev.trufflexen.x86.cpu.X86Reg.RAX;
import static dev.trufflexen.x86.cpu.X86Reg.RDX;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.nodes.X86FlagState;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.nodes.X86OperandNode;
import dev.trufflexen.x86.nodes.X86Sizes;

/**
 * One-operand MUL and IMUL: rDX:rAX (AX for bytes) = rAX * source. CF and OF say whether the
 * upper half is significant; SF, ZF, AF, PF are undefined and left unchanged.
 */
public final class X86MultiplyNode extends X86InstructionNode {
    private final boolean signed;
    private final int size;
    @Child private X86OperandNode source;

    public X86MultiplyNode(long rip, int length, boolean signed, X86OperandNode source) {
        super(rip, length);
        this.signed = signed;
        this.size = source.size();
        this.source = source;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long b = source.read(frame, cpu);
        long rax = getRegister(frame, RAX);
        long a = X86Sizes.truncate(rax, size);
        if (size == 8) {
            setRegister(frame, RAX, a * b);
            setRegister(frame, RDX, signed ? Math.multiplyHigh(a, b) : Math.unsignedMultiplyHigh(a, b));
        } else {
            long product = signed ? X86Sizes.signExtend(a, size) * X86Sizes.signExtend(b, size) : a * b;
            if (size == 1) {
                setRegister(frame, RAX, (rax & ~0xFFFFL) | (product & 0xFFFF));
            } else if (size == 2) {
                setRegister(frame, RAX, (rax & ~0xFFFFL) | (product & 0xFFFF));
                setRegister(frame, RDX, (getRegister(frame, RDX) & ~0xFFFFL) | ((product >>> 16) & 0xFFFF));
            } else {
                setRegister(frame, RAX, X86Sizes.truncate(product, 4));
                setRegister(frame, RDX, product >>> 32);
            }
        }
        // CF = OF = the upper half is significant, derived only when read (from the factors, or
        // for a narrow signed multiply from its whole product); SF, ZF, AF and PF are undefined:
        // they follow the low half of the product.
        long low = X86Sizes.truncate(a * b, size);
        if (signed) {
            X86FlagState.setSignedProduct(frame, size, low, X86Sizes.signExtend(a, size), X86Sizes.signExtend(b, size));
        } else {
            X86FlagState.setLazy(frame, X86FlagState.op(X86FlagState.UNSIGNED_PRODUCT, size), low, a, X86Sizes.truncate(b, size));
        }
    }
}
