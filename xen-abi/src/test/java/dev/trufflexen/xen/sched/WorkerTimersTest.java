package dev.trufflexen.xen.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The workers' timer heap: order, cancellation, and a bound on what cancelled timers leave behind. */
class WorkerTimersTest {
    @Test
    void dueTimersComeOutEarliestFirstAndCancelledOnesNever() {
        WorkerTimers timers = new WorkerTimers();
        List<String> ran = new ArrayList<>();
        timers.add(300, () -> ran.add("c"));
        WorkerTimers.Entry cancelled = timers.add(100, () -> ran.add("x"));
        timers.add(200, () -> ran.add("b"));
        timers.add(200, () -> ran.add("b2"));
        cancelled.cancel();
        assertEquals(200, timers.earliest(), "a cancelled head is dropped");
        for (WorkerTimers.Entry entry : timers.takeDue(250)) {
            assertTrue(entry.isDone(), "a timer taken to fire is done");
            entry.task.run();
        }
        assertEquals(List.of("b", "b2"), ran, "due ones, in deadline then arming order");
        assertEquals(300, timers.earliest());
        assertEquals(List.of(), timers.takeDue(299));
        assertEquals(2, timers.fired());
    }

    @Test
    void aGuestReArmingADistantDeadlineCannotGrowTheHeap() {
        WorkerTimers timers = new WorkerTimers();
        WorkerTimers.Entry last = null;
        for (int i = 0; i < 100_000; i++) {
            if (last != null) {
                last.cancel();
            }
            last = timers.add(Long.MAX_VALUE / 2 + i, () -> { });
        }
        assertTrue(timers.size() <= 128, "cancelled timers are purged: " + timers.size() + " held");
        assertEquals(Long.MAX_VALUE / 2 + 99_999, timers.earliest());
    }
}
