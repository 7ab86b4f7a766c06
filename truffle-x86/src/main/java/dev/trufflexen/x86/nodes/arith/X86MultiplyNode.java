package dev.trufflexen.x86.nodes.arith;

import static dev.trufflexen.x86.cpu.X86Reg.RAX;
import static dev.trufflexen.x86.cpu.X86Reg.RDX;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Rflags;
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
        long a = rax & X86Sizes.mask(size);
        boolean significant;
        if (size == 8) {
            long low = a * b;
            long high = signed ? Math.multiplyHigh(a, b) : Math.unsignedMultiplyHigh(a, b);
            setRegister(frame, RAX, low);
            setRegister(frame, RDX, high);
            significant = signed ? high != (low >> 63) : high != 0;
        } else {
            long product = signed ? X86Sizes.signExtend(a, size) * X86Sizes.signExtend(b, size) : a * b;
            int bits = X86Sizes.bits(size);
            if (size == 1) {
                setRegister(frame, RAX, (rax & ~0xFFFFL) | (product & 0xFFFF));
            } else if (size == 2) {
                setRegister(frame, RAX, (rax & ~0xFFFFL) | (product & 0xFFFF));
                setRegister(frame, RDX, (getRegister(frame, RDX) & ~0xFFFFL) | ((product >>> 16) & 0xFFFF));
            } else {
                setRegister(frame, RAX, product & 0xFFFF_FFFFL);
                setRegister(frame, RDX, (product >>> 32) & 0xFFFF_FFFFL);
            }
            significant = signed ? product != X86Sizes.signExtend(product, size) : (product >>> bits) != 0;
        }
        // SF, ZF, AF and PF are undefined: they follow the low half of the product.
        X86FlagState.setLazy(frame, X86FlagState.op(X86FlagState.RESULT, size), (a * b) & X86Sizes.mask(size),
                significant ? X86Rflags.CF | X86Rflags.OF : 0, 0);
    }
}
