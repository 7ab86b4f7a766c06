package dev.trufflexen.x86.region;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;

import com.oracle.truffle.api.Assumption;
import com.oracle.truffle.api.CallTarget;
import com.oracle.truffle.api.CompilerAsserts;
import com.oracle.truffle.api.CompilerDirectives;
import com.oracle.truffle.api.CompilerDirectives.CompilationFinal;
import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.RootCallTarget;
import com.oracle.truffle.api.Truffle;
import com.oracle.truffle.api.TruffleSafepoint;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.BytecodeOSRNode;
import com.oracle.truffle.api.nodes.ExplodeLoop;
import com.oracle.truffle.api.nodes.LoopNode;
import com.oracle.truffle.api.nodes.RootNode;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.nodes.X86FlagState;
import dev.trufflexen.x86.nodes.X86FrameLayout;
import dev.trufflexen.x86.nodes.X86FrameRegisters;
import dev.trufflexen.x86.nodes.X86Likelihood;
import dev.trufflexen.x86.nodes.X86MemorySite;
import dev.trufflexen.x86.nodes.sse.X86XmmFrame;
import dev.trufflexen.x86.runtime.X86Counters;
import dev.trufflexen.x86.runtime.X86ExitException;
import dev.trufflexen.x86.runtime.X86Language;

/**
 * The root of one translated region: copies the registers it touches from the
 * {@link X86Cpu} into frame slots, runs its blocks, and writes registers, flags and RIP back at
 * the exit. See {@link X86RegionBuilder} for the design.
 *
 * <p><b>On-stack replacement.</b> The root is a {@link BytecodeOSRNode} whose "bytecode index"
 * is the block index: an interpreted back edge counts towards OSR, and once hot the loop
 * continues, from the back edge's target block, in a compilation of this region specialized to
 * start there (the same {@code MERGE_EXPLODE} dispatch, with a constant start index). A hot loop
 * inside one region therefore never has to return to the dispatcher to pick up compiled code.
 * A guest exit inside it travels back as the {@link X86ExitException} it produced, rethrown once
 * the interpreter frame holds the OSR frame's final state.
 *
 * <p><b>An OSR compilation holds only its loop.</b> It runs the blocks of a loop around its
 * target block (chained calls' returns and in-region RET and table targets are edges too; which
 * loop of a nest: {@link X86RegionLoops}) and hands the first block outside the loop back to
 * the interpreter, which continues there and, at the loop's next back edge, goes straight back
 * into the OSR compilation if it last ran to its end compiled. A hot loop that the region
 * builder put inside a large region (a direct call to a function whose loop makes chained
 * calls joins its caller's region) is then compiled as the few blocks it spans, not as the
 * whole region, which may be hundreds of instructions and take seconds to compile. In a region
 * bigger than an OSR compilation may be, back edges count only towards OSR, not towards
 * compiling the whole region: it compiles whole when it is entered often, so a big region
 * entered once per benchmark round whose loop runs millions of times compiles its loop and
 * nothing else.
 *
 * <p><b>Cold regions are not counted.</b> Until the interpreter has run enough of a region's
 * instructions in a short time ({@link X86RegionHeat}), the dispatcher and cold callers run it
 * through {@link #runUncounted}, not its call target: Truffle sees no call, so code that runs
 * a few times a second is never queued for compilation. Its back edges still count towards OSR.
 */
