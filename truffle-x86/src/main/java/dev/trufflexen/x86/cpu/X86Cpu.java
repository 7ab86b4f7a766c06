package dev.trufflexen.x86.cpu;

import java.util.concurrent.atomic.AtomicLong;

import com.oracle.truffle.api.CompilerDirectives;
import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;

import dev.trufflexen.x86.memory.MachineMemory;
import dev.trufflexen.x86.mmu.X86Mmu;
import dev.trufflexen.x86.nodes.X86FlagState;
import dev.trufflexen.x86.runtime.X86CodeCache;
import dev.trufflexen.x86.runtime.X86ExitException;
import dev.trufflexen.x86.runtime.X86JumpCache;

/**
 * One virtual x86-64 CPU in long mode at CPL 3: the architectural state the hypervisor reads
 * and changes, and the entry point that runs guest code.
 *
 * <p>State lives here between runs of guest code. While a translated region runs, the general
 * registers and flags it uses live in Truffle frame slots and are written back at every region
 * exit, so whenever a {@link X86Platform} callback or {@link #run()}'s caller looks at this
 * object, it is exact: RFLAGS is materialized, RIP is the next instruction (or the faulting one).
 *
 * <p>Threading: one thread runs a CPU at a time. {@link #requestAttention()} and
 * {@link #requestExit(Object)} may be called from any thread; running guest code notices them at
 * the next region exit or loop back edge.
 */
public final class X86Cpu {
    private static final int TRACE_LENGTH = 64;

    private final X86Engine engine;
    private final MachineMemory memory;
    private final X86Platform platform;
    private final X86Mmu mmu;
    /** The MMU's TLB, one load from the CPU for translated code's inline probes. */
    private final long[] tlb;
    private final X86CodeCache codeCache;
    private final X86JumpCache jumpCache = new X86JumpCache();
    /** The exit translated code throws for a fault or stop that carries data of its own (see {@link X86ExitException}). */
    private final X86ExitException exit = X86ExitException.perCpu();
    /**
     * The arguments of the dispatcher's root and of every region call it makes: this CPU alone.
     * One array for the CPU's lifetime, never written after construction, so a call allocates
     * none and an activation's arguments cannot change under it, however calls nest.
     */
    private final Object[] regionArguments = {this};

    private final long[] registers = new long[X86Reg.COUNT];
    private long rip;
    private long rflags = X86Rflags.RESERVED_ONE;
    /**
     * The lazy flag state a region's fault exit left, unevaluated (QEMU's CC_OP): operation
     * ({@link X86FlagState}; NONE when {@link #rflags} holds every bit), result, sources, and for
     * a rotate the state that defines SF, ZF, AF and PF. Translated code never computes RFLAGS
     * on a fault path; whoever reads RFLAGS next ({@link #rflags()}) does.
     */
    private long lazyOp;
    private long lazyResult;
    private long lazySource1;
    private long lazySource2;
    private long lazyPreviousOp;
    private long lazyPreviousResult;
    private long lazyPreviousSource1;
    private long lazyPreviousSource2;
    /**
     * The stack's memory-site cache handed from a region to the region it calls as a chained
     * call, and back when the callee returns (see {@link dev.trufflexen.x86.nodes.X86MemorySite#handOverStack}).
     */
    private long handedStackReadTag = -1;
    private long handedStackReadAddend;
    private long handedStackWriteTag = -1;
    private long handedStackWriteAddend;
    private final int[] segments = new int[X86Segment.COUNT];
    private long fsBase;
    private long gsBase;
    private long cr2;
    private final X86FpuState fpu = new X86FpuState();
    /** CR0.TS: x87/MMX/SSE instructions raise #NM while it is set. */
    private boolean taskSwitched;
    private final X86Breakpoints breakpoints = new X86Breakpoints();
    /** RFLAGS.TF or an armed breakpoint: the dispatcher runs one instruction at a time. */
    private boolean stepping;
    /** The debugger's stops (instruction addresses), shared by the CPUs of one guest; null while none attached. */
    private volatile X86DebugStops debugStops;
    /** The debugger resumes at this RIP: its stop there lets the instruction run once. */
    private long debugSkipRip = -1;
    /** The debugger steps this CPU: one instruction, then {@link #run} returns an {@link X86DebugStop}. */
    private boolean debuggerStepping;
    /** The debugger's watchpoints, invisible to the guest (its own are {@link #breakpoints}). */
    private final X86Breakpoints debuggerWatchpoints = new X86Breakpoints();
    /** The next instruction runs alone: in translated code, it was about to touch a debugger watchpoint. */
    private boolean debuggerWatchStep;
    /** Calls into the platform for a fault or a syscall (the single-step path tells retired instructions apart by it). */
    private long platformEntries;

