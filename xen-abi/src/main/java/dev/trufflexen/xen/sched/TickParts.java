package dev.trufflexen.xen.sched;

import java.util.Arrays;

/**
 * Where one idle tick's host time goes, step by step, when {@code -Dtrufflexen.tickParts=true}
 * (off otherwise: every stamp is a constant-false test). An idle tick on one worker thread runs
 * these steps in order without blocking: the worker wakes from its timed wait ({@link
 * Step#WOKEN}), fires the timer, marking VIRQ_TIMER pending and waking the vCPU ({@link
 * Step#FIRED}), switches the vCPU in ({@link Step#SWITCHED_IN}), the vCPU takes the upcall
 * ({@link Step#UPCALL}), its handler returns and the kernel arms its next tick
 * ({@link Step#ARMED}), checks for work and blocks ({@link Step#BLOCKED}), the vCPU leaves guest
 * code ({@link Step#LEFT_GUEST}), is switched out ({@link Step#SWITCHED_OUT}), and the worker
 * waits for the next deadline ({@link Step#WAITING}). Each tick whose stamps came in that order
 * within {@link #MAX_TICK_NS} adds the time between each pair of steps to that part's samples.
 * Stamps are wall time (System.nanoTime) on the one thread running the tick: reading a thread's
 * CPU clock at each step would cost more than some steps; medians leave out the ticks the host
 * preempted the thread in.
 */
public final class TickParts {
    /** Whether ticks are stamped (a JVM-wide switch, read once). */
    public static final boolean ENABLED = Boolean.getBoolean("trufflexen.tickParts");
    /** A tick whose steps take longer than this (the thread was preempted, or it was no idle tick) is left out. */
    static final long MAX_TICK_NS = 2_000_000L;
    private static final int CAPACITY = 1 << 16;

    /** The steps of an idle tick, in order. */
    public enum Step {
        WOKEN, FIRED, SWITCHED_IN, UPCALL, ARMED, BLOCKED, LEFT_GUEST, SWITCHED_OUT, WAITING
    }

    private static final Step[] STEPS = Step.values();
    private static final long[] STAMPS = new long[STEPS.length];
    private static final long[][] SAMPLES = new long[STEPS.length - 1][CAPACITY];
    private static int count;

    private TickParts() {
    }

    /** Stamps {@code step} of the tick in progress; at {@link Step#WAITING} a complete tick is recorded. */
    public static void stamp(Step step) {
        if (!ENABLED) {
            return;
        }
        stampNow(step);
    }

    private static synchronized void stampNow(Step step) {
        long now = System.nanoTime();
        STAMPS[step.ordinal()] = now;
        if (step == Step.WOKEN) {
            for (int i = 1; i < STAMPS.length; i++) {
                STAMPS[i] = 0;
            }
            return;
        }
        if (step != Step.WAITING || STAMPS[0] == 0 || now - STAMPS[0] > MAX_TICK_NS) {
            return;
        }
        for (int i = 1; i < STAMPS.length; i++) {
            if (STAMPS[i] < STAMPS[i - 1]) {
                return;
            }
        }
        int at = count++ % CAPACITY;
        for (int i = 0; i < SAMPLES.length; i++) {
            SAMPLES[i][at] = STAMPS[i + 1] - STAMPS[i];
        }
        STAMPS[0] = 0;
    }

    /** How many complete ticks have been recorded. */
    public static synchronized int ticks() {
        return count;
    }

    /** Starts over (a new window). */
    public static synchronized void reset() {
        count = 0;
        Arrays.fill(STAMPS, 0);
    }

    /** The median nanoseconds of each part ("WOKEN-FIRED" and so on) over the ticks recorded since {@link #reset}. */
    public static synchronized String medians() {
        int n = Math.min(count, CAPACITY);
        if (n == 0) {
            return "no complete ticks";
        }
        StringBuilder text = new StringBuilder();
        long total = 0;
        for (int i = 0; i < SAMPLES.length; i++) {
            long[] part = Arrays.copyOf(SAMPLES[i], n);
            Arrays.sort(part);
            total += part[n / 2];
            text.append(String.format("%s%s>%s %.1f", i == 0 ? "" : ", ", STEPS[i], STEPS[i + 1], part[n / 2] / 1000.0));
        }
        return n + " ticks, median us: " + text + " (sum " + String.format("%.1f", total / 1000.0) + ")";
    }
}
