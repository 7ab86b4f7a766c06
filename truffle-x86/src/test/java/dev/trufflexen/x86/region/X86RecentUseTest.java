package dev.trufflexen.x86.region;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** When a region declines its first-tier compilation: quiet for longer than its usual gap between stamps allows. */
class X86RecentUseTest {
    private static final long MS = 1_000_000L;
    private static final long SLACK = 20 * MS;
    private long now;

    private X86RecentUse use() {
        now = 1_000 * MS;
        return new X86RecentUse(() -> now, SLACK);
    }

    /** {@code count} entries {@code gap} apart. */
    private void enter(X86RecentUse use, int count, long gap) {
        for (int i = 0; i < count; i++) {
            now += gap;
            use.entered();
        }
    }

    /** A region that declined after a burst of 400 entries, then entered once more (Truffle queues it again). */
    private X86RecentUse declinedAndEnteredAgain() {
        X86RecentUse use = use();
        enter(use, 400, 10_000);
        now += 200 * MS;
        assertTrue(use.quiet());
        enter(use, 1, 10_000);
        return use;
    }

    @Test
    void regionEnteredJustNowIsInUse() {
        X86RecentUse use = use();
        enter(use, 400, 10_000); // 400 entries 10 us apart: queued for compilation
        now += 5 * MS;
        assertFalse(use.quiet());
    }

    @Test
    void regionQuietSinceItsBurstDeclines() {
        X86RecentUse use = use();
        enter(use, 400, 10_000);
        now += 200 * MS; // its loop's OSR code runs it inlined, or the boot moved on
        assertTrue(use.quiet());
    }

    @Test
    void slowlyEnteredRegionMayBeQuietForItsUsualGap() {
        X86RecentUse use = use();
        enter(use, 400, 50 * MS); // 20 entries a second: 3.2 s between stamps
        now += 5_000 * MS;
        assertFalse(use.quiet(), "quiet for 5 s of a usual 3.2 s gap between stamps");
        now += 10_000 * MS;
        assertTrue(use.quiet(), "quiet for 15 s: more than four usual gaps");
    }

    @Test
    void declinedRegionEnteredAgainIsInUseAtOnce() {
        X86RecentUse use = declinedAndEnteredAgain();
        now += 5 * MS;
        assertFalse(use.quiet(), "entered again after its decline: it compiles");
    }

    @Test
    void regionEnteredAFewTimesIsJudgedByItsLastEntry() {
        X86RecentUse use = use();
        now += 500 * MS;
        enter(use, 3, MS); // queued by its loop's back edges (x86.LoopsCompileRegion), not by entries
        now += 5 * MS;
        assertFalse(use.quiet(), "entered 5 ms ago");
    }

    @Test
    void regionCompiledBeforeItsFirstRunNeverDeclines() {
        X86RecentUse use = use();
        now += 10_000 * MS; // engine.CompileImmediately: compiled at its first call, however late
        assertFalse(use.quiet());
    }

    @Test
    void regionDeclinesOnceOnly() {
        X86RecentUse use = declinedAndEnteredAgain();
        now += 10_000 * MS; // queued again, and quiet again by its turn: a region used in bursts
        assertFalse(use.quiet(), "the second request compiles");
    }
}
