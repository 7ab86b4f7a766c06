package dev.trufflexen.x86.region;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link X86RegionHeat} on a clock of its own: the quota within one window turns a region hot, for good. */
class X86RegionHeatTest {
    private static final long MS = 1_000_000L;
    private long now = 1_000 * MS;

    private X86RegionHeat heat(long minRate) {
        return new X86RegionHeat(() -> now, minRate);
    }

    @Test
    void aQuotaRunWithinOneWindowMakesTheRegionHot() {
        X86RegionHeat heat = heat(1_000_000); // 20,000 instructions in 20 ms
        assertTrue(heat.cold());
        now += 5 * MS;
        heat.ran(19_999);
        assertTrue(heat.cold(), "one short of the quota");
        now += 10 * MS;
        heat.ran(1);
        assertFalse(heat.cold(), "20,000 instructions in 15 ms");
        now += 10_000 * MS;
        heat.ran(1);
        assertFalse(heat.cold(), "hot for good");
    }

    @Test
    void aSlowRateStaysColdHoweverLongItRuns() {
        X86RegionHeat heat = heat(1_000_000);
        for (int i = 0; i < 1000; i++) {
            now += 10 * MS;
            heat.ran(5_000); // 500,000 a second
        }
        assertTrue(heat.cold(), "5,000,000 instructions, but never 20,000 within 20 ms");
    }

    @Test
    void aWindowJudgedSlowStartsAgainSoALaterBurstCounts() {
        X86RegionHeat heat = heat(1_000_000);
        now += 500 * MS;
        heat.ran(20_000); // the quota, but over half a second: slow, a new window starts now
        assertTrue(heat.cold());
        now += 1 * MS;
        heat.ran(20_000); // the quota again within 1 ms of the new window
        assertFalse(heat.cold());
    }

    @Test
    void noMinimumRateIsHotFromTheStart() {
        assertFalse(heat(0).cold());
        assertFalse(heat(-1).cold());
    }
}
