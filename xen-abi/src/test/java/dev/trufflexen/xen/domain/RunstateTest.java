package dev.trufflexen.xen.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/**
 * The runstate's totals: each change closes the state left at the time given, and a snapshot
 * taken while other threads change the state is one consistent copy (a reader never sees the
 * totals of one change with the entry time of another).
 */
class RunstateTest {
    /** A clock that moves one nanosecond at each read: every read is a distinct, later time. */
    private static final class StepClock {
        final AtomicLong now = new AtomicLong(1000);

        long read() {
            return now.incrementAndGet();
        }
    }

    private static long total(Runstate.Snapshot s) {
        return s.running() + s.runnable() + s.blocked() + s.offline();
    }

    @Test
    void changesCloseTheStateLeftAtTheTimeGiven() {
        StepClock clock = new StepClock();
        Runstate runstate = new Runstate(clock::read, Runstate.RUNNING); // entered at 1001
        runstate.change(Runstate.BLOCKED, 1101);
        runstate.change(Runstate.BLOCKED, 1200); // already there: no change
        runstate.change(Runstate.RUNNABLE, 1050); // before the entry: taken as the entry time
        runstate.change(Runstate.RUNNING, 1301);
        Runstate.Snapshot s = runstate.snapshot();
        assertEquals(Runstate.RUNNING, s.state());
        assertEquals(1301, s.stateEntryTime());
        assertEquals(100, s.running() - (clock.now.get() - 1301), "running: 1001-1101, then since 1301");
        assertEquals(0, s.blocked(), "blocked entered and left at 1101");
        assertEquals(200, s.runnable(), "runnable 1101-1301");
        assertEquals(0, s.offline());
    }

    /**
     * Two writers (as the scheduler's lock holder and an unpausing thread) change the state as fast
     * as they can while a reader checks each snapshot against the clock read around it: the totals
     * add up to the time since the runstate began, which a torn copy would not.
     */
    @Test
    void snapshotsStayConsistentWhileTwoThreadsChangeTheState() throws Exception {
        StepClock clock = new StepClock();
        Runstate runstate = new Runstate(clock::read, Runstate.OFFLINE);
        long began = runstate.snapshot().stateEntryTime();
        String failure = null;
        Thread[] writers = new Thread[2];
        for (int w = 0; w < writers.length; w++) {
            int first = w;
            writers[w] = new Thread(() -> {
                for (int i = 0; i < 300_000; i++) {
                    runstate.change((first + i) % 4);
                }
            });
            writers[w].start();
        }
        int snapshots = 0;
        while (writers[0].isAlive() || writers[1].isAlive() || snapshots < 1000) {
            long before = clock.now.get();
            Runstate.Snapshot s = runstate.snapshot();
            long after = clock.now.get();
            long sinceBegan = total(s);
            if (failure == null && (sinceBegan < before - began || sinceBegan > after - began || s.stateEntryTime() > after)) {
                failure = "snapshot " + s + " taken between " + before + " and " + after + " does not add up to the time since " + began;
            }
            snapshots++;
        }
        for (Thread writer : writers) {
            writer.join();
        }
        assertNull(failure);
        assertTrue(snapshots >= 1000);
    }
}
