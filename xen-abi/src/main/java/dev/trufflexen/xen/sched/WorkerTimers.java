package dev.trufflexen.xen.sched;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The host's timers, kept by the workers ({@link HostScheduler}): a heap of deadlines
 * ({@code System.nanoTime}) guarded by the scheduler's lock. An idle worker waits for the
 * earliest deadline and fires what is due itself, so a timer that wakes a blocked vCPU costs one
 * host thread wake-up (the worker's, which then runs the vCPU), not a timer thread's and then a
 * worker's. A cancelled timer stays in the heap until it reaches the top, where it is dropped, or
 * until the heap has doubled since it last dropped its cancelled timers, so a guest re-arming a
 * distant deadline cannot make it grow without bound.
 */
final class WorkerTimers {
    /** One armed timer. */
    static final class Entry implements TimerService.Timer, Comparable<Entry> {
        final long deadline;
        private final long order;
        final Runnable task;
        private volatile boolean done;

        Entry(long deadline, long order, Runnable task) {
            this.deadline = deadline;
            this.order = order;
            this.task = task;
        }

        @Override
        public void cancel() {
            done = true;
        }

        @Override
        public boolean isDone() {
            return done;
        }

        @Override
        public long delayNs() {
            return deadline - System.nanoTime();
        }

        @Override
        public int compareTo(Entry other) {
            int byDeadline = Long.compare(deadline, other.deadline);
            return byDeadline != 0 ? byDeadline : Long.compare(order, other.order);
        }
    }

    private static final int MIN_PURGE = 64;

    private final PriorityQueue<Entry> heap = new PriorityQueue<>();
    /** At this size the heap drops its cancelled timers: twice what was left armed at the last purge. */
    private int purgeAt = MIN_PURGE;
    private long armed;
    private long fired;

    Entry add(long deadline, Runnable task) {
        if (heap.size() >= purgeAt) {
            // Cancelled timers far in the future (a guest re-arming a distant deadline) must not pile up.
            heap.removeIf(Entry::isDone);
            purgeAt = Math.max(MIN_PURGE, 2 * heap.size());
        }
        Entry entry = new Entry(deadline, armed++, task);
        heap.add(entry);
        return entry;
    }

    /** How many timers the heap holds, cancelled ones included (for tests). */
    int size() {
        return heap.size();
    }

    /** The earliest deadline of a timer still armed, or {@link Long#MAX_VALUE} when none is. */
    long earliest() {
        Entry head;
        while ((head = heap.peek()) != null && head.isDone()) {
            heap.poll();
        }
        return head == null ? Long.MAX_VALUE : head.deadline;
    }

    /** Takes the timers due at {@code now} out of the heap, earliest first; each is done from here on. */
    List<Entry> takeDue(long now) {
        List<Entry> due = null;
        while (earliest() <= now) {
            Entry entry = heap.poll();
            entry.done = true;
            if (due == null) {
                due = new ArrayList<>(2);
            }
            due.add(entry);
        }
        if (due == null) {
            return List.of();
        }
        fired += due.size();
        return due;
    }

    /** How many timers have fired. */
    long fired() {
        return fired;
    }
}
