package dev.trufflexen.launcher.debug;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86DebugStop;
import dev.trufflexen.x86.cpu.X86DebugStops;
import dev.trufflexen.x86.mmu.X86Mmu;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.Vcpu;

/**
 * Stops, steps and resumes a domain for the monitor and the GDB stub, and keeps their
 * breakpoints and watchpoints. The guest sees none of it: breakpoints are the CPU's debugger
 * stops ({@link X86DebugStops}), put into the translated code of their page only, and
 * watchpoints are the CPU's debugger watch, not the guest's debug registers.
 *
 * <p>All-stop, over every vCPU: the vCPU that meets a stop (breakpoint, step, watchpoint,
 * pause) reports it on its own thread ({@link #stopped}), and the debugger then holds every vCPU
 * with a pause of its own (Xen's vcpu_pause, counted apart from the toolstack's): each leaves
 * guest code and the scheduler keeps it off its run queue, no thread waits for the debugger.
 * Continuing undoes the holds; stepping undoes one vCPU's hold with the CPU's debugger
 * single-step set, so that vCPU runs one instruction while the others stay stopped. What changes
 * a CPU (stepping, watchpoints, a breakpoint to run past) is set while its vCPU is held and off
 * the CPU, before the scheduler runs it again. A debugger thread reads and writes registers and
 * memory only while the domain is stopped ({@link #whileStopped}).
 */
public final class DomainDebugger implements Domain.Debugger {
    /** How long a pause waits for the vCPUs to leave guest code. */
    private static final long PAUSE_TIMEOUT_MS = 5_000;

    /** What stops at an instruction: gdb's software (Z0) and hardware (Z1) breakpoints, the monitor's tbreak. */
    public enum BreakKind { SOFTWARE, HARDWARE, TEMPORARY }

    /** An instruction breakpoint. */
    public record Breakpoint(int id, long address, BreakKind kind) {
    }

    /** Which accesses a watchpoint catches (gdb's Z2 write, Z3 read, Z4 access). */
    public enum Access { WRITE, READ, ACCESS }

    /** A data watchpoint in one of the CPU's four debugger watch slots. */
    public record Watchpoint(int id, long address, int length, Access access) {
    }

    private final Domain domain;
    private final X86DebugStops stops = new X86DebugStops();
    private final Map<Long, Breakpoint> breakpoints = new TreeMap<>();
    private final Watchpoint[] watchSlots = new Watchpoint[4];
    private final List<Consumer<X86DebugStop>> listeners = new CopyOnWriteArrayList<>();
    private final GuestProfiler profiler;
    private int nextId = 1;
    /** The vCPUs this debugger holds paused, by id. */
    private final boolean[] held;
    /** A vCPU has met a stop and is holding the others: later stops join it unreported. */
    private boolean stopping;
    /** The stop is reported and every vCPU is held. */
    private boolean stopped;
    private boolean watchChanged;
    private X86DebugStop lastStop;
    /** The vCPU that reported the last stop. */
    private int stopVcpu;
    /** The vCPU whose registers {@link #cpu()} shows: the one that stopped, or the one chosen. */
    private int selected;
    private long stopCount;

    private DomainDebugger(Domain domain) {
        this.domain = domain;
        this.held = new boolean[domain.vcpus().size()];
        this.profiler = new GuestProfiler(domain);
    }

    /** Attaches a debugger to {@code domain} (once; before or while it runs). */
    public static DomainDebugger attach(Domain domain) {
        DomainDebugger debugger = new DomainDebugger(domain);
        debugger.stops.countExecutions();
        for (Vcpu vcpu : domain.vcpus()) {
            vcpu.cpu().attachDebugStops(debugger.stops);
        }
        // Regions built from now on count their executions (info regions); those built before keep
        // their code, so attaching to a running domain costs it no retranslation.
        domain.attachDebugger(debugger);
        return debugger;
    }

    public Domain domain() {
        return domain;
    }

    /** The CPU of the selected vCPU (read and write it only while stopped). */
    public synchronized X86Cpu cpu() {
        return domain.vcpus().get(selected).cpu();
    }

    /** The vCPU whose registers {@link #cpu()} shows. */
    public synchronized int selectedVcpu() {
        return selected;
    }

    /** Shows vCPU {@code id}'s registers through {@link #cpu()}; false when the domain has no such vCPU. */
    public synchronized boolean select(int id) {
        if (id < 0 || id >= held.length) {
            return false;
        }
        selected = id;
        return true;
    }

