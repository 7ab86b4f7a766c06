package dev.trufflexen.x86.runtime;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.IndirectCallNode;
import com.oracle.truffle.api.nodes.Node;
import com.oracle.truffle.api.nodes.RepeatingNode;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.region.X86RegionRootNode;

/**
 * One dispatcher step: service pending requests (attention, exit), look up the region for the
 * CPU's RIP (inline in the CPU's {@link X86JumpCache}, else in the code cache behind a boundary),
 * call it. The region leaves the next RIP in the CPU.
 */
final class X86DispatchLoopNode extends Node implements RepeatingNode {
    private final X86Language language;
    @Child private IndirectCallNode callNode = IndirectCallNode.create();

    X86DispatchLoopNode(X86Language language) {
        this.language = language;
    }

    @Override
    public boolean executeRepeating(VirtualFrame frame) {
        X86Cpu cpu = (X86Cpu) frame.getObject(X86DispatchRootNode.CPU_SLOT);
        if (cpu.stopRequested()) {
            if (serviceRequests(cpu)) {
                return false;
            }
            if (cpu.stepping()) {
                X86SingleStep.step(language, cpu);
                return true;
            }
        }
        X86Region region = cpu.jumpCache().lookup(cpu);
        if (region == null) {
            region = lookup(language, cpu);
        }
        if (region != null) {
            X86RegionRootNode root = region.root;
            if (root != null && root.cold()) {
                root.runUncounted(cpu.regionArguments()); // not counted: see X86RegionHeat
            } else {
                callNode.call(region.callTarget, cpu.regionArguments()); // the CPU's own array: no allocation per call
            }
        }
        return true;
    }

    /** Calls the platform's attention hook if requested; true when the CPU should stop running. */
    @TruffleBoundary
    private static boolean serviceRequests(X86Cpu cpu) {
        if (cpu.attentionRequested() && !cpu.exitRequested()) {
            cpu.platform().attention(cpu);
        }
        return cpu.exitRequested();
    }

    /** The slow path behind the CPU's {@link X86JumpCache}: the shared code cache (which refills the jump cache). */
    @TruffleBoundary
    private static X86Region lookup(X86Language language, X86Cpu cpu) {
        return cpu.codeCache().regionFor(language, cpu);
    }
}
