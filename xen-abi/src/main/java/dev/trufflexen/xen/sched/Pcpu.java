package dev.trufflexen.xen.sched;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;

/**
 * One host worker thread, the scheduler's physical CPU: the vCPU it runs and that run's timing.
 * Guarded by the scheduler's lock.
 */
final class Pcpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    final int id;
    Thread thread;
    SchedUnit current;
    /** The worker thread's CPU time when the current vCPU was last charged for the CPU it used. */
    long lastBurn;
    /** When (System.nanoTime) the current vCPU was last charged, or picked. */
    long lastChargeAt;
    /**
     * Set when the worker itself charged its last vCPU: {@link #lastBurn} is then the worker's
     * CPU clock read a moment ago, and a vCPU it picks without waiting starts from there (one
     * clock read per switch, not two).
     */
    boolean charged;
    /**
     * Set when the worker picked its vCPU after waiting idle without reading its CPU clock (a read
     * cost 1.5-5 us on the 2-core host, a tenth of an idle tick): {@link #lastBurn} is then from
     * before the wait, so the clock's difference at the next read also holds what the wait and the
     * timers fired meanwhile used, and that charge is capped at the wall time since the last one.
     */
    boolean burnFromBeforeIdle;
    /** When the current time slice ends. */
    long sliceEnd;
    /** When the current vCPU was asked to leave guest code for another (0: not asked). */
    long preemptAt;
    /** The worker thread's CPU time at that request. */
    long preemptCpuAt;
    boolean idle;
    /** While it fires due timers as an idle worker (the scheduler's lock released meanwhile). */
    boolean firingTimers;
    /** The deadline it waits for while it watches the timers. */
    long timekeeperDeadline;
    /** Since when the timers are in its care while its vCPU runs (0: they are not). */
    long timersInCare;
    /** While its worker deschedules its vCPU: it picks again right after, so vCPUs made runnable meanwhile are left to it. */
    boolean switchingOut;
    /** Set when it was signalled while idle and has not looked at the heap and run queue since. */
    boolean wakeSignalled;
    /** Signalled to wake this worker while it is idle. */
    Condition wakeup;
    /**
     * vCPUs the current vCPU woke while an idle worker was free, left for this worker to take
     * when its vCPU leaves guest code (or for idle workers once {@link #handoffSince} is old).
     */
    final List<SchedUnit> handoffs = new ArrayList<>(2);
    /** When the oldest of {@link #handoffs} was woken (0: none); read by the worker without the lock. */
    volatile long handoffSince;
    /** The attention checks since {@link #handoffSince} was set that took it as within the window unread. */
    int handoffPolls;

    Pcpu(int id) {
        this.id = id;
    }

    /** Wakes the worker while it is idle: it looks at the heap (and the run queue) before it waits again. */
    void signalWakeup() {
        wakeSignalled = true;
        wakeup.signal();
    }

    /**
     * The CPU the worker used since its vCPU was last charged, given its CPU clock {@code cpu}
     * read at {@code now}: capped at the wall time since then when {@link #burnFromBeforeIdle}.
     */
    long burnSinceCharge(long cpu, long now) {
        long used = Math.max(0, cpu - lastBurn);
        return burnFromBeforeIdle ? Math.min(used, Math.max(0, now - lastChargeAt)) : used;
    }

    /** The CPU time the worker thread has used (wall time where the JVM cannot measure it). */
    long cpuClock() {
        // On the worker itself the current-thread clock skips the JVM's search of its thread list.
        long cpu = Thread.currentThread() == thread ? THREADS.getCurrentThreadCpuTime()
                : THREADS.getThreadCpuTime(thread.threadId());
        return cpu < 0 ? System.nanoTime() : cpu;
    }
}