    /** The vCPU that reported the last stop. */
    public synchronized int stopVcpu() {
        return stopVcpu;
    }

    /** The domain's sampling profiler (its samples come through {@link #stopped}). */
    public GuestProfiler profiler() {
        return profiler;
    }

    /** Called with every reported stop, on the reporting vCPU's thread, once every vCPU is held. */
    public void onStop(Consumer<X86DebugStop> listener) {
        listeners.add(listener);
    }

    /** Stops calling {@code listener} (one added by {@link #onStop}). */
    public void removeStopListener(Consumer<X86DebugStop> listener) {
        listeners.remove(listener);
    }

    /** Makes the domain stop before its first instruction (call before it runs). */
    public void pauseBeforeStart() {
        domain.vcpu0().cpu().requestExit(X86DebugStop.pause());
    }

    @Override
    public void stopped(Vcpu vcpu, X86DebugStop stop) {
        if (stop.kind() == X86DebugStop.Kind.SAMPLE) {
            profiler.record(vcpu.cpu().rip()); // not a stop: the vCPU runs on
            return;
        }
        vcpu.cpu().setDebuggerStepping(false);
        synchronized (this) {
            if (stop.kind() == X86DebugStop.Kind.BREAKPOINT) {
                Breakpoint hit = breakpoints.get(stop.address());
                if (hit != null && hit.kind() == BreakKind.TEMPORARY) {
                    removeBreakpoint(hit);
                }
            }
            if (stopping || domain.isDying()) {
                // Another vCPU's stop is being reported: this one is held with the rest. A breakpoint
                // it met is met again when it resumes (it is not run past), so no hit is lost.
                hold(vcpu);
                return;
            }
            stopping = true;
            for (Vcpu each : domain.vcpus()) {
                hold(each);
            }
        }
        // Outside the lock: a vCPU meeting a stop meanwhile must get in to join this one.
        for (Vcpu other : domain.vcpus()) {
            if (other != vcpu) {
                other.awaitOffCpu(PAUSE_TIMEOUT_MS);
            }
        }
        synchronized (this) {
            stopped = true;
            lastStop = stop;
            stopVcpu = vcpu.id();
            selected = vcpu.id();
            stopCount++;
            notifyAll();
        }
        for (Consumer<X86DebugStop> listener : listeners) {
            listener.accept(stop);
        }
    }

    private void hold(Vcpu vcpu) {
        if (!held[vcpu.id()]) {
            held[vcpu.id()] = true;
            vcpu.pause();
        }
    }

    private void release(Vcpu vcpu) {
        if (held[vcpu.id()]) {
            held[vcpu.id()] = false;
            vcpu.unpause();
        }
    }

    /** Waits (briefly) until the held vCPUs are out of guest code, so their state is theirs no more. */
    private void awaitHeldOffCpu() {
        for (Vcpu vcpu : domain.vcpus()) {
            if (held[vcpu.id()]) {
                vcpu.awaitOffCpu(PAUSE_TIMEOUT_MS);
            }
        }
    }

    public synchronized boolean isStopped() {
        return stopped;
    }

    /** The last stop, or null before the first. */
    public synchronized X86DebugStop lastStop() {
        return lastStop;
    }

    /** Stops the running domain; returns the stop, or null when it is gone or did not stop in time. */
    public X86DebugStop pause() {
        synchronized (this) {
            if (stopped) {
                return lastStop;
            }
        }
        long before = stopCount();
        Vcpu reporter = domain.vcpus().stream().filter(v -> !v.isDown()).findFirst().orElse(domain.vcpu0());
        reporter.cpu().requestExit(X86DebugStop.pause());
        reporter.wake();
        return awaitStopAfter(before, PAUSE_TIMEOUT_MS);
    }

    private synchronized long stopCount() {
        return stopCount;
    }

    /** Waits until the domain has made its first stop (one asked for by {@link #pauseBeforeStart}). */
    public X86DebugStop awaitFirstStop() {
        return awaitStopAfter(0, PAUSE_TIMEOUT_MS);
    }

    /** Waits for a stop after the {@code before}-th; null when the domain died or the time ran out. */
    public synchronized X86DebugStop awaitStopAfter(long before, long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (stopCount == before || !stopped) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0 || domain.isDying()) {
                return null;
            }
            try {
                wait(Math.min(left, 100));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return lastStop;
    }

    /** Resumes every vCPU of a stopped domain; false when it was not stopped. */
    public synchronized boolean resume() {
        if (!stopped) {
            return false;
        }
        runOn(-1);
        return true;
    }

