package dev.trufflexen.x86.runtime;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.Truffle;
import com.oracle.truffle.api.frame.FrameDescriptor;
import com.oracle.truffle.api.frame.FrameSlotKind;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.LoopNode;
import com.oracle.truffle.api.nodes.RootNode;

import dev.trufflexen.x86.cpu.X86Cpu;

/**
 * The outer dispatcher: receives the CPU once per {@code X86Cpu.run()} (itself, from the engine
 * calling this root directly, or as a host object through {@code eval("x86", "dispatch")}) and
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
        X86Cpu cpu = arguments[0] instanceof X86Cpu direct ? direct : unwrap(arguments[0]);
        cpu.jumpCache().resetChain();
        frame.setObject(CPU_SLOT, cpu);
        loop.execute(frame);
        return Boolean.TRUE;
    }

    @TruffleBoundary
    private X86Cpu unwrap(Object argument) {
        Object host = X86Context.get(this).env().asHostObject(argument);
        if (host instanceof X86Cpu cpu) {
            return cpu;
        }
        throw new IllegalArgumentException("the dispatcher takes an X86Cpu, not " + host);
    }
}
