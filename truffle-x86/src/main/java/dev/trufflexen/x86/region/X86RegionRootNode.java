package dev.trufflexen.x86.region;

import com.oracle.truffle.api.Assumption;
import com.oracle.truffle.api.CompilerDirectives;
import com.oracle.truffle.api.CompilerDirectives.CompilationFinal;
import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.TruffleSafepoint;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.ExplodeLoop;
import com.oracle.truffle.api.nodes.LoopNode;
import com.oracle.truffle.api.nodes.RootNode;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.nodes.X86FlagState;
import dev.trufflexen.x86.nodes.X86FrameLayout;
import dev.trufflexen.x86.runtime.X86ExitException;
import dev.trufflexen.x86.runtime.X86Language;

/**
 * The root of one translated region: copies the registers it touches from the
 * {@link X86Cpu} into frame slots, runs its blocks, and writes registers, flags and RIP back at
 * the exit. See {@link X86RegionBuilder} for the design.
 */
public final class X86RegionRootNode extends RootNode {
    /** Interpreted back edges after which a region returns to the dispatcher, so a hot loop gets its compiled version. */
    private static final int INTERPRETER_BACK_EDGE_LIMIT = 2048;

    @Children private final X86BlockNode[] blocks;
    @CompilationFinal(dimensions = 1) private final int[] registers;
    private final Assumption codeValid;
    private final boolean tracing;
    private final long entryRip;
    private int interpretedBackEdges;

    X86RegionRootNode(X86Language language, long entryRip, X86BlockNode[] blocks, int[] registers, Assumption codeValid, boolean tracing) {
        super(language, language.regionFrameDescriptor());
        this.entryRip = entryRip;
        this.blocks = blocks;
        this.registers = registers;
        this.codeValid = codeValid;
        this.tracing = tracing;
    }

    @Override
    public String getName() {
        return "x86@" + Long.toHexString(entryRip);
    }

    @Override
    public String toString() {
        return getName();
    }

    @Override
    public Object execute(VirtualFrame frame) {
        X86Cpu cpu = (X86Cpu) frame.getArguments()[0];
        copyIn(frame, cpu);
        try {
            runBlocks(frame, cpu);
            copyOut(frame, cpu);
            cpu.setRip(frame.getLongStatic(X86FrameLayout.NEXT_RIP));
        } catch (X86ExitException exit) {
            copyOut(frame, cpu);
            cpu.setRip(exit.atCurrentInstruction() ? frame.getLongStatic(X86FrameLayout.CURRENT_RIP) : exit.resumeRip());
            if (exit.kind() != X86ExitException.RESUME) {
                callPlatform(cpu, exit);
            }
        }
        return Boolean.TRUE;
    }

    @ExplodeLoop
    private void copyIn(VirtualFrame frame, X86Cpu cpu) {
        for (int reg : registers) {
            frame.setLongStatic(reg, cpu.reg(reg));
        }
        frame.setLongStatic(X86FrameLayout.FLAGS, cpu.rflags());
        frame.setLongStatic(X86FrameLayout.FLAG_OP, X86FlagState.NONE);
        frame.setLongStatic(X86FrameLayout.FLAG_RESULT, 0);
        frame.setLongStatic(X86FrameLayout.FLAG_SRC1, 0);
        frame.setLongStatic(X86FrameLayout.FLAG_SRC2, 0);
        frame.setLongStatic(X86FrameLayout.CURRENT_RIP, entryRip);
        frame.setLongStatic(X86FrameLayout.NEXT_RIP, entryRip);
    }

    @ExplodeLoop
    private void copyOut(VirtualFrame frame, X86Cpu cpu) {
        for (int reg : registers) {
            cpu.setReg(reg, frame.getLongStatic(reg));
        }
        cpu.setRflags(X86FlagState.materialize(frame));
    }

    /**
     * Dispatch among the blocks. {@code index} is a constant in every exploded copy of the loop
     * body, so each block's successor choice compiles to direct control flow; every successor
     * assignment is followed by its own {@code continue} so that each loop end carries a
     * constant.
     */
    @ExplodeLoop(kind = ExplodeLoop.LoopExplosionKind.MERGE_EXPLODE)
    private void runBlocks(VirtualFrame frame, X86Cpu cpu) {
        int index = 0;
        while (true) {
            X86BlockNode block = blocks[index];
            block.executeBody(frame, cpu, codeValid, tracing);
            if (block.kind == X86BlockNode.DYNAMIC) {
                return;
            }
            if (block.kind == X86BlockNode.JUMP || block.conditionHolds(frame)) {
                if (block.targetIndex == X86BlockNode.EXIT) {
                    frame.setLongStatic(X86FrameLayout.NEXT_RIP, block.targetRip);
                    return;
                }
                if (block.targetIndex <= index && backEdgeStops(cpu)) {
                    frame.setLongStatic(X86FrameLayout.NEXT_RIP, block.targetRip);
                    return;
                }
                index = block.targetIndex;
                continue;
            }
            if (block.fallthroughIndex == X86BlockNode.EXIT) {
                frame.setLongStatic(X86FrameLayout.NEXT_RIP, block.fallthroughRip);
                return;
            }
            if (block.fallthroughIndex <= index && backEdgeStops(cpu)) {
                frame.setLongStatic(X86FrameLayout.NEXT_RIP, block.fallthroughRip);
                return;
            }
            index = block.fallthroughIndex;
            continue;
        }
    }

    /** At a back edge: safepoint, loop profiling, and the CPU's exit/attention flag. True means leave the region. */
    private boolean backEdgeStops(X86Cpu cpu) {
        TruffleSafepoint.poll(this);
        if (CompilerDirectives.inInterpreter()) {
            LoopNode.reportLoopCount(this, 1);
            if (++interpretedBackEdges >= INTERPRETER_BACK_EDGE_LIMIT) {
                interpretedBackEdges = 0;
                return true;
            }
        }
        return cpu.stopRequested();
    }

    @TruffleBoundary(transferToInterpreterOnException = false)
    private static void callPlatform(X86Cpu cpu, X86ExitException exit) {
        switch (exit.kind()) {
            case X86ExitException.SYSCALL -> cpu.platform().syscall(cpu);
            case X86ExitException.HALT -> cpu.platform().halt(cpu);
            default -> {
                X86Fault fault = exit.guestFault();
                if (fault.vector() == X86Fault.PF && !fault.isSoftwareInterrupt()) {
                    cpu.setCr2(fault.faultAddress());
                }
                cpu.platform().fault(cpu, fault);
            }
        }
    }
}