    /** Runs the selected vCPU for one instruction, the others staying stopped; returns the stop (a step, or a watchpoint it hit), or null. */
    public X86DebugStop step() {
        long before;
        synchronized (this) {
            if (!stopped) {
                return null;
            }
            before = stopCount;
            runOn(selected);
        }
        return awaitStopAfter(before, PAUSE_TIMEOUT_MS);
    }

    /**
     * Resumes without waiting for the next stop (every vCPU, or the selected one for one
     * instruction when {@code step}); returns the count to pass to {@link #awaitStopAfter}.
     */
    public synchronized long resumeAsync(boolean step) {
        long before = stopCount;
        if (stopped) {
            runOn(step ? selected : -1);
        }
        return before;
    }

    /** Releases every held vCPU, or only {@code stepping} (for one instruction) when it is not -1. */
    private void runOn(int stepping) {
        awaitHeldOffCpu();
        stopped = false;
        stopping = false;
        if (watchChanged) {
            loadWatchpoints();
        }
        // Continuing from a breakpoint runs its instruction (for the vCPU that reported it).
        X86Cpu reporter = domain.vcpus().get(stopVcpu).cpu();
        if ((stepping == -1 || stepping == stopVcpu) && breakpoints.containsKey(reporter.rip())) {
            reporter.skipDebugStopOnce(reporter.rip());
        }
        for (Vcpu vcpu : domain.vcpus()) {
            if (stepping == -1) {
                release(vcpu);
            } else if (vcpu.id() == stepping) {
                vcpu.cpu().setDebuggerStepping(true);
                release(vcpu);
            }
        }
        notifyAll();
    }

    /**
     * Runs {@code inspection} with the vCPU stopped: at once when it is, else by pausing it and
     * resuming it afterwards. A domain the toolstack paused (xl pause) is not running guest code
     * and will not reach a debugger stop: it is inspected as it is, under a pause of the
     * inspection's own so that an unpause meanwhile cannot set it running. Throws
     * {@link DebugException} when the domain is gone.
     */
    public <T> T whileStopped(Supplier<T> inspection) {
        if (domain.isDying()) {
            throw new DebugException("domain " + domain.id() + " (" + domain.name() + ") is gone");
        }
        boolean wasStopped = isStopped();
        if (!wasStopped && domain.isPausedByController()) {
            return whilePaused(inspection);
        }
        if (!wasStopped && pause() == null) {
            throw new DebugException("domain " + domain.id() + " did not stop"
                    + (domain.isDying() ? ": it is gone" : " within " + PAUSE_TIMEOUT_MS + " ms"));
        }
        if (wasStopped) {
            synchronized (this) {
                awaitHeldOffCpu();
            }
        }
        try {
            return inspection.get();
        } finally {
            if (!wasStopped) {
                resume();
            }
        }
    }

    private <T> T whilePaused(Supplier<T> inspection) {
        domain.pause();
        try {
            for (Vcpu vcpu : domain.vcpus()) {
                if (!vcpu.awaitOffCpu(PAUSE_TIMEOUT_MS)) {
                    throw new DebugException("domain " + domain.id() + " is paused, but vCPU " + vcpu.id()
                            + " did not leave guest code within " + PAUSE_TIMEOUT_MS + " ms");
                }
            }
            return inspection.get();
        } finally {
            domain.unpause();
        }
    }

    /** Adds a breakpoint at {@code address}; an existing one there is returned as it is. */
    public synchronized Breakpoint insertBreakpoint(long address, BreakKind kind) {
        Breakpoint existing = breakpoints.get(address);
        if (existing != null) {
            return existing;
        }
        Breakpoint breakpoint = new Breakpoint(nextId++, address, kind);
        breakpoints.put(address, breakpoint);
        stops.add(address);
        retranslate(address);
        return breakpoint;
    }

    /** Removes the breakpoint at {@code address}; false when there is none. */
    public synchronized boolean removeBreakpointAt(long address) {
        Breakpoint breakpoint = breakpoints.get(address);
        if (breakpoint == null) {
            return false;
        }
        removeBreakpoint(breakpoint);
        return true;
    }

    private void removeBreakpoint(Breakpoint breakpoint) {
        breakpoints.remove(breakpoint.address());
        stops.remove(breakpoint.address());
        retranslate(breakpoint.address());
    }

