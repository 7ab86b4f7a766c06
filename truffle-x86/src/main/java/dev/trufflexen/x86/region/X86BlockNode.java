package dev.trufflexen.x86.region;

import java.util.Arrays;
import java.util.stream.IntStream;

import com.oracle.truffle.api.Assumption;
import com.oracle.truffle.api.CompilerDirectives.CompilationFinal;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.ExplodeLoop;
import com.oracle.truffle.api.nodes.Node;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.nodes.X86FlagState;
import dev.trufflexen.x86.nodes.X86FrameLayout;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.nodes.control.X86CountBranch;
import dev.trufflexen.x86.runtime.X86Counters;

/**
 * A basic block of a region: straight-line instruction nodes and how control leaves the block.
 * The successor decision itself is made by {@link X86RegionRootNode}, whose exploded dispatch
 * loop needs the successor indices as constants in its own body.
 */
final class X86BlockNode extends Node {
    /** Always continue at {@link #targetIndex} (or exit to {@link #targetRip}). */
    static final int JUMP = 0;
    /** Jcc: target if the condition holds, else fall through. */
    static final int CONDITIONAL = 1;
    /** The last node stored the next RIP, or always throws: the region exits. */
    static final int DYNAMIC = 2;
    /** A successor index meaning "outside this region". */
    static final int EXIT = -1;

    @Children private final X86InstructionNode[] instructions;
    final int kind;
    final int conditionCode;
    final int targetIndex;
    final long targetRip;
    final int fallthroughIndex;
    final long fallthroughRip;
    final long startRip;
    /**
     * For a block ending with RET or a jump through a table: the region's blocks its target may
     * be (return addresses of direct calls, the table's entries), tried in {@link #tryOrder}
     * before exiting.
     */
    @CompilationFinal(dimensions = 1) final int[] dynamicTargets;
    /** The block ends with RET: it ends a chained call when it pops the address the region was called for. */
    final boolean returns;
    /**
     * For a block ending with a CALL that leaves the region (a direct one past the caps, or an
     * indirect one): the call run as a host call of the callee's region, or null.
     */
    @Child X86ChainedCall chain;
    /** With {@link #chain}: the block of the call's return address, where the caller continues. */
    final int returnIndex;
    /** How often the Jcc of a CONDITIONAL block was taken, for Graal's block layout. */
    private final X86BranchProfile branch = new X86BranchProfile();
    /** For a DYNAMIC block: how often each candidate matched when tried; see {@link X86BranchProfile}. */
    @CompilationFinal(dimensions = 1) private final X86BranchProfile[] dynamicMatches;
    /**
     * For a DYNAMIC block: the order in which its candidates are tried (indexes into
     * {@link #dynamicTargets}), most matched first as of the region's last compilation
     * ({@link #orderCandidatesByMatches}). Replaced whole, never changed in place.
     */
    @CompilationFinal(dimensions = 1) int[] tryOrder;
    /** Whether compilations try a DYNAMIC block's candidates most matched first; off with {@code -Dtrufflexen.orderDynamicTargets=false}. */
    private static final boolean ORDER_BY_MATCHES = !"false".equals(System.getProperty("trufflexen.orderDynamicTargets"));

    /** How many guest instructions the block holds (a measure of what compiling it costs). */
    int instructionCount() {
        return instructions.length;
    }

    X86BlockNode(long startRip, X86InstructionNode[] instructions, int kind, int conditionCode, int targetIndex, long targetRip,
            int fallthroughIndex, long fallthroughRip, int[] dynamicTargets, boolean returns, X86ChainedCall chain, int returnIndex) {
        this.dynamicTargets = dynamicTargets;
        this.returns = returns;
        this.chain = chain;
        this.returnIndex = returnIndex;
        this.tryOrder = IntStream.range(0, dynamicTargets.length).toArray();
        this.dynamicMatches = new X86BranchProfile[dynamicTargets.length];
        for (int k = 0; k < dynamicMatches.length; k++) {
            dynamicMatches[k] = new X86BranchProfile();
        }
        this.startRip = startRip;
        this.instructions = instructions;
        this.kind = kind;
        this.conditionCode = conditionCode;
        this.targetIndex = targetIndex;
        this.targetRip = targetRip;
        this.fallthroughIndex = fallthroughIndex;
        this.fallthroughRip = fallthroughRip;
    }

    /**
     * Runs the instructions. Before each one: note its RIP (where a fault leaves RIP), trace it,
     * and check that no write has modified this region's code meanwhile (the check folds away
     * in compiled code, which is deoptimized instead when the assumption is invalidated).
     */
    @ExplodeLoop
    void executeBody(VirtualFrame frame, X86Cpu cpu, Assumption codeValid, boolean tracing) {
        if (X86Counters.ENABLED) {
            X86Counters.add(X86Counters.Event.INSTRUCTIONS, instructions.length);
        }
        for (X86InstructionNode instruction : instructions) {
            if (!codeValid.isValid()) {
                throw cpu.exit().resume(instruction.rip());
            }
            frame.setLongStatic(X86FrameLayout.CURRENT_RIP, instruction.rip());
            if (tracing) {
                cpu.traceInstruction(instruction.rip());
            }
            instruction.execute(frame, cpu);
        }
    }

    /** Whether the Jcc at the end of this CONDITIONAL block jumps, with its profile attached. */
    boolean takesBranch(VirtualFrame frame) {
        return branch.profile(conditionHolds(frame));
    }

    /**
     * Before a compilation of the region: the candidates of a RET or table jump tried most
     * matched first, so a RET that returns to one call site nearly always compiles to one
     * compare before its target instead of a compare for every return address of the region
     * ahead of it (a recursive function inlined into its caller's region has one per call site).
     * Runs outside compiled code; the interpreter may be iterating the old order meanwhile,
     * which stays valid.
     */
    void orderCandidatesByMatches() {
        if (!ORDER_BY_MATCHES || tryOrder.length < 2) {
            return;
        }
        int[] sorted = IntStream.range(0, tryOrder.length).boxed()
                .sorted((a, b) -> Integer.compare(dynamicMatches[b].taken(), dynamicMatches[a].taken()))
                .mapToInt(Integer::intValue).toArray();
        if (!Arrays.equals(sorted, tryOrder)) {
            tryOrder = sorted;
        }
    }

    /** Whether {@code nextRip} is the start of the {@code k}-th dynamic candidate, with its profile attached. */
    boolean dynamicTargetMatches(int k, long nextRip, long candidateRip) {
        return dynamicMatches[k].profile(nextRip == candidateRip);
    }

    private boolean conditionHolds(VirtualFrame frame) {
        if (conditionCode >= X86CountBranch.FIRST_CONDITION) {
            return X86CountBranch.holds(frame, conditionCode); // LOOPcc, JRCXZ
        }
        return X86FlagState.condition(frame, conditionCode);
    }
}