public final class X86RegionRootNode extends RootNode implements BytecodeOSRNode {
    @Children private final X86BlockNode[] blocks;
    @CompilationFinal(dimensions = 1) private final int[] registers;
    /** Blocks some edge goes back to (from a block with the same or a higher index): {@link #edgeTo}. */
    @CompilationFinal(dimensions = 1) private final boolean[] loopHeaders;
    /** The XMM registers kept in frame slots ({@link X86XmmFrame}), or null when they stay on the heap. */
    @CompilationFinal(dimensions = 1) private final int[] xmmRegisters;
    /** Where XMM0 starts in the frame: the last {@link X86XmmFrame#SLOTS} slots. */
    private final int xmmSlot;
    private final Assumption codeValid;
    private final boolean tracing;
    private final long entryRip;
    @CompilationFinal private Object osrMetadata;
    /** Per OSR target block: the blocks of its loop, or null (see {@link #loopOf}). */
    @CompilationFinal(dimensions = 2) private final boolean[][] loops;
    /**
     * Per block: the OSR target whose compilation runs its loop, the block itself unless an
     * earlier target's loop is the same blocks ({@link #loopOf}; interpreter only). Indexes
     * {@link #osrRan} and {@link #osrRanCompiled}.
     */
    private final int[] osrKey;
    /**
     * Per OSR compilation (by its key block): the blocks it can start at, the OSR targets of its
     * loop, or null before its loop is known ({@link #loopOf}).
     */
    @CompilationFinal(dimensions = 2) private final int[][] osrEntries;
    /** The blocks an OSR compilation may start at besides its target ({@link X86RegionLoops#returnEntries}), computed on the first request. */
    private boolean[] returnEntries;
    /**
     * Whether back-edge targets whose loop is the same blocks share one OSR compilation; off with
     * {@code -Dtrufflexen.oneOsrPerLoop=false} (one compilation per target, each starting at its
     * own block).
     */
    static final boolean ONE_OSR_PER_LOOP = !"false".equals(System.getProperty("trufflexen.oneOsrPerLoop"));
    /**
     * Whether an OSR compilation can start at the return blocks of its loop as well as at its
     * target ({@link X86RegionLoops#returnEntries}); off with {@code -Dtrufflexen.osrReturnEntries=false}
     * (a return block then waits for the key's block like any other target).
     */
    static final boolean RETURN_ENTRIES = !"false".equals(System.getProperty("trufflexen.osrReturnEntries"));
    /**
     * Per OSR target block: the interpreter goes on to its key's block ({@link #osrKey}) to enter
     * their loop's OSR compilation there ({@link #waitForKey}; interpreter only).
     */
    private final boolean[] waitsForKey;
    /**
     * Whether any target waits for its key's block: until one does, the interpreter does not
     * look at {@link X86FrameLayout#OSR_BLOCK} before each block (interpreter only).
     */
    private boolean anyWaitsForKey;
    /** Per OSR target block: its back edges taken while the interpreter still went on to the key's block. */
    private final int[] failedWaits;
    /** The failed waits after which a target gets an OSR compilation of its own; {@code -Dtrufflexen.osrWaitLimit=N}. */
    static final int WAIT_LIMIT = Integer.getInteger("trufflexen.osrWaitLimit", 1000);
    /** {@link #runBlocks}'s start in an OSR compilation with several entries: the block is in {@link X86FrameLayout#OSR_BLOCK}. */
    private static final int ENTRY_IN_FRAME = -4;
    /** Per OSR key block: its OSR compilation ran the last time it was tried (read and written in the interpreter only). */
    private final boolean[] osrRan;
    /** Per OSR key block: the last run of its OSR compilation reached its end in compiled code. */
    private final boolean[] osrRanCompiled;
    /** {@link #pollOsr}'s immediate re-entry; off with {@code -Dtrufflexen.osrReentry=false}. */
    private static final boolean OSR_REENTRY = !"false".equals(System.getProperty("trufflexen.osrReentry"));
    /**
     * Per OSR target block: its loop is hot in another region, so a back edge to it leaves for the
     * dispatcher, which enters that region there (interpreter only). Off with
     * {@code -Dtrufflexen.leaveForHotLoops=false}.
     */
    private final boolean[] leavesForHotLoop;
    private static final boolean LEAVE_FOR_HOT_LOOPS = !"false".equals(System.getProperty("trufflexen.leaveForHotLoops"));
    /** The most guest instructions a callee may have to be taken into a loop's region ({@link #builtWithCallees}). */
    private static final int CALLEE_INSTRUCTIONS = Integer.getInteger("trufflexen.calleeInstructions", 32);
    /** Whether this region was built with callees given for its indirect calls ({@link X86RegionBuilder#buildWithCallees}). */
    private boolean hasCallees;
    /**
     * Per OSR target block: how often it left for another region's copy of its loop. Past
     * {@link #LEAVE_LIMIT} it stops leaving and compiles its own copy: a copy inside a hot loop
     * of this region (a function with a loop, inlined here and elsewhere) would otherwise pay a
     * trip through the dispatcher on every pass of the enclosing loop.
     */
    private final int[] leaves;
    private static final int LEAVE_LIMIT = Integer.getInteger("trufflexen.leaveForHotLoopLimit", 1000);
    /** {@link #runBlocks}'s result when the region leaves to the dispatcher (the next RIP is in the frame). */
    private static final int LEFT = -1;
    /** {@link #runBlocks}'s result when a RET popped the expected return address of the chained call that entered the region. */
    private static final int RETURNED = -2;
    /** The result of a region that returned to the chained call that entered it (otherwise {@code TRUE}). */
    static final Boolean RETURNED_TO_CALLER = Boolean.FALSE;
    /** The expected return address of a region the dispatcher called: no RET pops it (not canonical). */
    static final long NOT_CALLED = 0x8000_0000_0000_0000L;
    /** A callee of a chained call left other than by returning: the CPU's state is final, unwind without writing back. */
    private static final X86ExitException CALLEE_LEFT = X86ExitException.platformTookOver();
    /** False for regions of code that keeps being rewritten: they stay in the interpreter. */
    private final boolean compilable;
    /**
     * Whether back edges count towards compiling the whole region (Truffle's loop counts), as
     * well as towards the OSR compilation of their loop: only when the engine's
     * {@link X86Language#LoopsCompileRegion} is on, and then only in regions no bigger than one
     * OSR compilation may be ({@link X86RegionLoops#LOOP_INSTRUCTION_BUDGET}). Otherwise a
     * region's loop compiles through OSR alone, as the blocks of that loop, and the region
     * compiles whole once entered often enough.
     */
    private final boolean loopsCompileRegion;
    private final int frameSlots;
    private final boolean osrRestoreCompiled;
    /**
     * While valid (or absent: not yet created, or the engine's {@link X86Language#OsrRestoreCompiled}
     * off), the exits of this region's OSR code deoptimize
     * (Truffle's restore: no exit code in the compilation); once invalidated, its OSR code
     * copies its final state back to the interpreter's frame itself when it returns
     * ({@link #copyFrameState}). Invalidated before an OSR compilation of a region the guest had
     * entered {@link #OSR_RESTORE_ENTRIES} times (a kernel's short loops in functions called all
     * the time), and later, which recompiles its loops, once its OSR code has deoptimized
     * {@link #OSR_RESTORE_EXITS} times on the way out (an inner loop left at every pass of an
     * outer one). A long loop of a region entered a few times keeps the deoptimizing exits.
     */
    @CompilationFinal private volatile Assumption osrExitsDeoptimize;
    /** How often this region's OSR code deoptimized on the way out (interpreter only, racy: a hint). */
    private int osrDeoptimizingExits;
    /** Region entries in the interpreter, and when it was last entered there (racy across vCPUs: hints). */
    private final X86RecentUse recentUse = new X86RecentUse();
    /** Whether this region's calls count towards compiling it yet ({@link X86RegionHeat}). */
    private final X86RegionHeat heat;
    /** The region entries after which its loops' OSR code restores the frame itself ({@link #osrExitsDeoptimize}). */
    static final int OSR_RESTORE_ENTRIES = Integer.getInteger("trufflexen.osrRestoreEntries", 64);
    /**
     * Whether an OSR compilation of a loop nested in a larger loop of the region restores the
     * frame itself from the start ({@link #osrExitsDeoptimize}): it returns at every pass of the
     * enclosing loop, and would otherwise be compiled twice, the second time after
     * {@link #OSR_RESTORE_EXITS} deoptimizing exits. Off with {@code -Dtrufflexen.restoreNestedLoops=false}.
     */
    static final boolean RESTORE_NESTED_LOOPS = !"false".equals(System.getProperty("trufflexen.restoreNestedLoops"));
    /** The deoptimizing exits after which a loop's OSR code is recompiled to restore the frame itself ({@link #osrExitsDeoptimize}). */
    static final int OSR_RESTORE_EXITS = Integer.getInteger("trufflexen.osrRestoreExits", 128);
    /** True in a domain under a debugger: every entry counts in {@link #executions} (otherwise no code for it). */
    private final boolean countingExecutions;
    private long executions;
    /** Whether any block's loop asked for OSR ({@link #hotLoopBlockAt}); set in the interpreter, racy reads are harmless. */
    private boolean anyLoopHot;
    /** {@link #loopEntry}'s call targets by block, created on demand. */
    private CallTarget[] loopEntries;

