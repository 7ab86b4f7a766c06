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
 * <p>Threads: the vCPU reports a stop on its own thread ({@link #stopped}) and waits there,
 * inside this object's monitor, until a debugger thread resumes it; everything that changes the
 * CPU (stepping, watchpoints) is applied on the vCPU's thread before it runs on. A debugger
 * thread reads and writes registers and memory only while the vCPU is stopped
 * ({@link #whileStopped}): the stop and the resume are synchronized, so each side sees the
 * other's writes.
 */
public final class DomainDebugger implements Domain.Debugger {
    /** How long a pause waits for the vCPU to leave guest code. */
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
    private final X86Cpu cpu;
    private final X86DebugStops stops = new X86DebugStops();
    private final Map<Long, Breakpoint> breakpoints = new TreeMap<>();
    private final Watchpoint[] watchSlots = new Watchpoint[4];
    private final List<Consumer<X86DebugStop>> listeners = new CopyOnWriteArrayList<>();
    private final GuestProfiler profiler;
    private int nextId = 1;
    private boolean stopped;
    private boolean resumeRequested;
    private boolean stepRequested;
    private boolean watchChanged;
    private X86DebugStop lastStop;
    private long stopCount;

    private DomainDebugger(Domain domain) {
        this.domain = domain;
        this.cpu = domain.vcpu0().cpu();
        this.profiler = new GuestProfiler(domain);
    }

    /** Attaches a debugger to {@code domain} (once; before or while it runs). */
    public static DomainDebugger attach(Domain domain) {
        DomainDebugger debugger = new DomainDebugger(domain);
        debugger.cpu.attachDebugStops(debugger.stops);
        domain.attachDebugger(debugger);
        return debugger;
    }

    public Domain domain() {
        return domain;
    }

    /** The CPU of vCPU 0 (read and write it only while stopped). */
    public X86Cpu cpu() {
        return cpu;
    }

    /** The domain's sampling profiler (its samples come through {@link #stopped}). */
    public GuestProfiler profiler() {
        return profiler;
    }

    /** Called with every stop, on the vCPU's thread, before it waits. */
    public void onStop(Consumer<X86DebugStop> listener) {
        listeners.add(listener);
    }

    /** Stops calling {@code listener} (one added by {@link #onStop}). */
    public void removeStopListener(Consumer<X86DebugStop> listener) {
        listeners.remove(listener);
    }

    /** Makes the domain stop before its first instruction (call before it runs). */
    public void pauseBeforeStart() {
        cpu.requestExit(X86DebugStop.pause());
    }

    @Override
    public void stopped(Vcpu vcpu, X86DebugStop stop) {
        if (stop.kind() == X86DebugStop.Kind.SAMPLE) {
            profiler.record(vcpu.cpu().rip()); // not a stop: the vCPU runs on
            return;
        }
        cpu.setDebuggerStepping(false);
        if (stop.kind() == X86DebugStop.Kind.BREAKPOINT) {
            synchronized (this) {
                Breakpoint hit = breakpoints.get(stop.address());
                if (hit != null && hit.kind() == BreakKind.TEMPORARY) {
                    removeBreakpoint(hit);
                }
            }
        }
        synchronized (this) {
            stopped = true;
            lastStop = stop;
            stopCount++;
            notifyAll();
        }
        for (Consumer<X86DebugStop> listener : listeners) {
            listener.accept(stop);
        }
        synchronized (this) {
            while (!resumeRequested && !domain.isDying()) {
                try {
                    wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            resumeRequested = false;
            stopped = false;
            // The vCPU's own thread applies what the debugger changed while it was stopped.
            if (watchChanged) {
                loadWatchpoints();
            }
            if (stepRequested) {
                cpu.setDebuggerStepping(true);
                stepRequested = false;
            } else if (breakpoints.containsKey(cpu.rip())) {
                cpu.skipDebugStopOnce(cpu.rip()); // continuing from a breakpoint runs its instruction
            }
            notifyAll();
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
        cpu.requestExit(X86DebugStop.pause());
        domain.vcpu0().wake();
        return awaitStopAfter(before, PAUSE_TIMEOUT_MS);
    }

    private synchronized long stopCount() {
        return stopCount;
    }

    /** Waits until the vCPU has made its first stop (one asked for by {@link #pauseBeforeStart}). */
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

    /** Resumes a stopped domain; false when it was not stopped. */
    public synchronized boolean resume() {
        if (!stopped) {
            return false;
        }
        resumeRequested = true;
        stopped = false;
        notifyAll();
        return true;
    }

    /** Runs one instruction and stops; returns the stop (a step, or a watchpoint it hit), or null. */
    public X86DebugStop step() {
        long before;
        synchronized (this) {
            if (!stopped) {
                return null;
            }
            before = stopCount;
            stepRequested = true;
            resumeRequested = true;
            stopped = false;
            notifyAll();
        }
        return awaitStopAfter(before, PAUSE_TIMEOUT_MS);
    }

    /** Resumes without waiting for the next stop; returns the count to pass to {@link #awaitStopAfter}. */
    public synchronized long resumeAsync(boolean step) {
        long before = stopCount;
        if (stopped) {
            stepRequested = step;
            resumeRequested = true;
            stopped = false;
            notifyAll();
        }
        return before;
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
        long machine = cpu.mmu().probe(address, X86Mmu.ACCESS_READ);
        if (machine >= 0) {
            cpu.codeCache().invalidateFrame(machine >>> 12);
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

    /** Watchpoints load on the vCPU's thread: now if it is stopped here, else when it next stops. */
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
        cpu.setDebuggerWatchpoints(addresses, dr7, readOnly);
        watchChanged = false;
    }
}
