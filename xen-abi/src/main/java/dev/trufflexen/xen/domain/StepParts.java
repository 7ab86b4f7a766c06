package dev.trufflexen.xen.domain;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Where the host's time goes in the hot cycles of timers and events, step by step, when
 * {@code -Dtrufflexen.stepParts=tick}, {@code =switch} or {@code =spin} (off otherwise: every
 * stamp is a constant-false test). The first two run their steps in order on one worker thread
 * without blocking; the third crosses between two:
 *
 * <ul>
 * <li>{@code tick}, an idle kernel's tick: the worker wakes from its timed wait ({@link
 * Step#WOKEN}), fires the timer, marking VIRQ_TIMER pending and waking the vCPU ({@link
 * Step#FIRED}), switches the vCPU in ({@link Step#SWITCHED_IN}), the vCPU takes the upcall
 * ({@link Step#UPCALL}), its handler returns and the kernel arms its next tick
 * ({@link Step#ARMED}), checks for work and blocks ({@link Step#BLOCKED}), the vCPU leaves guest
 * code ({@link Step#LEFT_GUEST}), is switched out ({@link Step#SWITCHED_OUT}), and the worker
 * waits for the next deadline ({@link Step#WAITING}).
 * <li>{@code switch}, half an interdomain round trip: a vCPU sends on the channel ({@link
 * Step#SENT}; its peer is woken and left for this worker), blocks, leaves guest code, is switched
 * out, the peer is switched in on the same thread, takes the upcall, and sends the answer (the
 * next {@link Step#SENT}).
 * <li>{@code spin}, half a round trip between two vCPUs running on two workers: a vCPU sends
 * ({@link Step#SENT}), the peer's guest code stops for attention on its own thread
 * ({@link Step#ATTENDED}), takes the upcall ({@link Step#UPCALL}) and sends the answer.
 * </ul>
 *
 * Each cycle whose stamps came in order within {@link #MAX_CYCLE_NS} adds the time between each
 * pair of steps to that part's samples. Stamps are wall time (System.nanoTime, one clock for all
 * threads): reading a thread's CPU clock at each step would cost more than some steps;
 * medians leave out the cycles the host preempted the thread in.
 */
public final class StepParts {
    /** The steps stamped. */
    public enum Step {
        WOKEN, FIRED, SENT, ATTENDED, SWITCHED_IN, UPCALL, ARMED, BLOCKED, LEFT_GUEST, SWITCHED_OUT, WAITING
    }

    private static final List<Step> TICK = List.of(Step.WOKEN, Step.FIRED, Step.SWITCHED_IN, Step.UPCALL, Step.ARMED,
            Step.BLOCKED, Step.LEFT_GUEST, Step.SWITCHED_OUT, Step.WAITING);
    private static final List<Step> SWITCH = List.of(Step.SENT, Step.BLOCKED, Step.LEFT_GUEST, Step.SWITCHED_OUT,
            Step.SWITCHED_IN, Step.UPCALL, Step.SENT);
    private static final List<Step> SPIN = List.of(Step.SENT, Step.ATTENDED, Step.UPCALL, Step.SENT);
    private static final Map<String, List<Step>> CYCLES = Map.of("tick", TICK, "switch", SWITCH, "spin", SPIN);
    private static final String MODE = System.getProperty("trufflexen.stepParts", "");
    /** Whether a cycle is stamped (a JVM-wide switch, read once). */
    public static final boolean ENABLED = CYCLES.containsKey(MODE);
    private static final List<Step> CYCLE = CYCLES.getOrDefault(MODE, TICK);
    /** A cycle whose steps take longer than this (the thread was preempted, or it was another path) is left out. */
    static final long MAX_CYCLE_NS = 2_000_000L;
    private static final int CAPACITY = 1 << 16;

    private static final long[] STAMPS = new long[CYCLE.size()];
    /** Each part's samples, kept only when stamping is on (4 MiB otherwise held by every host for nothing). */
    private static final long[][] SAMPLES = new long[CYCLE.size() - 1][ENABLED ? CAPACITY : 0];
    private static int next;
    private static int count;

    private StepParts() {
    }

    /** Stamps {@code step} of the cycle in progress; a complete cycle is recorded at its last step. */
    public static void stamp(Step step) {
        if (!ENABLED) {
            return;
        }
        stampNow(step);
    }

    private static synchronized void stampNow(Step step) {
        if (!CYCLE.contains(step)) {
            return; // another cycle's step (the attention service's ATTENDED in a tick): no news about this one's order
        }
        long now = System.nanoTime();
        if (next > 0 && CYCLE.get(next) == step) {
            STAMPS[next++] = now;
            if (next == STAMPS.length) {
                if (now - STAMPS[0] <= MAX_CYCLE_NS) {
                    int at = count++ % CAPACITY;
                    for (int i = 0; i < SAMPLES.length; i++) {
                        SAMPLES[i][at] = STAMPS[i + 1] - STAMPS[i];
                    }
                }
                next = 0;
            }
        } else if (step != CYCLE.get(0)) {
            // Out of order: another path ran (a wake from elsewhere, a preemption); wait for the next start.
            next = 0;
            return;
        }
        if (next == 0 && step == CYCLE.get(0)) {
            STAMPS[0] = now;
            next = 1;
        }
    }

    /** How many complete cycles have been recorded. */
    public static synchronized int cycles() {
        return count;
    }

    /** Starts over (a new window). */
    public static synchronized void reset() {
        count = 0;
        next = 0;
    }

    /** The median microseconds of each part ("WOKEN>FIRED" and so on) over the cycles recorded since {@link #reset}. */
    public static synchronized String medians() {
        int n = Math.min(count, CAPACITY);
        if (n == 0) {
            return "no complete cycles";
        }
        StringBuilder text = new StringBuilder();
        long total = 0;
        for (int i = 0; i < SAMPLES.length; i++) {
            long[] part = Arrays.copyOf(SAMPLES[i], n);
            Arrays.sort(part);
            total += part[n / 2];
            text.append(String.format("%s%s>%s %.2f", i == 0 ? "" : ", ", CYCLE.get(i), CYCLE.get(i + 1), part[n / 2] / 1000.0));
        }
        return n + " cycles, median us: " + text + " (sum " + String.format("%.2f", total / 1000.0) + ")";
    }
}