    X86RegionRootNode(X86Language language, long entryRip, X86BlockNode[] blocks, int[] registers, int[] xmmRegisters, int frameSlots,
            Assumption codeValid, boolean tracing, boolean compilable, boolean countingExecutions) {
        super(language, X86FrameLayout.createDescriptor(frameSlots));
        this.compilable = compilable;
        this.countingExecutions = countingExecutions;
        this.entryRip = entryRip;
        this.blocks = blocks;
        this.registers = registers;
        this.loopHeaders = loopHeaders(blocks);
        this.xmmRegisters = xmmRegisters;
        this.xmmSlot = frameSlots - X86XmmFrame.SLOTS;
        this.codeValid = codeValid;
        this.tracing = tracing;
        this.loops = new boolean[blocks.length][];
        this.osrKey = new int[blocks.length];
        for (int i = 0; i < blocks.length; i++) {
            osrKey[i] = i;
        }
        this.osrEntries = new int[blocks.length][];
        this.waitsForKey = new boolean[blocks.length];
        this.failedWaits = new int[blocks.length];
        this.osrRan = new boolean[blocks.length];
        this.leavesForHotLoop = new boolean[blocks.length];
        this.leaves = new int[blocks.length];
        this.loopsCompileRegion = language.loopsCompileRegion() && X86RegionLoops.size(blocks) <= X86RegionLoops.LOOP_INSTRUCTION_BUDGET;
        this.osrRanCompiled = new boolean[blocks.length];
        this.frameSlots = frameSlots;
        this.osrRestoreCompiled = language.osrRestoreCompiled();
        this.heat = new X86RegionHeat(language.minCompileRate(), language.minCompileEntries());
    }

    private static boolean[] loopHeaders(X86BlockNode[] blocks) {
        boolean[] headers = new boolean[blocks.length];
        for (int i = 0; i < blocks.length; i++) {
            X86BlockNode block = blocks[i];
            markBackEdge(headers, i, block.targetIndex);
            markBackEdge(headers, i, block.fallthroughIndex);
            markBackEdge(headers, i, block.returnIndex);
            for (int target : block.dynamicTargets) {
                markBackEdge(headers, i, target);
            }
        }
        return headers;
    }

    private static void markBackEdge(boolean[] headers, int from, int to) {
        if (to >= 0 && to <= from) {
            headers[to] = true;
        }
    }

    @Override
    public String getName() {
        return "x86@" + Long.toHexString(entryRip);
    }

    @Override
    public String toString() {
        return getName();
    }

    /** How often the region was entered (from the dispatcher or a chained call), or -1 when it does not count. */
    public long executions() {
        return countingExecutions ? executions : -1;
    }

    @Override
    public Object execute(VirtualFrame frame) {
        return enter(frame, 0, null);
    }

    /** The region root {@code target} runs from its entry, or null (a loop entry, or not a region). */
    public static X86RegionRootNode of(CallTarget target) {
        return target instanceof RootCallTarget root && root.getRootNode() instanceof X86RegionRootNode region ? region : null;
    }

    /** The region behind {@code target} while it is cold ({@link X86RegionHeat}); null otherwise (not a region, or hot). */
    static X86RegionRootNode coldRegion(CallTarget target) {
        X86RegionRootNode region = of(target);
        return region != null && region.cold() ? region : null;
    }

    /**
     * True while this region's calls run uncounted ({@link X86RegionHeat}): the dispatcher then
     * calls {@link #runUncounted} instead of the call target.
     */
    public boolean cold() {
        return heat.cold();
    }

    /**
     * Runs this region as a call with {@code arguments} would, but without its call target:
     * Truffle counts no call, so a cold region is never queued for compilation
     * ({@link X86RegionHeat}). Always interpreted; its loops' back edges still poll for OSR.
     */
    @TruffleBoundary(transferToInterpreterOnException = false)
    public Object runUncounted(Object[] arguments) {
        X86RegionHeat.countUncountedRun();
        return execute(Truffle.getRuntime().createVirtualFrame(arguments, getFrameDescriptor()));
    }

    /**
     * Runs the loop whose header is block {@code start} (a hot loop header, {@link #loopEntry}):
     * in the interpreter up to its first back edge, which enters its OSR code, and back to the
     * dispatcher at the first block outside the loop, where a region of its own, compiled as
     * usual, continues. The rest of this region would run interpreted from such an entry.
     */
    Object enterLoop(VirtualFrame frame, int start) {
        return enter(frame, start, loops[start]);
    }

    /** Runs the region from block {@code start}, within {@code loop} when it is not null (a loop entry). */
    private Object enter(VirtualFrame frame, int start, boolean[] loop) {
        Object[] arguments = frame.getArguments();
        X86Cpu cpu = (X86Cpu) arguments[0];
        long expectedReturn = arguments.length > 1 ? (Long) arguments[1] : NOT_CALLED;
        if (countingExecutions) {
            executions++; // racy across vCPUs sharing the region, exact for one
        }
        if (CompilerDirectives.inInterpreter()) {
            recentUse.entered();
            heat.entered();
        }
        if (X86Counters.ENABLED) {
            X86Counters.add(arguments.length > 1 ? X86Counters.Event.CHAINED_CALLS : X86Counters.Event.REGION_CALLS, 1);
        }
        frame.setObjectStatic(X86FrameLayout.CPU, cpu);
        frame.setLongStatic(X86FrameLayout.EXPECTED_RETURN, expectedReturn);
        frame.setLongStatic(X86FrameLayout.OSR_BLOCK, -1);
        copyIn(frame, cpu, blocks[start].startRip);
        edgeTo(frame, cpu, start); // a loop entry starts at its header
        if (arguments.length > 1) {
            X86MemorySite.takeOverStack(frame, cpu); // the caller's, handed over at its chained call
        }
        try {
            int result = runBlocks(frame, cpu, start, expectedReturn, loop, null);
            if (loop != null && result >= 0) {
                frame.setLongStatic(X86FrameLayout.NEXT_RIP, blocks[result].startRip); // out of the loop: to the dispatcher
            }
            boolean returned = result == RETURNED;
            copyOut(frame, cpu, false);
            if (returned) {
                X86MemorySite.handOverStack(frame, cpu); // back to the chained call that entered this region
            }
            cpu.setRip(frame.getLongStatic(X86FrameLayout.NEXT_RIP));
            if (X86Counters.ENABLED) {
                X86Counters.add(returned ? X86Counters.Event.HOST_RETURNS : X86Counters.Event.EXIT_BRANCH, 1);
            }
            return returned ? RETURNED_TO_CALLER : Boolean.TRUE;
        } catch (X86ExitException exit) {
            if (X86Counters.ENABLED && exit != CALLEE_LEFT) {
                countExit(exit.kind());
            }
            if (exit.kind() == X86ExitException.PLATFORM_TOOK_OVER) {
                return Boolean.TRUE;
            }
            copyOut(frame, cpu, true);
            cpu.setRip(exit.atCurrentInstruction() ? frame.getLongStatic(X86FrameLayout.CURRENT_RIP) : exit.resumeRip());
            if (exit.kind() != X86ExitException.RESUME) {
                callPlatform(cpu, exit);
            }
        }
        return Boolean.TRUE;
    }

