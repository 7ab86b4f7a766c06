package dev.trufflexen.x86.runtime;

import com.oracle.truffle.api.Truffle;
import com.oracle.truffle.api.frame.FrameDescriptor;
import com.oracle.truffle.api.frame.FrameSlotKind;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.LoopNode;
import com.oracle.truffle.api.nodes.RootNode;

import dev.trufflexen.x86.cpu.X86Cpu;

/**
 * The outer dispatcher: receives the CPU once per {@code X86Cpu.run()} (the engine calls this
 * root directly with the CPU's argument array) and
 * loops (an OSR-capable {@link LoopNode}) over region lookups and calls until an exit is
 * requested.
 */
final class X86DispatchRootNode extends RootNode {
    static final int CPU_SLOT = 0;

    @Child private LoopNode loop;

    X86DispatchRootNode(X86Language language) {
        super(language, dispatchFrame());
        this.loop = Truffle.getRuntime().createLoopNode(new X86DispatchLoopNode(language));
    }

    private static FrameDescriptor dispatchFrame() {
        FrameDescriptor.Builder builder = FrameDescriptor.newBuilder(1);
        builder.addSlot(FrameSlotKind.Object, "cpu", null);
        return builder.build();
    }

    @Override
    public String getName() {
        return "x86-dispatch";
    }

    @Override
    public Object execute(VirtualFrame frame) {
        Object[] arguments = frame.getArguments();
        if (arguments.length != 1) {
            throw new IllegalArgumentException("the dispatcher takes one X86Cpu");
        }
        X86Cpu cpu = (X86Cpu) arguments[0];
        cpu.jumpCache().resetChain();
        frame.setObject(CPU_SLOT, cpu);
        loop.execute(frame);
        return Boolean.TRUE;
    }
}
