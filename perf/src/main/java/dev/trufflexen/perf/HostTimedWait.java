package dev.trufflexen.perf;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What one timed wait costs the host with nothing else done: a thread waits on a condition for
 * a deadline, as an idle worker waits for a vCPU's timer, and the thread CPU it used per wake-up
 * is measured. The floor under the CPU an idle kernel's tick costs, which no scheduler change
 * can lower (only not waking can).
 */
final class HostTimedWait {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private HostTimedWait() {
    }

    /** Thread CPU (ns) per timed wait of {@code periodNs}, over {@code waits} waits on a fresh thread. */
    static double cpuPerWait(int waits, long periodNs) throws InterruptedException {
        double[] result = new double[1];
        Thread waiter = new Thread(() -> {
            ReentrantLock lock = new ReentrantLock();
            Condition never = lock.newCondition();
            long start = THREADS.getCurrentThreadCpuTime();
            lock.lock();
            try {
                for (int i = 0; i < waits; i++) {
                    long deadline = System.nanoTime() + periodNs;
                    long left;
                    while ((left = deadline - System.nanoTime()) > 0) {
                        never.awaitNanos(left);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                lock.unlock();
            }
            result[0] = (THREADS.getCurrentThreadCpuTime() - start) / (double) waits;
        }, "timed-wait-reference");
        waiter.start();
        waiter.join(TimeUnit.NANOSECONDS.toMillis(waits * periodNs * 4) + 10_000);
        return result[0];
    }
}