    private static void countExit(int kind) {
        X86Counters.add(switch (kind) {
            case X86ExitException.FAULT -> X86Counters.Event.EXIT_FAULT;
            case X86ExitException.RESUME -> X86Counters.Event.EXIT_RESUME;
            default -> X86Counters.Event.EXIT_PLATFORM;
        }, 1);
    }

    /**
     * Declines a first-tier compilation of a region no longer entered in the interpreter
     * ({@link X86RecentUse}); OSR compilations of its loops (which Truffle prepares through this
     * method too, at the last tier) and last-tier compilations always go ahead.
     */
    @Override
    protected boolean prepareForCompilation(boolean rootCompilation, int compilationTier, boolean lastTier) {
        if (!compilable || (rootCompilation && compilationTier == 1 && !lastTier && X86RecentUse.SKIP_STALE && recentUse.quiet())) {
            return false;
        }
        for (X86BlockNode block : blocks) {
            if (block.kind == X86BlockNode.DYNAMIC) {
                block.orderCandidatesByMatches();
            }
        }
        return true;
    }

    /**
     * Continues a loop in its OSR compilation. The CPU and the expected return address come from
     * the frame (the OSR frame's arguments hold the parent frame, not the CPU): Truffle keeps the
     * OSR request's {@code interpreterState} of the first request as a constant of the
     * compilation, and every CPU running this region enters the same compilation, so a CPU passed
     * that way would be the one that first made the loop hot, whose stop requests the others
     * would poll. No state is passed that way ({@code null}).
     */
    @Override
    public Object executeOSR(VirtualFrame osrFrame, int target, Object interpreterState) {
        X86Cpu cpu = CompilerDirectives.castExact(osrFrame.getObjectStatic(X86FrameLayout.CPU), X86Cpu.class);
        long expectedReturn = osrFrame.getLongStatic(X86FrameLayout.EXPECTED_RETURN);
        int[] entries = osrEntries[target];
        int start = entries.length == 1 ? target : ENTRY_IN_FRAME;
        X86FrameRegisters.inFrame(osrFrame, registers); // osr put them all in the frame before it came here
        // What the interpreter's frame holds but the loop always writes before reading, as
        // constants: live-in values of the whole compiled loop otherwise (each slot is part of
        // every deoptimization point's state).
        X86MemorySite.forgetAll(osrFrame, xmmRegisters == null ? frameSlots : xmmSlot);
        ripsAt(osrFrame, target);
        try {
            int result = runBlocks(osrFrame, cpu, start, expectedReturn, loops[target], entries);
            // Immediate re-entry only for code that ran to its end compiled: one that
            // deoptimized on the way would deoptimize on every re-entry.
            osrRanCompiled[target] = CompilerDirectives.inCompiledCode();
            return result >= 0 ? Integer.valueOf(result) : result == RETURNED ? RETURNED_TO_CALLER : Boolean.TRUE;
        } catch (X86ExitException exit) {
            return exit;
        }
    }

    /** In the interpreter, just before an OSR compilation of this region: how its code will restore the frame. */
    @Override
    public void prepareOSR(int target) {
        if (osrRestoreCompiled && osrExitsDeoptimize == null) {
            Assumption deoptimizing = Truffle.getRuntime().createAssumption("OSR exits of " + getName() + " deoptimize");
            boolean[] loop = loops[target];
            if (recentUse.entries() >= OSR_RESTORE_ENTRIES
                    || (RESTORE_NESTED_LOOPS && loop != null && X86RegionLoops.enclosedByLargerLoop(blocks, target, loop))) {
                deoptimizing.invalidate();
            }
            osrExitsDeoptimize = deoptimizing;
        }
    }

    /**
     * Copies an OSR run's final state back to the interpreter's frame when the OSR code returns
     * (a loop-only OSR compilation returns every time its loop ends). Truffle's own restore
     * deoptimizes at every return (it cannot know the slots' kinds), so each exit of a compiled
     * inner loop would be a deoptimization; with the engine's {@link X86Language#OsrRestoreCompiled}
     * (the default) the OSR code of a region whose loops are left often copies the state
     * directly instead ({@link #osrExitsDeoptimize}).
     */
    @Override
    public void restoreParentFrame(VirtualFrame osrFrame, VirtualFrame parentFrame) {
        Assumption deoptimizing = osrExitsDeoptimize;
        if (deoptimizing != null && !deoptimizing.isValid()) {
            copyFrameState(osrFrame, parentFrame);
            return;
        }
        BytecodeOSRNode.super.restoreParentFrame(osrFrame, parentFrame);
        // Truffle's restore deoptimized: this runs in the interpreter, and counts.
        if (CompilerDirectives.inInterpreter() && deoptimizing != null && ++osrDeoptimizingExits == OSR_RESTORE_EXITS) {
            deoptimizing.invalidate("the loops of " + getName() + " left their OSR code often");
        }
    }

    /**
     * The guest state an OSR run may have changed, from its frame to the interpreter's: the
     * registers the region touches, the lazy flags, the RIPs and the XMM registers it keeps in the
     * frame. The memory sites' caches are emptied rather than copied (always safe, as at region
     * entry: the interpreter refills what it uses), and the CPU and the expected return address
     * are never changed by an OSR run. Every exit of the OSR code stores these, so fewer slots
     * mean less exit code.
     */
    @ExplodeLoop
    private void copyFrameState(VirtualFrame from, VirtualFrame to) {
        X86FrameRegisters.copyInto(from, to, registers); // the interpreter's flags are set: see osr
        for (int slot = X86FrameLayout.FLAGS; slot < X86FrameLayout.CPU; slot++) {
            to.setLongStatic(slot, from.getLongStatic(slot)); // flags, RIPs, the rotate's previous flags
        }
        X86MemorySite.clearAll(to, frameSlots);
        if (xmmRegisters != null) {
            X86XmmFrame.copyFrame(from, to, xmmRegisters, xmmSlot); // after clearAll, which runs to the frame's end
        }
    }

    long entryRip() {
        return entryRip;
    }

    /** The region's blocks, for tests of its shape. */
    X86BlockNode[] blocks() {
        return blocks;
    }

    /** Whether this region was built with callees given for its indirect calls ({@link X86RegionBuilder#buildWithCallees}). */
    public boolean hasCallees() {
        return hasCallees;
    }

    /** Marks a region built with callees given for its indirect calls: it does not build itself again. */
    void markBuiltWithCallees() {
        hasCallees = true;
    }

    /** The guest instructions of all blocks (chained calls' callees not counted). */
    int guestInstructions() {
        int sum = 0;
        for (X86BlockNode block : blocks) {
            sum += block.instructionCount();
        }
        return sum;
    }

