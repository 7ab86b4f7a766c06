package dev.trufflexen.xen.sched;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The scheduler's one lock ({@link HostScheduler}, {@link TimerWatch}), counting how often a
 * thread found it held by another and had to wait: the measure of whether the workers
 * serialise on it (one run queue and one lock serve every worker).
 */
final class SchedulerLock extends ReentrantLock {
    private static final long serialVersionUID = 1L;

    private long waits;

    @Override
    public void lock() {
        if (!tryLock()) {
            super.lock();
            waits++;
        }
    }

    /** How many times {@link #lock} had to wait for another thread; read with the lock held. */
    long waits() {
        return waits;
    }
}
