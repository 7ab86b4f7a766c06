package dev.trufflexen.x86.region;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import dev.trufflexen.x86.runtime.X86Counters;

/**
 * Whether a region runs enough in the interpreter for Truffle to count its calls towards
 * compiling it.
 *
 * <p><b>Why.</b> Truffle counts a call target's calls and never forgets them, so code that runs
 * a few times a second reaches its first-tier threshold in the end: a benchmark driver's
 * per-round output, a kernel's occasional paths. Each such compilation took 0.2-0.9 s of
 * compiler time for 30-150 KB of machine code, which on a two-CPU host the compiler threads
 * take from the vCPUs while they run, for code whose interpretation costs a few thousand guest
 * instructions a second. HotSpot's interpreter, in the same place, can let its counters decay
 * ({@code CounterHalfLifeTime}) so that rarely run methods stay interpreted. Declining such a
 * compilation when Truffle asks does not hold: Truffle asks again at the next call, so a
 * declined region is a compilation request at every call.
 *
 * <p><b>What.</b> A region starts cold. Its calls from the dispatcher, and chained calls to it
 * from a cold caller in the interpreter, run its root without its call target
 * ({@link X86RegionRootNode#runUncounted}), so Truffle sees no call and never asks; its loops
 * still count towards their OSR compilations, which come from back edges, not calls. The
 * interpreter adds up the guest instructions it runs in the region ({@link #ran}) and its
 * entries ({@link #entered}); once {@link #quota} instructions ({@code x86.MinCompileRate}
 * times the window: 10,000 by default) or {@link #entryQuota} entries
 * ({@code x86.MinCompileEntries}: 100) came within {@link #WINDOW_NANOS} (one second), the
 * region turns hot for good, and its calls go through its call target, to be counted and
 * compiled as Truffle decides. A window that ends short of both quotas starts again, so what
 * decides is the recent rate, never a total.
 *
 * <p><b>The rates.</b> A loop in the interpreter reaches the instruction quota within a
 * millisecond, and so does any burst of ten thousand instructions. An idle kernel's 250 Hz tick
 * runs its handler, its iret and its timer call through small regions that each run fewer than
 * 10,000 instructions a second; they reach the entry quota, and compile as before. A benchmark
 * driver's per-round output code ran 74-5,000 instructions a second. Without the entry quota the
 * tick's regions stayed interpreted: the idle tick's step from the upcall to its next
 * set_timer_op took 6.5-19 us against 2.4-5.5 us with every call counted.
 *
 * <p>One clock read per quota of instructions or entries; the fields are racy hints across
 * vCPUs sharing a region: a lost update costs a window, never correctness.
 */
final class X86RegionHeat {
    /** The window a region's quotas must be reached in to make it hot: one second, so the quotas are the options' rates. */
    static final long WINDOW_NANOS = 1_000_000_000L;
    private static final LongAdder UNCOUNTED_RUNS = new LongAdder();

    private final LongSupplier clock;
    /** Instructions per window that make the region hot; 0: hot from the start. */
    private final long quota;
    private boolean hot;
    private long windowStartNanos;
    private long ranInWindow;
    /** Entries per window that make the region hot. */
    private final long entryQuota;
    private long enteredInWindow;

    /**
     * A region's heat for the engine's {@code x86.MinCompileRate} ({@code minRate} instructions a
     * second) and {@code x86.MinCompileEntries} ({@code minEntries} entries a second); either 0 or
     * less: always hot.
     */
    X86RegionHeat(long minRate, long minEntries) {
        this(System::nanoTime, minRate, minEntries);
    }

    X86RegionHeat(LongSupplier clock, long minRate, long minEntries) {
        this.clock = clock;
        this.quota = minRate <= 0 || minEntries <= 0 ? 0 : minRate;
        this.entryQuota = Math.max(1, minEntries);
        this.hot = quota == 0;
        this.windowStartNanos = clock.getAsLong();
    }

    /** True while the region's calls run uncounted. */
    boolean cold() {
        return !hot;
    }

    /** An entry of the region in the interpreter. */
    void entered() {
        if (!hot && ++enteredInWindow >= entryQuota) {
            judge();
        }
    }

    /** Guest instructions of a block the interpreter ran in this region. */
    void ran(int instructions) {
        if (hot) {
            return;
        }
        ranInWindow += instructions;
        if (ranInWindow >= quota) {
            judge();
        }
    }

    /** A quota is reached: hot if within the window, otherwise a new window starts now. */
    private void judge() {
        long now = clock.getAsLong();
        if (now - windowStartNanos <= WINDOW_NANOS) {
            hot = true;
        } else {
            windowStartNanos = now;
            ranInWindow = 0;
            enteredInWindow = 0;
        }
    }

    /** Counts one call run without the call target. */
    static void countUncountedRun() {
        UNCOUNTED_RUNS.increment();
        if (X86Counters.ENABLED) {
            X86Counters.add(X86Counters.Event.UNCOUNTED_RUNS, 1);
        }
    }

    /** Region calls run without their call target so far in this JVM, for tests and diagnostics. */
    static long uncountedRuns() {
        return UNCOUNTED_RUNS.sum();
    }
}