    /** False once the region's code was rewritten: callers' inline caches drop it. */
    boolean codeValid() {
        return codeValid.isValid();
    }

    @Override
    public Object getOSRMetadata() {
        return osrMetadata;
    }

    @Override
    public void setOSRMetadata(Object osrMetadata) {
        this.osrMetadata = osrMetadata;
    }

    private void copyIn(VirtualFrame frame, X86Cpu cpu) {
        copyIn(frame, cpu, entryRip);
    }

    /** Registers come from the CPU, in the last tier only as read or written ({@link X86FrameRegisters}); the rest starts afresh. */
    private void copyIn(VirtualFrame frame, X86Cpu cpu, long rip) {
        X86FrameRegisters.fromCpu(frame, cpu, registers);
        X86FlagState.setMaterialized(frame, cpu.rflags());
        frame.setLongStatic(X86FrameLayout.FLAG_SRC1, 0);
        frame.setLongStatic(X86FrameLayout.FLAG_SRC2, 0);
        frame.setLongStatic(X86FrameLayout.CURRENT_RIP, rip);
        frame.setLongStatic(X86FrameLayout.NEXT_RIP, rip);
        X86MemorySite.clearAll(frame);
        if (xmmRegisters != null) {
            X86XmmFrame.copyIn(frame, cpu, xmmRegisters, xmmSlot); // after clearAll, which runs to the frame's end
        }
    }

    /**
     * Writes registers and flags back. An early exit ({@code early}: a fault, a trap, a stop)
     * leaves the flags lazy in the CPU, so no fault path computes RFLAGS; a normal exit, where
     * the last flag operation is usually a constant, materializes them.
     */
    private void copyOut(VirtualFrame frame, X86Cpu cpu, boolean early) {
        X86FrameRegisters.writeBack(frame, cpu, registers);
        if (early) {
            X86FlagState.keepLazy(frame, cpu);
        } else {
            cpu.restoreRflags(X86FlagState.materialize(frame));
        }
        if (xmmRegisters != null) {
            X86XmmFrame.copyOut(frame, cpu, xmmRegisters, xmmSlot);
        }
    }

    /**
     * Dispatch among the blocks. {@code index} is a constant in every exploded copy of the loop
     * body, so each block's successor choice compiles to direct control flow; every successor
     * assignment is followed by its own {@code continue} so that each loop end carries a
     * constant. {@code start} is 0, or the constant target block of an OSR compilation, which runs
     * only the blocks of its {@code loop} and returns the index of the first block outside it for
     * the interpreter to continue at. An OSR compilation serving several back-edge targets of its
     * loop starts at {@link #ENTRY_IN_FRAME}: a first step picks the block the frame names among
     * its constant {@code entries}, so each entry continues with a constant index and all of
     * them merge into one copy of the loop. {@link #RETURNED} when a RET popped {@code expectedReturn},
     * the return address of the chained call that entered the region ({@link #NOT_CALLED} when
     * the dispatcher called it): the region returns to its caller. {@link #LEFT} when the region
     * leaves to the dispatcher.
     */
    @ExplodeLoop(kind = ExplodeLoop.LoopExplosionKind.MERGE_EXPLODE)
    private int runBlocks(VirtualFrame frame, X86Cpu cpu, int start, long expectedReturn, boolean[] loop, int[] entries) {
        int index = start;
        dispatch: while (true) {
            CompilerAsserts.partialEvaluationConstant(index);
            if (CompilerDirectives.inInterpreter() && anyWaitsForKey && index >= 0 && frame.getLongStatic(X86FrameLayout.OSR_BLOCK) == index) {
                frame.setLongStatic(X86FrameLayout.OSR_BLOCK, -1); // a back edge elsewhere in the loop asked for its OSR code here
                int result = osr(frame, index);
                if (result != OSR_NOT_RUN) {
                    if (result < 0 || leavesLoop(loop, result)) {
                        return result;
                    }
                    index = result;
                    continue dispatch;
                }
            }
            if (index == ENTRY_IN_FRAME) {
                long entry = frame.getLongStatic(X86FrameLayout.OSR_BLOCK);
                for (int k = 0; k < entries.length - 1; k++) {
                    if (entry == entries[k]) {
                        index = entries[k];
                        continue dispatch;
                    }
                }
                index = entries[entries.length - 1]; // loopOf made the frame's entry one of them
                continue dispatch;
            }
            X86BlockNode block = blocks[index];
            block.executeBody(frame, cpu, codeValid, tracing);
            if (CompilerDirectives.inInterpreter()) {
                heat.ran(block.instructionCount());
            }
            if (block.kind == X86BlockNode.DYNAMIC) {
                // RET to the return address of one of this region's direct calls, or a jump
                // through a table to one of its entries: stay inside.
                long nextRip = frame.getLongStatic(X86FrameLayout.NEXT_RIP);
                if (block.returns && nextRip == expectedReturn) {
                    return RETURNED; // the end of the chained call that entered this region: a host return
                }
                int[] order = block.tryOrder;
                for (int j = 0; j < order.length; j++) {
                    int k = order[j];
                    int candidate = block.dynamicTargets[k];
                    if (block.dynamicTargetMatches(k, nextRip, blocks[candidate].startRip)) {
                        if (X86Counters.ENABLED) {
                            X86Counters.add(X86Counters.Event.IN_REGION_DYNAMIC, 1);
                        }
                        if (candidate <= index) { // a back edge (a call into a later block is none)
                            if (block.returns ? returnBackEdgeStops(cpu) : backEdgeStops(cpu)) {
                                return LEFT;
                            }
                            if (CompilerDirectives.inInterpreter() && compilable && pollOsr(candidate, expectedReturn)) {
                                int result = osr(frame, candidate);
                                if (result != OSR_NOT_RUN) {
                                    if (result < 0 || leavesLoop(loop, result)) {
                                        return result;
                                    }
                                    index = result;
                                    continue dispatch;
                                }
                            }
                        }
                        if (leavesLoop(loop, candidate)) {
                            return candidate;
                        }
                        index = edgeTo(frame, cpu, candidate);
                        continue dispatch;
                    }
                }
                if (block.chain != null && callChained(frame, cpu, block, nextRip)) {
                    if (block.returnIndex <= index) {
                        int result = backEdgeAfterReturn(frame, cpu, block, expectedReturn);
                        if (result >= 0 && CompilerDirectives.inInterpreter()) {
                            if (leavesLoop(loop, result)) {
                                return result;
                            }
                            index = result;
                            continue dispatch;
                        }
                        if (result != OSR_NOT_RUN) {
                            return result;
                        }
                    }
                    if (leavesLoop(loop, block.returnIndex)) {
                        return block.returnIndex;
                    }
                    index = edgeTo(frame, cpu, block.returnIndex);
                    continue dispatch;
                }
                return LEFT;
            }
            if (block.kind == X86BlockNode.JUMP || block.takesBranch(frame)) {
                if (block.targetIndex == X86BlockNode.EXIT) {
                    if (block.chain != null && callChained(frame, cpu, block, block.targetRip)) {
                        if (block.returnIndex <= index) {
                            int result = backEdgeAfterReturn(frame, cpu, block, expectedReturn);
                            if (result >= 0 && CompilerDirectives.inInterpreter()) {
                                if (leavesLoop(loop, result)) {
                                    return result;
                                }
                                index = result;
                                continue;
                            }
                            if (result != OSR_NOT_RUN) {
                                return result;
                            }
                        }
                        if (leavesLoop(loop, block.returnIndex)) {
                            return block.returnIndex;
                        }
                        index = edgeTo(frame, cpu, block.returnIndex);
                        continue;
                    }
                    frame.setLongStatic(X86FrameLayout.NEXT_RIP, block.targetRip);
                    return LEFT;
                }
                if (block.targetIndex <= index) {
                    if (backEdgeStops(cpu)) {
                        frame.setLongStatic(X86FrameLayout.NEXT_RIP, block.targetRip);
                        return LEFT;
                    }
                    if (CompilerDirectives.inInterpreter() && compilable && pollOsr(block.targetIndex, expectedReturn)) {
                        int result = osr(frame, block.targetIndex);
                        if (result != OSR_NOT_RUN) {
                            if (result < 0 || leavesLoop(loop, result)) {
                                return result;
                            }
                            index = result;
                            continue;
                        }
                    }
                }
                if (leavesLoop(loop, block.targetIndex)) {
                    return block.targetIndex;
                }
                index = edgeTo(frame, cpu, block.targetIndex);
                continue;
            }
            if (block.fallthroughIndex == X86BlockNode.EXIT) {
                frame.setLongStatic(X86FrameLayout.NEXT_RIP, block.fallthroughRip);
                return LEFT;
            }
            if (block.fallthroughIndex <= index) {
                if (backEdgeStops(cpu)) {
                    frame.setLongStatic(X86FrameLayout.NEXT_RIP, block.fallthroughRip);
                    return LEFT;
                }
                if (CompilerDirectives.inInterpreter() && compilable && pollOsr(block.fallthroughIndex, expectedReturn)) {
                    int result = osr(frame, block.fallthroughIndex);
                    if (result != OSR_NOT_RUN) {
                        if (result < 0 || leavesLoop(loop, result)) {
                            return result;
                        }
                        index = result;
                        continue;
                    }
                }
            }
            if (leavesLoop(loop, block.fallthroughIndex)) {
                return block.fallthroughIndex;
            }
            index = edgeTo(frame, cpu, block.fallthroughIndex);
            continue;
        }
    }

