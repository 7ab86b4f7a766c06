package dev.trufflexen.x86.region;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Whether a region is still entered in the interpreter when the compiler gets to its
 * first-tier compilation.
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

    private final LongSupplier clock;
    private final long slackNanos;
    private final long createdNanos;
    private volatile long lastStampNanos;
    /** Whether a compilation was declined: a region declines once, and compiles when queued again. */
    private volatile boolean declinedOnce;
    private int entries;

    X86RecentUse() {
        this(System::nanoTime, SLACK_NANOS);
    }

    X86RecentUse(LongSupplier clock, long slackNanos) {
        this.clock = clock;
        this.slackNanos = slackNanos;
        this.createdNanos = clock.getAsLong();
        this.lastStampNanos = createdNanos;
    }

    /** An entry in the interpreter. */
    void entered() {
        if (++entries <= STAMP_EVERY || (entries & (STAMP_EVERY - 1)) == 0) {
            lastStampNanos = clock.getAsLong();
        }
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

    /** First-tier compilations declined so far in this JVM, for tests and diagnostics. */
    static long declinedCompilations() {
        return DECLINED.get();
    }
}
