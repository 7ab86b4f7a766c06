package dev.trufflexen.x86.cpu;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A debugger's instruction stops (software and hardware breakpoints), by linear address, shared
 * by the CPUs of one guest ({@link X86Cpu#attachDebugStops}).
 *
 * <p>The guest never sees them: no byte of its memory changes. The region builder asks
 * {@link #stopsAt} while it translates and puts a stop node before such an instruction; the
 * debugger drops the translated code of a page whenever it changes a stop there, so the page is
 * retranslated with (or without) the stop while the rest of the guest keeps its compiled code.
 * A page the guest rewrites is retranslated the same way and keeps its stops.
 */
public final class X86DebugStops {
    private final Set<Long> addresses = ConcurrentHashMap.newKeySet();
    private volatile boolean countingExecutions;

    /**
     * Regions built from now on for these CPUs count how often they are entered (one add at each
     * region entry, for a monitor's {@code info regions}); without it they have no code for it.
     */
    public void countExecutions() {
        countingExecutions = true;
    }

    /** True when the builder gives regions an execution count. */
    public boolean countsExecutions() {
        return countingExecutions;
    }

    /** True when the builder must put a stop before the instruction at {@code rip}. */
    public boolean stopsAt(long rip) {
        return !addresses.isEmpty() && addresses.contains(rip);
    }

    /** Adds a stop; false when there was one already. The caller drops the page's translations. */
    public boolean add(long rip) {
        return addresses.add(rip);
    }

    /** Removes a stop; false when there was none. The caller drops the page's translations. */
    public boolean remove(long rip) {
        return addresses.remove(rip);
    }

    public boolean isEmpty() {
        return addresses.isEmpty();
    }
}