    /** Whether {@code block} lies outside {@code loop}, the loop a loop entry runs (null for the region's own entry). */
    private static boolean leavesLoop(boolean[] loop, int block) {
        return loop != null && !loop[block];
    }

    /**
     * An edge to block {@code target}: into a loop header, the registers go to the frame first,
     * so that the header's every edge brings the same constant flags ({@link X86FrameRegisters}),
     * and both RIP slots hold the header's address ({@link #ripsAt}). Compiled code only: in the
     * interpreter the flags are run-time values anyway.
     */
    private int edgeTo(VirtualFrame frame, X86Cpu cpu, int target) {
        if (loopHeaders[target] && CompilerDirectives.inCompiledCode()) {
            X86FrameRegisters.materialize(frame, cpu, registers);
            ripsAt(frame, target);
        }
        return target;
    }

    /**
     * Both RIP slots set to block {@code target}'s address, entering a loop there (an OSR entry,
     * an edge into a loop header). The block's first instruction writes them before anything
     * reads them, but the loop's state at its header keeps every slot: with the interpreter's
     * or the back edge's values they were live-in or loop-carried values, stored again at
     * every iteration; as one constant they cost nothing.
     */
    private void ripsAt(VirtualFrame frame, int target) {
        frame.setLongStatic(X86FrameLayout.NEXT_RIP, blocks[target].startRip);
        frame.setLongStatic(X86FrameLayout.CURRENT_RIP, blocks[target].startRip);
    }

    /**
     * In the interpreter, at a back edge to {@code target}: whether to try its OSR compilation
     * now. Truffle's poll fires on every 1024th back edge once the loop is hot; a loop whose OSR
     * compilation last ran to its end without deoptimizing re-enters it at once instead, so a compiled inner loop that hands
     * each pass of its outer loop back to the interpreter does not run up to 1023 iterations
     * there before going back in.
     */
    private boolean pollOsr(int target, long expectedReturn) {
        return (OSR_REENTRY && osrRan[osrKey[target]]) || (leavesForHotLoop[target] && expectedReturn == NOT_CALLED)
                || BytecodeOSRNode.pollOSRBackEdge(this, 1);
    }

    /** {@link #osr}'s result when no OSR compilation ran: the interpreter goes on. */
    private static final int OSR_NOT_RUN = -3;

    /**
     * In the interpreter, at a back edge to {@code target} whose OSR poll fired: runs the loop's
     * OSR compilation if there is one. {@link #OSR_NOT_RUN} when there is none yet; otherwise
     * the frame holds the OSR run's final state and the result is {@link #runBlocks}'s: the block
     * outside the loop to continue at, {@link #LEFT} or {@link #RETURNED} (an exit is rethrown).
     */
    private int osr(VirtualFrame frame, int target) {
        boolean fromDispatcher = frame.getLongStatic(X86FrameLayout.EXPECTED_RETURN) == NOT_CALLED;
        if (leavesForHotLoop[target] && ++leaves[target] > LEAVE_LIMIT) {
            leavesForHotLoop[target] = false; // left too often: this copy's loop sits inside a loop of its own
        } else if (fromDispatcher && (leavesForHotLoop[target]
                || (loops[target] == null && leaves[target] == 0 && (hotElsewhere(frame, target) || builtWithCallees(frame, target))))) {
            // The loop is hot in another region, or has just been built again with its calls'
            // callees: run it there (one copy, one OSR compilation). Only from a region the
            // dispatcher entered: a chained callee leaving would unwind its callers' host calls,
            // and every return after it would go through the dispatcher.
            leavesForHotLoop[target] = true;
            frame.setLongStatic(X86FrameLayout.NEXT_RIP, blocks[target].startRip);
            return LEFT;
        }
        loopOf(target);
        if (waitForKey(frame, target)) {
            return OSR_NOT_RUN;
        }
        int key = osrKey[target];
        frame.setLongStatic(X86FrameLayout.OSR_BLOCK, target);
        // All registers in the frame: the OSR code starts from constant flags, and its exits copy values only.
        X86FrameRegisters.materialize(frame, (X86Cpu) frame.getObjectStatic(X86FrameLayout.CPU), registers);
        Object result = BytecodeOSRNode.tryOSR(this, key, null, null, frame);
        frame.setLongStatic(X86FrameLayout.OSR_BLOCK, -1);
        if (result == null) {
            osrRan[key] = false;
            return OSR_NOT_RUN;
        }
        osrRan[key] = osrRanCompiled[key];
        if (result instanceof X86ExitException exit) {
            throw exit;
        }
        if (result instanceof Integer resume) {
            return resume;
        }
        return result == RETURNED_TO_CALLER ? RETURNED : LEFT;
    }