    private volatile boolean attention;
    /** {@link #requestAttention}'s count: requests come from any thread, so counted atomically (a lost count could hide one). */
    private final AtomicLong attentionRequests = new AtomicLong();
    private volatile Object exitReason;
    /*
     * The request flags are volatile for their readers, but written with release stores: a
     * request writes its cause before its flag, which a release store keeps in order, and needs
     * no fence after it (a volatile store's fence cost about 6 ns on the 2-core host, and a vCPU
     * switch wrote a dozen). Only recomputeStop needs its writes ordered before its reads, with
     * one fence.
     */
    private static final java.lang.invoke.VarHandle EXIT_REASON;
    private static final java.lang.invoke.VarHandle STOP;
    private static final java.lang.invoke.VarHandle HARD_STOP;
    private static final java.lang.invoke.VarHandle ATTENTION;
    private static final java.lang.invoke.VarHandle FULL_ATTENTION;
    static {
        try {
            java.lang.invoke.MethodHandles.Lookup lookup = java.lang.invoke.MethodHandles.lookup();
            EXIT_REASON = lookup.findVarHandle(X86Cpu.class, "exitReason", Object.class);
            STOP = lookup.findVarHandle(X86Cpu.class, "stop", boolean.class);
            HARD_STOP = lookup.findVarHandle(X86Cpu.class, "hardStop", boolean.class);
            ATTENTION = lookup.findVarHandle(X86Cpu.class, "attention", boolean.class);
            FULL_ATTENTION = lookup.findVarHandle(X86Cpu.class, "fullAttention", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    /** attention || exitReason != null: the one flag translated code polls at back edges. */
    private volatile boolean stop;
    /** A {@link #requestAttention} not yet cleared: unlike a poll, it may mean the running code is stale. */
    private volatile boolean fullAttention;
    /**
     * {@link #stop} less a poll: an exit, a full attention request, single-stepping or a loaded
     * TF. What translated code polls at an in-region return ({@link #stopRequestedBeyondPoll}).
     */
    private volatile boolean hardStop;

    private final long[] traceRing;
    private int traceNext;
    private long traceCount;

    public X86Cpu(X86Engine engine, MachineMemory memory, X86Platform platform) {
        if (engine == null || memory == null || platform == null) {
            throw new IllegalArgumentException("engine, memory and platform are required");
        }
        this.engine = engine;
        this.memory = memory;
        this.platform = platform;
        this.codeCache = engine.codeCache(memory);
        this.mmu = new X86Mmu(memory, codeCache, exit);
        this.tlb = mmu.tlb;
        this.traceRing = engine.isTracing() ? new long[TRACE_LENGTH] : null;
        codeCache.attach(this);
    }

    public X86Engine engine() {
        return engine;
    }

    public MachineMemory memory() {
        return memory;
    }

    public X86Platform platform() {
        return platform;
    }

    /** The x87, XMM and MXCSR state. */
    public X86FpuState fpu() {
        return fpu;
    }

    public boolean taskSwitched() {
        return taskSwitched;
    }

    /**
     * Sets or clears CR0.TS (for a PV guest: fpu_taskswitch and the emulated CLTS). Called on
     * this CPU's thread, between runs of guest code.
     */
    public void setTaskSwitched(boolean set) {
        if (set) {
            engine.noTaskSwitch().invalidate();
        }
        taskSwitched = set;
    }

    /** The page walker and TLB of this CPU (used by translated code). */
    public X86Mmu mmu() {
        return mmu;
    }

    /** {@link X86Mmu#tlb}, for inline probes ({@link X86Mmu#tlbWord}). */
    public long[] tlb() {
        return tlb;
    }

    /** The translated code this CPU runs (shared by all CPUs of the engine on the same memory). */
    public X86CodeCache codeCache() {
        return codeCache;
    }

    /** This CPU's preallocated region exit: translated code fills it and throws it, so exits allocate nothing. */
    public X86ExitException exit() {
        return exit;
    }

    /** The arguments the dispatcher is called with and calls a region with ({@code [this]}); never written. */
    public Object[] regionArguments() {
        return regionArguments;
    }

    /** The dispatcher's successor cache for this CPU (RIP to region, validated on every hit). */
    public X86JumpCache jumpCache() {
        return jumpCache;
    }

    public long reg(int reg) {
        return registers[reg];
    }

    public void setReg(int reg, long value) {
        registers[reg] = value;
    }

    /** Hands a region's stack-site cache (read tag and addend, write tag and addend) to the next region of a chained call. */
    public void handOverStackCache(long readTag, long readAddend, long writeTag, long writeAddend) {
        this.handedStackReadTag = readTag;
        this.handedStackReadAddend = readAddend;
        this.handedStackWriteTag = writeTag;
        this.handedStackWriteAddend = writeAddend;
    }

    public long handedStackReadTag() {
        return handedStackReadTag;
    }

    public long handedStackReadAddend() {
        return handedStackReadAddend;
    }

    public long handedStackWriteTag() {
        return handedStackWriteTag;
    }

    public long handedStackWriteAddend() {
        return handedStackWriteAddend;
    }

    public long rip() {
        return rip;
    }

    public void setRip(long rip) {
        this.rip = rip;
    }

    /** RFLAGS with bit 1 set (computed here from the lazy state a fault exit left, if any). */
    public long rflags() {
        if (CompilerDirectives.injectBranchProbability(CompilerDirectives.FASTPATH_PROBABILITY, lazyOp == X86FlagState.NONE)) {
            return rflags;
        }
        return lazyRflags();
    }

    @TruffleBoundary
    private long lazyRflags() {
        return X86Rflags.normalize(X86FlagState.materialize(rflags, lazyOp, lazyResult, lazySource1, lazySource2, lazyPreviousOp,
                lazyPreviousResult, lazyPreviousSource1, lazyPreviousSource2));
    }

    /**
     * RFLAGS as a region's fault exit leaves it: the bits outside the status flags in
     * {@code flags}, the status flags as a lazy state (see {@link X86FlagState}) to be derived
     * when read. Like {@link #restoreRflags}, without the single-step bookkeeping.
     */
    public void keepLazyRflags(long flags, long op, long result, long source1, long source2, long previousOp, long previousResult,
            long previousSource1, long previousSource2) {
        this.rflags = X86Rflags.normalize(flags);
        this.lazyOp = op;
        this.lazyResult = result;
        this.lazySource1 = source1;
        this.lazySource2 = source2;
        this.lazyPreviousOp = previousOp;
        this.lazyPreviousResult = previousResult;
        this.lazyPreviousSource1 = previousSource1;
        this.lazyPreviousSource2 = previousSource2;
    }

    public void setRflags(long rflags) {
        long old = rflags();
        this.lazyOp = X86FlagState.NONE;
        this.rflags = X86Rflags.normalize(rflags);
        if (((old ^ this.rflags) & X86Rflags.TF) != 0) {
            updateStepping();
        }
    }

    /** The breakpoints this CPU watches (see {@link #setBreakpoints}). */
    public X86Breakpoints breakpoints() {
        return breakpoints;
    }

    /**
     * Loads the debug registers' breakpoints (DR0-DR3 and DR7; I/O breakpoints are ignored).
     * While any is enabled, or RFLAGS.TF is set, the CPU runs one instruction at a time and
     * reports #DB to the platform as {@link X86Fault#debug}; otherwise it runs at full speed.
     * Called on this CPU's thread, between runs of guest code.
     */
    public void setBreakpoints(long dr0, long dr1, long dr2, long dr3, int dr7) {
        breakpoints.load(dr0, dr1, dr2, dr3, dr7);
        mmu.watch(breakpoints.watchesData() ? breakpoints : null);
        updateStepping();
    }

    /**
     * Attaches a debugger's stops: the region builder puts a stop before every instruction at an
     * address in {@code stops} (the debugger invalidates the regions of a page when it changes
     * its stops there), so code without stops runs as before.
     */
    public void attachDebugStops(X86DebugStops stops) {
        this.debugStops = stops;
    }

    /** The debugger's stops, or null. */
    public X86DebugStops debugStops() {
        return debugStops;
    }

    /** The next debugger stop at {@code rip} lets its instruction run (resuming from that stop). */
    public void skipDebugStopOnce(long rip) {
        debugSkipRip = rip;
    }

    /** A debugger stop at {@code rip} asks: true (once) when the debugger resumes there. */
    public boolean consumeDebugSkip(long rip) {
        if (debugSkipRip == rip) {
            debugSkipRip = -1;
            return true;
        }
        return false;
    }

    /**
     * The debugger single-steps this CPU: with {@code on}, the next instruction runs alone and
     * {@link #run} then returns {@link X86DebugStop#step}; the guest sees no trap.
     */
    public void setDebuggerStepping(boolean on) {
        debuggerStepping = on;
        updateStepping();
    }

    public boolean debuggerStepping() {
        return debuggerStepping;
    }

    /**
     * Loads the debugger's data watchpoints, in DR0-DR3/DR7 form; the guest's debug registers
     * are untouched. Only the pages they touch leave the fast path ({@link X86Mmu#watchForDebugger}):
     * an instruction about to touch one runs again alone, and {@link #run} returns
     * {@link X86DebugStop#watch} after it when it hit one. The slots set in
     * {@code readOnlySlots} (R/W 11 in DR7) catch reads only: a debugger's read watchpoint,
     * which the CPU's own debug registers cannot express.
     */
    public void setDebuggerWatchpoints(long[] addresses, int dr7, int readOnlySlots) {
        debuggerWatchpoints.load(addresses[0], addresses[1], addresses[2], addresses[3], dr7);
        debuggerWatchpoints.catchReadsOnly(readOnlySlots);
        mmu.watchForDebugger(debuggerWatchpoints.watchesData() ? debuggerWatchpoints : null, this::debuggerWatchHitAhead);
        debuggerWatchStep = false;
        updateStepping();
    }

    /** The MMU met a debugger watchpoint in translated code: run that instruction again alone, then stop after it. */
    private void debuggerWatchHitAhead() {
        debuggerWatchStep = true;
        updateStepping();
    }

    /** True while the instruction at RIP must run alone because it touches a debugger watchpoint. */
    public boolean debuggerWatchStep() {
        return debuggerWatchStep;
    }

    /** The instruction that touched a debugger watchpoint has run alone: back to translated code. */
    public void endDebuggerWatchStep() {
        debuggerWatchStep = false;
        updateStepping();
    }

    /**
     * RFLAGS as translated code writes it back at a region exit, without the single-step
     * bookkeeping of {@link #setRflags}: the only instruction there that can set TF, POPF, calls
     * {@link #trapFlagLoaded} itself, so region exits pay nothing for debugging.
     */
    public void restoreRflags(long rflags) {
        this.lazyOp = X86FlagState.NONE;
        this.rflags = X86Rflags.normalize(rflags);
    }

    /** POPF loaded TF: the dispatcher looks at whether to single-step before running on. */
    @TruffleBoundary
    public void trapFlagLoaded() {
        raiseHardStop();
    }

    /**
     * True while the CPU runs one instruction at a time (TF set or a breakpoint armed). The
     * dispatcher asks only when the stop flag is set, and the answer is brought up to date then.
     */
    public boolean stepping() {
        if (stepping != steppingWanted()) {
            updateStepping();
        }
        return stepping;
    }

    private boolean steppingWanted() {
        return breakpoints.armed() || (rflags & X86Rflags.TF) != 0 || debuggerStepping || debuggerWatchStep;
    }

    @TruffleBoundary
    private void updateStepping() {
        stepping = steppingWanted();
        recomputeStop();
    }

    /** Counts one call into the platform for a fault or a syscall (made by the translated code's exits). */
    public void notePlatformEntry() {
        platformEntries++;
    }

    public long platformEntries() {
        return platformEntries;
    }

    public int segment(int seg) {
        return segments[seg];
    }

    public void setSegment(int seg, int selector) {
        segments[seg] = selector & 0xFFFF;
    }

    public long fsBase() {
        return fsBase;
    }

    public void setFsBase(long fsBase) {
        this.fsBase = fsBase;
    }

    public long gsBase() {
        return gsBase;
    }

    public void setGsBase(long gsBase) {
        this.gsBase = gsBase;
    }

    public long cr2() {
        return cr2;
    }

    public void setCr2(long cr2) {
        this.cr2 = cr2;
    }

    public long cr3() {
        return mmu.cr3();
    }

    /** Loads CR3 (the machine address of the L4 table) and flushes the TLB. */
    public void setCr3(long l4MachineAddress) {
        mmu.setCr3(l4MachineAddress);
    }

    public void flushTlb() {
        mmu.flush();
    }

    public void invalidatePage(long linearAddress) {
        mmu.invalidatePage(linearAddress);
    }

    /** Walks the page tables as a CPL-3 access; returns the machine address or -1 when that access would fault. */
    public long translate(long linearAddress, boolean write) {
        return mmu.probe(linearAddress, write ? X86Mmu.ACCESS_WRITE : X86Mmu.ACCESS_READ);
    }

    /**
     * Copies guest-virtual memory with CPL-3 permissions, possibly across pages; false (and
     * nothing copied) if any page would fault. Never throws for guest addresses.
     */
    public boolean copyFromGuest(long linearAddress, byte[] dst, int offset, int length) {
        return mmu.copyFromGuest(linearAddress, dst, offset, length);
    }

    /**
     * Copies into guest-virtual memory with CPL-3 permissions, possibly across pages; false (and
     * nothing written) if any page would fault. Sets accessed/dirty bits and invalidates
     * translated code the write overlaps.
     */
    public boolean copyToGuest(long linearAddress, byte[] src, int offset, int length) {
        return mmu.copyToGuest(linearAddress, src, offset, length);
    }

    /** {@link #run()} returns {@code reason} at the next region exit or back edge. */
    public void requestExit(Object reason) {
        EXIT_REASON.setRelease(this, reason == null ? "exit" : reason);
        raiseHardStop();
    }

    /**
     * Thread-safe: as {@link #requestExit}, unless an exit is already requested (that reason
     * stays). For requests that must never displace another, such as a profiler's samples.
     */
    public void requestExitIfNone(Object reason) {
        if (EXIT_REASON.compareAndSet(this, null, reason)) {
            raiseHardStop();
        }
    }

    /** Raises both stop flags, after the cause was written: every back edge stops. */
    private void raiseHardStop() {
        HARD_STOP.setRelease(this, true);
        STOP.setRelease(this, true);
    }

    /** Thread-safe: {@code platform.attention(this)} is called at the next region exit or back edge. */
    public void requestAttention() {
        attentionRequests.incrementAndGet();
        FULL_ATTENTION.setRelease(this, true);
        ATTENTION.setRelease(this, true);
        raiseHardStop();
    }

    /**
     * Asks for attention at the next loop back edge, exit or hypercall return, where serving it
     * need not end the region: for a request that only wants to look again soon (a scheduler's
     * hand-off window). {@link #requestAttention} also makes a region running stale code leave.
     * Translated code does not stop for a poll at a return within its region ({@link
     * #stopRequestedBeyondPoll}): a poll asked for after a hypercall is then served at the next
     * hypercall, exit or other back edge, not at each return on the way there.
     */
    public void requestPoll() {
        ATTENTION.setRelease(this, true);
        STOP.setRelease(this, true);
    }

    /** Counts {@link #requestAttention} calls: a change tells that one came meanwhile. */
    public long attentionRequests() {
        return attentionRequests.get();
    }

    public boolean attentionRequested() {
        return attention;
    }

    public void clearAttention() {
        FULL_ATTENTION.setRelease(this, false);
        ATTENTION.setRelease(this, false);
        recomputeStop();
    }

    /**
     * Brings the stop flags up to date from their causes. A request from another thread writes
     * its cause, then the flag; this writes the flags, fences, then reads the causes again, so a
     * request that raced with the first writes keeps its stop.
     */
    private void recomputeStop() {
        HARD_STOP.setRelease(this, fullAttention || exitReason != null || stepping);
        STOP.setRelease(this, attention || exitReason != null || stepping);
        java.lang.invoke.VarHandle.fullFence();
        if (fullAttention || exitReason != null) {
            HARD_STOP.setRelease(this, true);
        }
        if (attention || exitReason != null) {
            STOP.setRelease(this, true);
        }
    }

    /** True when translated code must stop at its next back edge (exit or attention pending, or single-stepping). */
    public boolean stopRequested() {
        return stop;
    }

    /**
     * The stop flag for anything but a poll ({@link #requestPoll}): what translated code checks
     * at a return within its region. Every loop there has another back edge, or is made of
     * returns alone (code that pushes its own return addresses), whose polls wait for the next
     * exit or hypercall; the scheduler's tick bounds that wait.
     */
    public boolean stopRequestedBeyondPoll() {
        return hardStop;
    }

    public boolean exitRequested() {
        return exitReason != null;
    }

    /**
     * True when the stop flag is set for more than attention: an exit, single stepping, or a cause
     * that sets the flag alone (TF loaded). Code that has just served attention may run on to its
     * next back edge or exit while this is false.
     */
    public boolean stopsForMoreThanAttention() {
        return stop && (!attention || exitReason != null || stepping());
    }

    /** Runs guest code from {@link #rip()} until {@link #requestExit}; returns the reason. Re-callable. */
    public Object run() {
        engine.run(this);
        // Taken atomically: a request made from another thread meanwhile stays for the next run.
        Object reason = EXIT_REASON.getAndSet(this, null);
        recomputeStop();
        return reason;
    }

    /** With tracing enabled: the last 64 executed instruction RIPs, oldest first; otherwise empty. */
    public long[] recentRips() {
        if (traceRing == null) {
            return new long[0];
        }
        int count = (int) Math.min(traceCount, TRACE_LENGTH);
        long[] result = new long[count];
        for (int i = 0; i < count; i++) {
            result[i] = traceRing[(traceNext - count + i + TRACE_LENGTH) % TRACE_LENGTH];
        }
        return result;
    }

    /** Records one executed instruction (called by translated code only when tracing is on). */
    public void traceInstruction(long instructionRip) {
        traceRing[traceNext] = instructionRip;
        traceNext = (traceNext + 1) & (TRACE_LENGTH - 1);
        traceCount++;
    }
}
