package dev.trufflexen.xen.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * Timers on the scheduler's workers whose deadline is too far to add to the clock (a guest's poll
 * timeout or single-shot deadline centuries ahead) are never due, rather than due at once.
 */
class FarTimerTest {
    @Test
    void aDeadlineCenturiesAwayNeverFiresWhileANearOneDoes() throws Exception {
        ScheduledThreadPoolExecutor timerThread = new ScheduledThreadPoolExecutor(1);
        try (HostScheduler scheduler = new HostScheduler(new SchedulerConfig(2, SchedulerKind.CREDIT), timerThread)) {
            CountDownLatch far = new CountDownLatch(1);
            CountDownLatch near = new CountDownLatch(1);
            TimerService.Timer farTimer = scheduler.schedule(far::countDown, Long.MAX_VALUE);
            scheduler.schedule(near::countDown, 1_000_000L);
            assertTrue(near.await(10, TimeUnit.SECONDS), "the 1 ms timer fired");
            assertFalse(far.await(100, TimeUnit.MILLISECONDS), "the far timer did not");
            assertTrue(farTimer.delayNs() > TimeUnit.DAYS.toNanos(365 * 100L), "due in " + farTimer.delayNs() + " ns");
            assertEquals(1, scheduler.timersFired());
            assertEquals(0, scheduler.unwatchedTimerWaits());
        } finally {
            timerThread.shutdownNow();
        }
    }
}
