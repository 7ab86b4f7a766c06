package dev.trufflexen.xen.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The scheduler's lock counts the times a thread had to wait for another's hold, and only those. */
class SchedulerLockTest {
    @Test
    void anUncontendedLockCountsNoWaitAndAHeldOneCountsOne() throws Exception {
        SchedulerLock lock = new SchedulerLock();
        lock.lock();
        lock.lock();
        lock.unlock();
        assertEquals(0, lock.waits(), "free, and re-entered by its holder: no wait");
        CountDownLatch trying = new CountDownLatch(1);
        Thread other = new Thread(() -> {
            trying.countDown();
            lock.lock();
            lock.unlock();
        });
        other.start();
        assertTrue(trying.await(10, TimeUnit.SECONDS));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!lock.hasQueuedThread(other)) {
            assertTrue(System.nanoTime() < deadline, "the other thread queued for the lock");
            Thread.onSpinWait();
        }
        lock.unlock();
        other.join(10_000);
        lock.lock();
        try {
            assertEquals(1, lock.waits(), "the other thread waited once");
        } finally {
            lock.unlock();
        }
    }
}
