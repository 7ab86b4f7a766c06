package dev.trufflexen.xen.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which thread wakes for the vCPUs' timers: an idle worker (the timekeeper) or, every worker busy, the timer thread. */
class TimerWatchTest {
    private final ReentrantLock lock = new ReentrantLock();
    private final ScheduledThreadPoolExecutor timerThread = new ScheduledThreadPoolExecutor(1);
    private final Pcpu[] pcpus = {worker(0), worker(1)};
    private final TimerWatch watch = new TimerWatch(lock, pcpus, timerThread);

    private Pcpu worker(int id) {
        Pcpu pcpu = new Pcpu(id);
        pcpu.wakeup = lock.newCondition();
        return pcpu;
    }

    @AfterEach
    void stopTimerThread() {
        timerThread.shutdownNow();
    }

    @Test
    void everyWorkerBusyTheTimerThreadFiresIt() throws Exception {
        CompletableFuture<String> firedOn = new CompletableFuture<>();
        lock.lock();
        try {
            watch.arm(System.nanoTime() + 1_000_000, () -> firedOn.complete(Thread.currentThread().getName()), null);
        } finally {
            lock.unlock();
        }
        String thread = firedOn.get(10, TimeUnit.SECONDS);
        assertTrue(thread.startsWith("pool-"), "fired on the timer thread, not " + thread);
        assertEquals(1, fired());
    }

    @Test
    void anIdleWorkerIsMadeTimekeeperAndTheTimerThreadIsLeftAlone() {
        lock.lock();
        try {
            pcpus[1].idle = true;
            watch.arm(System.nanoTime() + 5_000_000_000L, () -> { }, null);
            assertTrue(watch.isTimekeeper(pcpus[1]), "the idle worker watches");
            assertFalse(watch.isTimekeeper(pcpus[0]));
            assertTrue(timerThread.getQueue().isEmpty(), "no backstop while a worker watches");
        } finally {
            lock.unlock();
        }
    }

    @Test
    void theTimekeeperWaitsForTheDeadlineAndFiresOnItsOwnThread() throws Exception {
        CompletableFuture<Thread> firedOn = new CompletableFuture<>();
        Pcpu worker = pcpus[0];
        lock.lock();
        try {
            worker.idle = true;
            watch.arm(System.nanoTime() + 2_000_000, () -> firedOn.complete(Thread.currentThread()), null);
            assertTrue(timerThread.getQueue().isEmpty(), "no backstop while a worker watches");
        } finally {
            lock.unlock();
        }
        ScheduledExecutorService idleWorker = Executors.newSingleThreadScheduledExecutor();
        try {
            Thread ran = idleWorker.submit(() -> {
                lock.lock();
                try {
                    while (!watch.fireDue(worker)) {
                        watch.awaitWork(worker);
                    }
                    return Thread.currentThread();
                } finally {
                    lock.unlock();
                }
            }).get(10, TimeUnit.SECONDS);
            assertEquals(ran, firedOn.get(), "the worker that waited fired it");
        } finally {
            idleWorker.shutdownNow();
        }
        assertEquals(1, fired());
    }

    @Test
    void aWorkerLeavingIdlenessKeepsUnwatchedTimersInItsCare() {
        lock.lock();
        try {
            // The other worker idle, waiting for work only; the timer armed on a worker firing timers:
            // it looks at the heap itself, so nobody else is set to watch.
            pcpus[1].idle = true;
            pcpus[0].firingTimers = true;
            watch.arm(System.nanoTime() + 5_000_000_000L, () -> { }, pcpus[0]);
            pcpus[0].firingTimers = false;
            assertTrue(timerThread.getQueue().isEmpty());
            long now = System.nanoTime();
            watch.workerBusy(pcpus[0], now);
            assertEquals(now, pcpus[0].timersInCare, "nobody else watches: the worker keeps them in its care");
        } finally {
            lock.unlock();
        }
    }

    @Test
    void aClosedWatchArmsNoBackstop() {
        lock.lock();
        try {
            watch.close();
            watch.arm(System.nanoTime() + 1_000_000, () -> { }, null);
            assertTrue(timerThread.getQueue().isEmpty());
        } finally {
            lock.unlock();
        }
    }

    private long fired() {
        lock.lock();
        try {
            return watch.fired();
        } finally {
            lock.unlock();
        }
    }
}