    /**
     * Whether the loop at {@code target}, about to become hot here, was just built again as a
     * region of its own at its header with the callees its indirect calls have met so far
     * (each of at most {@link #CALLEE_INSTRUCTIONS} guest instructions, found in the calls'
     * inline caches): those calls then run as branches inside the loop's compilation, as calls
     * through a table do, instead of chained calls, which pay a jump-cache lookup and a copy of
     * the registers through the CPU each way. Not for a region built that way itself, nor
     * under a debugger; off with the engine option {@code x86.CalleesIntoLoops=false}.
     * Interpreter only.
     */
    private boolean builtWithCallees(VirtualFrame frame, int target) {
        X86Cpu cpu = (X86Cpu) frame.getObjectStatic(X86FrameLayout.CPU);
        if (!getLanguage(X86Language.class).calleesIntoLoops() || hasCallees || cpu.debugStops() != null || cpu.codeCache() == null) {
            return false;
        }
        // Not loopOf(target): that would mark the loop hot here, and other regions would leave for this copy.
        boolean[] loop = X86RegionLoops.loopOf(blocks, target);
        Map<Long, long[]> callees = new HashMap<>();
        for (int i = 0; i < blocks.length; i++) {
            X86BlockNode block = blocks[i];
            if (loop[i] && block.kind == X86BlockNode.DYNAMIC && block.chain != null) {
                long[] small = block.chain.smallCallees(CALLEE_INSTRUCTIONS);
                if (small.length > 0) {
                    callees.put(block.chain.returnRip(), small);
                }
            }
        }
        return !callees.isEmpty() && cpu.codeCache().buildLoopWithCallees(getLanguage(X86Language.class), cpu, blocks[target].startRip, callees);
    }

    /**
     * Whether the loop at {@code target}, about to become hot here, is hot in another region
     * already (two regions can hold copies of one loop when both were translated before it got
     * hot): the dispatcher enters that region at the loop's header instead. Interpreter only.
     */
    private boolean hotElsewhere(VirtualFrame frame, int target) {
        X86Cpu cpu = (X86Cpu) frame.getObjectStatic(X86FrameLayout.CPU);
        return LEAVE_FOR_HOT_LOOPS && cpu.debugStops() == null && cpu.codeCache() != null
                && cpu.codeCache().hotLoopHeaderAt(cpu, blocks[target].startRip);
    }

    /**
     * The blocks of the loop {@code target} is in ({@link X86RegionLoops#loopOf}), and the OSR
     * compilation that runs it ({@link #osrKey}). Computed in the interpreter before the first
     * OSR compilation at {@code target} starts, so that compilation sees both as constants.
     *
     * <p><b>One OSR compilation per loop.</b> A loop can have many back-edge targets: the
     * handlers of a bytecode interpreter's dispatch loop each jump back to its top, and a
     * recursive function inlined into its caller's region returns to each of its call sites
     * there. Keyed by target, each would be an OSR compilation of the same blocks (seconds
     * each, one after another), and the guest would run interpreted whenever it met a target
     * whose code was not ready; which of them happened to be compiled first also decided how
     * fast the loop ran, since a compilation entered at a handler instead of the dispatch
     * block lays the loop out differently. So the first target of a loop to ask, normally the
     * target of its hottest back edge, keys the loop's one OSR compilation, and a later target
     * whose loop is the same blocks does not compile its own: it enters that compilation
     * directly when it is one of its entries ({@link #osrEntries}: a recursive function's return
     * blocks, {@link #RETURN_ENTRIES}), and otherwise the interpreter runs on to the key's block
     * and enters there ({@link X86FrameLayout#OSR_BLOCK}). Other entries than the key's block
     * stay few: a second way into a compiled loop makes its control flow irreducible, which Graal
     * pays for by duplicating code. A target whose wait for the key's block keeps failing (the
     * loop went round again without passing it, {@link #WAIT_LIMIT} times) gets a compilation of
     * its own after all.
     */
    private boolean[] loopOf(int target) {
        boolean[] loop = loops[target];
        if (loop == null) {
            loop = X86RegionLoops.loopOf(blocks, target);
            int key = ONE_OSR_PER_LOOP ? sameLoopKey(loop) : -1;
            if (key >= 0) {
                loop = loops[key];
                osrKey[target] = key;
                if (!contains(osrEntries[key], target)) {
                    waitsForKey[target] = true;
                    anyWaitsForKey = true;
                }
            } else {
                osrEntries[target] = entriesOf(loop, target);
            }
            loops[target] = loop;
            anyLoopHot = true;
        }
        return loop;
    }

    /**
     * Whether the back edge to {@code target}, whose loop's OSR compilation is keyed by another
     * block, makes the interpreter go on to that block: false once it has waited in vain too
     * often, when the target gets an OSR compilation of its own. Interpreter only.
     */
    private boolean waitForKey(VirtualFrame frame, int target) {
        if (!waitsForKey[target]) {
            return false;
        }
        int key = osrKey[target];
        if (frame.getLongStatic(X86FrameLayout.OSR_BLOCK) == key && ++failedWaits[target] > WAIT_LIMIT) {
            waitsForKey[target] = false; // round the loop again without passing the key's block
            osrKey[target] = target;
            osrEntries[target] = new int[]{target};
            return false;
        }
        frame.setLongStatic(X86FrameLayout.OSR_BLOCK, key);
        return true;
    }

    private boolean[] returnEntries() {
        if (returnEntries == null) {
            returnEntries = X86RegionLoops.returnEntries(blocks);
        }
        return returnEntries;
    }

    /** The key of the OSR compilation whose loop is {@code loop}'s blocks, or -1. */
    private int sameLoopKey(boolean[] loop) {
        for (int k = 0; k < blocks.length; k++) {
            if (osrKey[k] == k && osrEntries[k] != null && Arrays.equals(loops[k], loop)) {
                return k;
            }
        }
        return -1;
    }

