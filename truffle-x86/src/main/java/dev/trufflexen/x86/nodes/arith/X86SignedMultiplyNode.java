package dev.trufflexen.x86.nodes.arith;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.nodes.X86FlagState;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.nodes.X86OperandNode;
import dev.trufflexen.x86.nodes.X86Sizes;

/**
 * Two- and three-operand IMUL: destination = truncate(left * right); CF = OF = truncation lost bits,
 * derived lazily from the product ({@link X86FlagState#SIGNED_PRODUCT}).
 */
public final class X86SignedMultiplyNode extends X86InstructionNode {
    private final int size;
    @Child private X86OperandNode destination;
    @Child private X86OperandNode left;
    @Child private X86OperandNode right;

    public X86SignedMultiplyNode(long rip, int length, X86OperandNode destination, X86OperandNode left, X86OperandNode right) {
        super(rip, length);
        this.size = destination.size();
        this.destination = destination;
        this.left = left;
        this.right = right;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long a = X86Sizes.signExtend(left.read(frame, cpu), size);
        long b = X86Sizes.signExtend(right.read(frame, cpu), size);
        long result = X86Sizes.truncate(a * b, size);
        destination.write(frame, cpu, result);
        X86FlagState.setSignedProduct(frame, size, result, a, b);
    }
}
