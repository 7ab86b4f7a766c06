package dev.trufflexen.x86.region;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link X86RegionHeat} on a clock of its own: the quota within one window turns a region hot, for good. */
class X86RegionHeatTest {
    private static final long MS = 1_000_000L;
    private long now = 1_000 * MS;

    private X86RegionHeat heat(long minRate) {
        return new X86RegionHeat(() -> now, minRate, 100);
    }

    @Test
    void aQuotaRunWithinOneWindowMakesTheRegionHot() {
        X86RegionHeat heat = heat(10_000); // 10,000 instructions within one second
        assertTrue(heat.cold());
        now += 500 * MS;
        heat.ran(9_999);
        assertTrue(heat.cold(), "one short of the quota");
        now += 400 * MS;
        heat.ran(1);
        assertFalse(heat.cold(), "10,000 instructions in 900 ms");
        now += 100_000 * MS;
        heat.ran(1);
        assertFalse(heat.cold(), "hot for good");
    }

    @Test
    void aSlowRateStaysColdHoweverLongItRuns() {
        X86RegionHeat heat = heat(10_000);
        for (int i = 0; i < 10_000; i++) {
            now += 10 * MS;
            heat.ran(90); // 9,000 a second, as a benchmark driver's output or a slow timer's handler
        }
        assertTrue(heat.cold(), "900,000 instructions, but never 10,000 within one second");
    }

    @Test
    void aWindowJudgedSlowStartsAgainSoALaterBurstCounts() {
        X86RegionHeat heat = heat(10_000);
        now += 5_000 * MS;
        heat.ran(10_000); // the quota, but over five seconds: slow, a new window starts now
        assertTrue(heat.cold());
        now += 1 * MS;
        heat.ran(10_000); // the quota again within 1 ms of the new window
        assertFalse(heat.cold());
    }

    /** {@code entries} entries {@code gapMs} apart, each running {@code instructions}. */
    private void enterEvery(X86RegionHeat heat, int entries, long gapMs, int instructions) {
        for (int i = 0; i < entries; i++) {
            now += gapMs * MS;
            heat.entered();
            heat.ran(instructions);
        }
    }

    @Test
    void aHundredEntriesWithinOneWindowMakeTheRegionHot() {
        X86RegionHeat heat = heat(10_000);
        enterEvery(heat, 99, 9, 5); // a timer's handler of a few instructions, 111 times a second
        assertTrue(heat.cold(), "99 entries");
        heat.entered();
        assertFalse(heat.cold(), "100 entries within 891 ms");
    }

    @Test
    void fewerEntriesASecondStayCold() {
        X86RegionHeat heat = heat(10_000);
        enterEvery(heat, 5_000, 20, 50); // 50 a second, as a benchmark driver's output
        assertTrue(heat.cold(), "5,000 entries, but never 100 within one second");
    }

    @Test
    void noMinimumRateIsHotFromTheStart() {
        assertFalse(heat(0).cold());
        assertFalse(heat(-1).cold());
        assertFalse(new X86RegionHeat(() -> now, 10_000, 0).cold());
    }
}