    /** Drops the translations of the page holding {@code address}: it is retranslated with its stops as they are now. */
    private void retranslate(long address) {
        X86Cpu current = cpu();
        long machine = current.mmu().probe(address, X86Mmu.ACCESS_READ);
        if (machine < 0) {
            return;
        }
        java.util.Set<Object> done = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Vcpu vcpu : domain.vcpus()) {
            if (done.add(vcpu.cpu().codeCache())) {
                vcpu.cpu().codeCache().invalidateFrame(machine >>> 12);
            }
        }
    }

    /** Adds a watchpoint; throws {@link DebugException} when the four slots are taken or the range is bad. */
    public synchronized Watchpoint insertWatchpoint(long address, int length, Access access) {
        if (length != 1 && length != 2 && length != 4 && length != 8 || (address & (length - 1)) != 0) {
            throw new DebugException("a watchpoint covers 1, 2, 4 or 8 bytes aligned to its length, not "
                    + length + " at 0x" + Long.toHexString(address));
        }
        for (int slot = 0; slot < watchSlots.length; slot++) {
            if (watchSlots[slot] == null) {
                watchSlots[slot] = new Watchpoint(nextId++, address, length, access);
                watchChanged = true;
                applyIfStopped();
                return watchSlots[slot];
            }
        }
        throw new DebugException("all 4 watchpoints are in use");
    }

    /** Removes the watchpoint with these fields; false when there is none. */
    public synchronized boolean removeWatchpoint(long address, int length, Access access) {
        for (int slot = 0; slot < watchSlots.length; slot++) {
            Watchpoint w = watchSlots[slot];
            if (w != null && w.address() == address && w.length() == length && w.access() == access) {
                watchSlots[slot] = null;
                watchChanged = true;
                applyIfStopped();
                return true;
            }
        }
        return false;
    }

    /** Deletes a breakpoint or watchpoint by its id; false when none has it. */
    public synchronized boolean delete(int id) {
        for (Breakpoint b : breakpoints.values()) {
            if (b.id() == id) {
                removeBreakpoint(b);
                return true;
            }
        }
        for (Watchpoint w : watchSlots) {
            if (w != null && w.id() == id) {
                return removeWatchpoint(w.address(), w.length(), w.access());
            }
        }
        return false;
    }

    /** Removes every breakpoint and watchpoint (gdb's detach). */
    public synchronized void clearAll() {
        for (Breakpoint b : new ArrayList<>(breakpoints.values())) {
            removeBreakpoint(b);
        }
        java.util.Arrays.fill(watchSlots, null);
        watchChanged = true;
        applyIfStopped();
    }

    public synchronized List<Breakpoint> breakpoints() {
        return List.copyOf(breakpoints.values());
    }

    public synchronized List<Watchpoint> watchpoints() {
        List<Watchpoint> all = new ArrayList<>();
        for (Watchpoint w : watchSlots) {
            if (w != null) {
                all.add(w);
            }
        }
        return all;
    }

    /** The watchpoints whose slots are set in {@code slots} (the B bits of a watch stop). */
    public synchronized List<Watchpoint> watchpointsHit(int slots) {
        List<Watchpoint> hit = new ArrayList<>();
        for (int slot = 0; slot < watchSlots.length; slot++) {
            if ((slots & 1 << slot) != 0 && watchSlots[slot] != null) {
                hit.add(watchSlots[slot]);
            }
        }
        return hit;
    }

    /** Watchpoints load into the CPUs while their vCPUs are held: now if the domain is stopped, else when it next runs on. */
    private void applyIfStopped() {
        if (stopped) {
            loadWatchpoints();
        }
    }

    private void loadWatchpoints() {
        long[] addresses = new long[4];
        int dr7 = 0;
        int readOnly = 0;
        for (int slot = 0; slot < 4; slot++) {
            Watchpoint w = watchSlots[slot];
            if (w == null) {
                continue;
            }
            addresses[slot] = w.address();
            // x86 has no read-only data breakpoint (R/W 11 is read or write), but the debugger's watch
            // is the CPU's emulation, which tells reads from writes: READ is R/W 11 ignoring writes.
            int rw = w.access() == Access.WRITE ? 1 : 3;
            if (w.access() == Access.READ) {
                readOnly |= 1 << slot;
            }
            int len = switch (w.length()) {
                case 1 -> 0;
                case 2 -> 1;
                case 8 -> 2;
                default -> 3;
            };
            dr7 |= 1 << (2 * slot) | rw << (16 + 4 * slot) | len << (18 + 4 * slot);
        }
        awaitHeldOffCpu();
        for (Vcpu vcpu : domain.vcpus()) {
            vcpu.cpu().setDebuggerWatchpoints(addresses, dr7, readOnly);
        }
        watchChanged = false;
    }
}
