package dev.trufflexen.x86.nodes.data;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.mmu.X86GuestMemory;
import dev.trufflexen.x86.mmu.X86SplitLock;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.nodes.X86OperandNode;

/** XCHG; with a memory operand it is atomic (implicitly locked), as on hardware. */
public final class X86ExchangeNode extends X86InstructionNode {
    @Child private X86OperandNode first;
    @Child private X86OperandNode second;

    public X86ExchangeNode(long rip, int length, X86OperandNode first, X86OperandNode second) {
        super(rip, length);
        this.first = first;
        this.second = second;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long b = second.read(frame, cpu);
        if (first.isMemory()) {
            int size = first.size();
            long address = first.address().execute(frame, cpu);
            long host = cpu.mmu().lockedHostAddress(address, size);
            long old;
            if (host != 0) {
                do {
                    old = X86GuestMemory.loadHost(host, size);
                } while (!X86GuestMemory.casHost(host, size, old, b));
            } else {
                old = X86SplitLock.update(cpu, address, size, unused -> b);
            }
            second.write(frame, cpu, old);
        } else {
            long a = first.readForWrite(frame, cpu);
            first.writeBack(frame, cpu, b);
            second.write(frame, cpu, a);
        }
    }
}