    private static boolean contains(int[] blocks, int block) {
        return Arrays.stream(blocks).anyMatch(b -> b == block);
    }

    /**
     * The blocks an OSR compilation of {@code loop} keyed by {@code target} may start at: the
     * loop's return entries ({@link X86RegionLoops#returnEntries}) when {@code target} is one of
     * them, {@code target} alone otherwise.
     */
    private int[] entriesOf(boolean[] loop, int target) {
        boolean[] returnEntries = returnEntries();
        if (!ONE_OSR_PER_LOOP || !RETURN_ENTRIES || !returnEntries[target]) {
            return new int[]{target};
        }
        return IntStream.range(0, blocks.length).filter(i -> loop[i] && (returnEntries[i] || i == target)).toArray();
    }

    /**
     * The block starting at {@code rip} whose loop has asked for its OSR compilation (a hot loop
     * header of this region), or -1. The code cache enters this region there
     * ({@link #loopEntry}) instead of translating the loop a second time into another region,
     * and the region builder ends other regions' edges to it.
     */
    public int hotLoopBlockAt(long rip) {
        if (!anyLoopHot) {
            return -1;
        }
        for (int i = 0; i < blocks.length; i++) {
            if (blocks[i].startRip == rip && loops[i] != null && isLoopHeader(i)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Whether a jump or branch back edge (not a RET or a chained call's return) leads to block
     * {@code i}: a loop's header, where the guest arrives from the dispatcher only after a stop
     * or from another copy of the loop. A call's return block may be entered from the dispatcher
     * all the time (deep recursion), and an entry there would run interpreted.
     */
    private boolean isLoopHeader(int i) {
        for (int p = i; p < blocks.length; p++) {
            X86BlockNode block = blocks[p];
            boolean jumps = block.kind != X86BlockNode.DYNAMIC && block.targetIndex == i;
            boolean fallsThrough = block.kind == X86BlockNode.CONDITIONAL && block.fallthroughIndex == i;
            if (jumps || fallsThrough) {
                return true;
            }
        }
        return false;
    }

    /** A call target running this region from {@code block} (see {@link X86LoopEntryRootNode}), one per block. */
    public synchronized CallTarget loopEntry(int block) {
        if (block == 0) {
            return getCallTarget();
        }
        if (loopEntries == null) {
            loopEntries = new CallTarget[blocks.length];
        }
        if (loopEntries[block] == null) {
            loopEntries[block] = new X86LoopEntryRootNode(getLanguage(X86Language.class), this, block).getCallTarget();
        }
        return loopEntries[block];
    }

    /**
     * After a chained call returned to a block not after the call's own: a back edge like any
     * other (the loop may have no other), so it polls and counts towards OSR. {@link #OSR_NOT_RUN}
     * to go on at the return block; otherwise {@link #osr}'s result (in the interpreter only, a
     * block index to continue at).
     */
    private int backEdgeAfterReturn(VirtualFrame frame, X86Cpu cpu, X86BlockNode block, long expectedReturn) {
        if (backEdgeStops(cpu)) {
            frame.setLongStatic(X86FrameLayout.NEXT_RIP, blocks[block.returnIndex].startRip);
            return LEFT;
        }
        if (CompilerDirectives.inInterpreter() && compilable && pollOsr(block.returnIndex, expectedReturn)) {
            return osr(frame, block.returnIndex);
        }
        return OSR_NOT_RUN;
    }

    /**
     * A CALL leaving the region, run as a chained call ({@link X86ChainedCall}): true when the
     * callee returned to the call's return address, the frame reloaded from the CPU; false when
     * the call cannot be chained now (nothing changed: the region exits to the dispatcher at
     * {@code target}). When the callee left otherwise, the CPU holds the final state and
     * {@link #CALLEE_LEFT} unwinds this region without writing it back. One stop check per call,
     * before it ({@link X86ChainedCall#enter}): a stop requested while the callee ran is seen at
     * this region's next back edge, chained call or exit, as it would be had the callee's code
     * been part of this region.
     */
    private boolean callChained(VirtualFrame frame, X86Cpu cpu, X86BlockNode block, long target) {
        CallTarget callee = X86ChainedCall.enter(getLanguage(X86Language.class), frame, cpu, target);
        if (callee == null) {
            return false;
        }
        copyOut(frame, cpu, false);
        X86MemorySite.handOverStack(frame, cpu);
        cpu.setRip(target);
        if (!block.chain.call(cpu, callee)) {
            throw CALLEE_LEFT;
        }
        copyIn(frame, cpu);
        X86MemorySite.takeOverStack(frame, cpu);
        return true;
    }

    /** At a back edge: safepoint, loop profiling, and the CPU's exit/attention flag. True means leave the region. */
    private boolean backEdgeStops(X86Cpu cpu) {
        countBackEdge();
        return X86Likelihood.unlikely(cpu.stopRequested());
    }

    /**
     * At a RET back edge (a return to one of the region's calls, in a block not after the RET's):
     * as {@link #backEdgeStops}, but a poll does not make it leave ({@link
     * X86Cpu#stopRequestedBeyondPoll}). The returns on the way from a hypercall to the guest's
     * next one then stay in the region: a poll the hypercall asked for (a woken vCPU left to
     * this thread) is served at that next hypercall, a loop's other back edge or an exit.
     */
    private boolean returnBackEdgeStops(X86Cpu cpu) {
        countBackEdge();
        return X86Likelihood.unlikely(cpu.stopRequestedBeyondPoll());
    }

    /** What every back edge does: safepoint, loop profiling. */
    private void countBackEdge() {
        if (X86Counters.ENABLED) {
            X86Counters.add(X86Counters.Event.BACK_EDGES, 1);
        }
        TruffleSafepoint.poll(this);
        if (CompilerDirectives.inInterpreter() ? loopsCompileRegion : CompilerDirectives.hasNextTier()) {
            // First-tier code counts its back edges too: compiled code never polls for OSR, so a loop
            // that runs hot there would otherwise stay first-tier code until the region's calls alone
            // reach the last tier's threshold (matmul: never). Truffle then starts the last tier at
            // the region's next entry. Last-tier code counts nothing.
            LoopNode.reportLoopCount(this, 1);
        }
    }

    @TruffleBoundary(transferToInterpreterOnException = false)
    private static void callPlatform(X86Cpu cpu, X86ExitException exit) {
        X86Fault fault = exit.guestFault();
        cpu.notePlatformEntry();
        if (fault.vector() == X86Fault.PF && !fault.isSoftwareInterrupt()) {
            cpu.setCr2(fault.faultAddress());
        }
        cpu.platform().fault(cpu, fault);
    }
}
