package dev.trufflexen.xen.sched;

import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import dev.trufflexen.xen.domain.StepParts;

/**
 * Who wakes for the vCPUs' timers ({@link WorkerTimers}): the scheduler's workers themselves,
 * and the hypervisor's timer thread only while every worker is busy. It shares the scheduler's
 * lock, and every method but {@link #attention} is called with that lock held.
 *
 * <ul>
 * <li>The timekeeper: an idle worker waits for the earliest deadline rather than for work alone,
 * fires what is due itself, and then runs the vCPU the timer woke (one host thread wake-up per
 * timer, the worker's).
 * <li>Care: a timer armed by a running vCPU stays with that vCPU's worker for up to
 * {@link #TIMER_CARE_NS}; if the vCPU blocks meanwhile (an idle kernel blocks right after
 * arming its tick), its worker becomes the timekeeper and no other thread is woken.
 * <li>The backstop: when no worker is idle once the care ends, the timer thread waits for the
 * earliest deadline and fires it.
 * </ul>
 *
 * <p>The invariant all three keep: while a timer is armed, some thread will look at the heap by
 * its deadline: an idle worker waiting for that deadline or earlier, a worker woken or awake
 * between vCPUs (it looks before it waits or runs), a busy worker keeping the timers in its care,
 * or the backstop. A worker checks it whenever it would wait without a deadline, and when it
 * leaves idleness to run a vCPU; a wait that would break it is counted
 * ({@link #unwatchedWaits}, which tests require to stay 0) and made a timed wait instead, so a
 * broken rule costs a late timer, never a vCPU blocked for good.
 */
final class TimerWatch {
    /**
     * How long a worker whose vCPU armed a timer (or that left the timers' watch to run a vCPU)
     * keeps them in its own care: if its vCPU blocks meanwhile, as an idle kernel does right after
     * setting its next tick, the worker waits for the deadline itself and no other thread is woken
     * to watch it; otherwise another idle worker, or the timer thread, is set to watch.
     */
    static final long TIMER_CARE_NS = 200_000L;

    private final ReentrantLock lock;
    private final Pcpu[] pcpus;
    private final ScheduledExecutorService timers;
    private final WorkerTimers heap = new WorkerTimers();
    /** The idle worker waiting for the earliest timer deadline (null: none). */
    private Pcpu timekeeper;
    /** The timer thread's watch over the timers while every worker is busy, and its deadline. */
    private ScheduledFuture<?> backstop;
    private long backstopDeadline;
    private long timerWakeups;
    private long timekeeperWaits;
    private volatile long careAttentions;
    private long unwatchedWaits;
    private boolean closed;

    TimerWatch(ReentrantLock lock, Pcpu[] pcpus, ScheduledExecutorService timers) {
        this.lock = lock;
        this.pcpus = pcpus;
        this.timers = timers;
    }

    /**
     * Arms a timer for {@code task} at {@code deadline} ({@code System.nanoTime}) on behalf of
     * {@code caller} (the worker calling, or null), and makes sure a thread will wake for it.
     */
    WorkerTimers.Entry arm(long deadline, Runnable task, Pcpu caller) {
        boolean earliest = deadline < heap.earliest();
        WorkerTimers.Entry entry = heap.add(deadline, task);
        if (earliest && !closed) {
            if (caller != null && caller.firingTimers) {
                // Armed by a timer firing on an idle worker: it looks at the heap again before it runs or waits.
            } else if (caller != null && caller.current != null) {
                takeIntoCare(caller);
            } else {
                watch();
            }
        }
        return entry;
    }

    /** The worker's vCPU armed the earliest timer: the worker watches it, unless its vCPU keeps running. */
    private static void takeIntoCare(Pcpu pcpu) {
        if (pcpu.timersInCare == 0) {
            pcpu.timersInCare = System.nanoTime();
        }
        // Checked at the vCPU's next exits or back edges (attention) until it blocks or the care ends.
        pcpu.current.vcpu.cpu().requestAttention();
    }

    /**
     * At an exit or back edge of the vCPU running on {@code pcpu} while the timers are in the
     * worker's care (called without the lock): once {@link #TIMER_CARE_NS} has passed, or the
     * earliest deadline is near, another thread is set to watch them; until then the vCPU is
     * asked to look again.
     */
    void attention(SchedUnit unit, Pcpu pcpu) {
        careAttentions++;
        long now = System.nanoTime();
        if (unit.blockCondition != null) {
            // It blocks: its worker picks again at once, and waits for the deadline itself.
            return;
        }
        lock.lock();
        try {
            long earliest = heap.earliest();
            if (pcpu.timersInCare == 0 || earliest == Long.MAX_VALUE) {
                pcpu.timersInCare = 0;
                return;
            }
            if (now - pcpu.timersInCare >= TIMER_CARE_NS || earliest - now <= TIMER_CARE_NS) {
                pcpu.timersInCare = 0;
                watch();
                return;
            }
        } finally {
            lock.unlock();
        }
        unit.vcpu.cpu().requestAttention();
    }

