package dev.trufflexen.x86.region;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Whether a region is still entered in the interpreter, and often enough, when the compiler
 * gets to its first-tier compilation.
 *
 * <p>Truffle queues a region for compilation once it has been entered often enough, and the
 * queue may be long: in a kernel's boot the compiler is busy from start to end, and a region
 * hot in one phase of the boot waits while the boot moves on; a function called from a loop is
 * queued while the loop runs in the interpreter and is inlined into the loop's OSR code before
 * its own turn comes. Compiling such a region buys nothing and delays the regions that are hot
 * now. So each region stamps the time of each of its first {@link #STAMP_EVERY} interpreted
 * entries and of every {@link #STAMP_EVERY}th after them, and its first-tier compilation goes
 * ahead only if the region was entered within its usual gap between stamps (times {@link
 * #QUIET_FACTOR}, plus {@link #slackNanos}); otherwise the region declines it ({@code
 * RootNode.prepareForCompilation} false: Truffle's retryable bailout, before any partial
 * evaluation). A declined region that is entered again is queued again by Truffle on that
 * entry, and a region declines once only, so one used in bursts (a timer's handler, a phase of
 * a boot that comes back) compiles at its second request. OSR and last-tier
 * compilations are never declined: a loop's region is entered once and then loops, and a
 * last-tier compilation follows first-tier code, which does not enter the interpreter at all.
 *
 * <p><b>Busy enough.</b> Truffle counts entries and loop iterations without regard to time, so
 * a region run a few times each round by a benchmark driver's output code, or now and then by
 * a kernel, reaches its first-tier threshold eventually and compiles: 50-130 KB of machine
 * code and 0.2-0.9 s of compiler time each, which on a two-CPU host the compiler threads take
 * from the guest's vCPU while it runs, for code whose interpretation costs it a few thousand
 * guest instructions a second. So each region counts the guest instructions the interpreter
 * runs in it ({@link #ran}), and its first-tier compilation also declines while they come
 * slower than the engine option {@code x86.MinCompileRate} a second (1,000,000 by default; {@link #slow}), judged over windows of at least
 * {@link #RATE_WINDOW_NANOS}. That rate is a few percent of what the interpreter
 * runs on one CPU, which a compilation of 0.2-0.9 s takes about a minute to win back; a
 * region whose loop runs in the interpreter (an interpreter's dispatch loop waiting for its
 * OSR compilation: 29 million a second) compiles at once. Entry rates alone would have
 * declined that one: it was entered three times a second. This rule declines as often as
 * Truffle asks, since only recent rates decide it.
 *
 * <p>The stamps are racy hints across vCPUs sharing a region; a wrong guess costs one
 * compilation more or later, never correctness.
 */
final class X86RecentUse {
    /** {@code -Dtrufflexen.skipStaleCompilations=false} compiles every queued region, as Truffle does. */
    static final boolean SKIP_STALE = !"false".equals(System.getProperty("trufflexen.skipStaleCompilations"));
    /** The quiet time always allowed, in ms ({@code -Dtrufflexen.staleCompileMillis}). */
    static final long SLACK_NANOS = Long.getLong("trufflexen.staleCompileMillis", 20) * 1_000_000L;
    /** Interpreted entries per time stamp (a power of two): a clock read per entry would cost the interpreter. */
    static final int STAMP_EVERY = 64;
    /** How many of its usual gaps between stamps a region may be quiet and still count as in use. */
    static final int QUIET_FACTOR = 4;
    private static final AtomicLong DECLINED = new AtomicLong();
    /** How long a window lasts at least before its rate is judged ({@link #slow}): 20 ms. */
    static final long RATE_WINDOW_NANOS = 20_000_000L;
    private static final AtomicLong SLOW = new AtomicLong();

    private final LongSupplier clock;
    private final long slackNanos;
    private final long createdNanos;
    private volatile long lastStampNanos;
    /** Whether a compilation was declined: a region declines once, and compiles when queued again. */
    private volatile boolean declinedOnce;
    private int entries;
    private final long minRate;
    /** The start of the window {@link #slow} judges: a time and the instructions interpreted before it. */
    private long windowStartNanos;
    private long windowStartInterpreted;
    /** Guest instructions run in the interpreter so far ({@link #ran}; racy across vCPUs: a hint). */
    private long interpreted;

    /** A region's use; {@code minRate}: the engine's {@code x86.MinCompileRate} ({@link #slow}). */
    X86RecentUse(long minRate) {
        this(System::nanoTime, SLACK_NANOS, minRate);
    }

    X86RecentUse(LongSupplier clock, long slackNanos) {
        this(clock, slackNanos, 0);
    }

    X86RecentUse(LongSupplier clock, long slackNanos, long minRate) {
        this.clock = clock;
        this.slackNanos = slackNanos;
        this.minRate = minRate;
        this.createdNanos = clock.getAsLong();
        this.lastStampNanos = createdNanos;
        this.windowStartNanos = createdNanos;
    }

    /** An entry in the interpreter. */
    void entered() {
        if (++entries <= STAMP_EVERY || (entries & (STAMP_EVERY - 1)) == 0) {
            lastStampNanos = clock.getAsLong();
        }
    }

    /** Guest instructions of a block the interpreter ran in this region. */
    void ran(int instructions) {
        interpreted += instructions;
    }

    /** Interpreted entries so far (racy across vCPUs: a hint, not a count). */
    int entries() {
        return entries;
    }

    /**
     * On the compiler's thread, at a first-tier compilation: true when the region has been quiet
     * for longer than its usual gap between stamps allows (the compilation is then declined).
     */
    boolean quiet() {
        if (declinedOnce || entries == 0) {
            return false; // declined before, or compiled before its first run (engine.CompileImmediately)
        }
        long last = lastStampNanos;
        long usualGap = (last - createdNanos) / Math.max(1, entries / STAMP_EVERY);
        if (clock.getAsLong() - last > slackNanos + QUIET_FACTOR * usualGap) {
            declinedOnce = true;
            DECLINED.incrementAndGet();
            return true;
        }
        return false;
    }

    /**
     * On the compiler's thread, at a first-tier compilation: true when the guest instructions
     * the interpreter ran in this region lately came slower than {@link #minRate} a second (the
     * compilation is then declined). The rate is judged over a window of at least
     * {@link #RATE_WINDOW_NANOS}, so a burst does not pass for a rate (a younger window
     * declines without a verdict); a window judged slow starts again now, so a region that
     * gets busy later compiles once its new window is fast enough.
     */
    boolean slow() {
        if (minRate <= 0 || entries == 0) {
            return false; // no minimum, or compiled before its first run (engine.CompileImmediately)
        }
        long now = clock.getAsLong();
        long elapsed = now - windowStartNanos;
        long ran = interpreted - windowStartInterpreted;
        if (elapsed < RATE_WINDOW_NANOS) {
            SLOW.incrementAndGet();
            return true; // too short a window to tell a rate from a burst: Truffle asks again
        }
        if (ran * 1_000_000_000.0 >= (double) minRate * elapsed) {
            return false;
        }
        windowStartNanos = now;
        windowStartInterpreted = interpreted;
        SLOW.incrementAndGet();
        return true;
    }

    /** First-tier compilations declined so far in this JVM, for tests and diagnostics. */
    static long declinedCompilations() {
        return DECLINED.get();
    }

    /** First-tier compilations declined for a slow rate so far in this JVM ({@link #slow}). */
    static long slowDeclines() {
        return SLOW.get();
    }
}