    /**
     * Makes sure a thread wakes for the earliest deadline: the idle worker already watching (woken
     * to wait less if it waits too long), another idle worker, or, every worker being busy, the
     * timer thread.
     */
    private void watch() {
        long earliest = heap.earliest();
        if (earliest == Long.MAX_VALUE || closed) {
            return;
        }
        if (timekeeper != null) {
            if (timekeeper.timekeeperDeadline > earliest) {
                timerWakeups++;
                timekeeper.signalWakeup();
            }
            return;
        }
        for (Pcpu pcpu : pcpus) {
            if (pcpu != null && pcpu.idle) {
                // It wakes without work, finds the heap, and waits for the deadline.
                timekeeper = pcpu;
                pcpu.timekeeperDeadline = Long.MAX_VALUE;
                timerWakeups++;
                pcpu.signalWakeup();
                return;
            }
        }
        if (backstop == null || backstopDeadline > earliest) {
            if (backstop != null) {
                backstop.cancel(false);
            }
            backstopDeadline = earliest;
            backstop = timers.schedule(this::backstopFired, Math.max(0, earliest - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
    }

    /** An idle worker waits for work, and when it watches the timers, for the earliest deadline at most. */
    void awaitWork(Pcpu pcpu) {
        pcpu.wakeSignalled = false;
        long earliest = heap.earliest();
        boolean untimed = earliest == Long.MAX_VALUE || closed
                || (timekeeper != null && timekeeper != pcpu && timekeeper.timekeeperDeadline <= earliest);
        if (untimed && earliest != Long.MAX_VALUE && !closed && !watchedByAnother(pcpu, earliest)) {
            // The invariant would break: nobody would look at the heap by its deadline.
            unwatchedWaits++;
            untimed = false;
        }
        if (untimed) {
            if (timekeeper == pcpu) {
                // Made timekeeper while the heap held a timer that is gone now: it watches nothing.
                timekeeper = null;
            }
            pcpu.wakeup.awaitUninterruptibly();
            pcpu.wakeSignalled = false;
            return;
        }
        // It watches from now on; a worker that watched for a later deadline finds out when it wakes.
        timekeeper = pcpu;
        pcpu.timekeeperDeadline = earliest;
        if (backstop != null) {
            backstop.cancel(false);
            backstop = null;
        }
        timekeeperWaits++;
        StepParts.stamp(StepParts.Step.WAITING);
        try {
            pcpu.wakeup.awaitNanos(Math.max(1, earliest - System.nanoTime()));
            StepParts.stamp(StepParts.Step.WOKEN);
        } catch (InterruptedException e) {
            // Workers are not interrupted; the loop looks again.
        } finally {
            pcpu.wakeSignalled = false;
            if (timekeeper == pcpu) {
                timekeeper = null;
            }
        }
    }

    /**
     * Whether a thread other than {@code self} will look at the heap by {@code earliest}: the
     * backstop, or a worker that is busy with the timers in its care, awake between vCPUs, woken,
     * or waiting for that deadline or an earlier one.
     */
    private boolean watchedByAnother(Pcpu self, long earliest) {
        if (backstop != null && backstopDeadline <= earliest) {
            return true;
        }
        for (Pcpu pcpu : pcpus) {
            if (pcpu != null && pcpu != self && watches(pcpu, earliest)) {
                return true;
            }
        }
        return false;
    }

    private boolean watches(Pcpu pcpu, long earliest) {
        if (pcpu.current != null) {
            return pcpu.timersInCare != 0;
        }
        if (!pcpu.idle || pcpu.wakeSignalled) {
            return true;
        }
        return timekeeper == pcpu && pcpu.timekeeperDeadline <= earliest;
    }

    /** Whether {@code pcpu} is the idle worker watching the timers (woken for work last). */
    boolean isTimekeeper(Pcpu pcpu) {
        return timekeeper == pcpu;
    }

    /**
     * {@code pcpu} leaves idleness to run a vCPU at {@code now}: it stops watching, and when no
     * other thread watches the timers they stay in its care while its vCPU runs.
     */
    void workerBusy(Pcpu pcpu, long now) {
        if (timekeeper == pcpu) {
            timekeeper = null;
        }
        long earliest = heap.earliest();
        // When nobody else looks by the deadline (no watcher, or one waiting for a later deadline than
        // a timer armed while this worker fired), the timers stay in its care while its vCPU runs.
        pcpu.timersInCare = earliest != Long.MAX_VALUE && !closed && !watchedByAnother(pcpu, earliest) ? now : 0;
    }

    /**
     * Fires the timers due now on the calling thread ({@code pcpu} when it is an idle worker, null
     * on the timer thread), with the lock released around their tasks; true when any was due.
     */
    boolean fireDue(Pcpu pcpu) {
        List<WorkerTimers.Entry> due = heap.takeDue(System.nanoTime());
        if (due.isEmpty()) {
            return false;
        }
        if (pcpu != null) {
            pcpu.firingTimers = true;
        }
        lock.unlock();
        try {
            for (WorkerTimers.Entry entry : due) {
                try {
                    entry.task.run();
                } catch (RuntimeException e) {
                    // A timer's own failure must not take a worker down; the others still fire.
                    Thread.currentThread().getUncaughtExceptionHandler().uncaughtException(Thread.currentThread(), e);
                }
            }
        } finally {
            lock.lock();
            if (pcpu != null) {
                pcpu.firingTimers = false;
            }
        }
        return true;
    }

    /** The timer thread's turn while every worker was busy: fire what is due, and watch the rest. */
    private void backstopFired() {
        lock.lock();
        try {
            backstop = null;
            fireDue(null);
            watch();
        } finally {
            lock.unlock();
        }
    }

    /** No timer is watched from now on (the scheduler closes). */
    void close() {
        closed = true;
        if (backstop != null) {
            backstop.cancel(false);
            backstop = null;
        }
    }

    /** How many times an idle worker waited for a timer deadline, and how many exits or back edges its vCPU stopped at while timers were in its worker's care. */
    String counts() {
        return timekeeperWaits + " timed waits, " + careAttentions + " care attentions, " + timerWakeups + " timer wake-ups";
    }

    /** How many timers have fired. */
    long fired() {
        return heap.fired();
    }

    /**
     * How many times a worker about to wait without a deadline found an armed timer nobody else
     * would look at by its deadline, and waited for that deadline instead: 0 while the watch keeps
     * its invariant.
     */
    long unwatchedWaits() {
        return unwatchedWaits;
    }
}
