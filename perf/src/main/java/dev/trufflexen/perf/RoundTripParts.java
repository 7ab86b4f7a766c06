package dev.trufflexen.perf;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

import dev.trufflexen.x86.runtime.X86Counters;

import dev.trufflexen.xen.sched.HostScheduler;
import dev.trufflexen.xen.domain.StepParts;

/**
 * The blocking interdomain round trip by parts: wall time per round trip in each batch, and the
 * host CPU each group of threads (the workers, the compiler, the rest) used per round trip, with
 * the scheduler's counts of worker wake-ups, same-thread switches and waits for its lock. With
 * {@code -Dtrufflexen.stepParts=switch} each batch also prints the median wall time of each step
 * of half a round trip ({@link StepParts}), and with {@code =spin} (for {@code RoundTripParts N spin},
 * the two vCPUs spinning on two workers) the send, the peer's attention, its upcall and its answer;
 * {@code -Dtrufflexen.pcpus=N} runs it on N workers. Each
 * batch also prints the bytes the workers allocated per round trip, the hypercalls per round trip
 * by number (counted after each one, {@code -Dparts.hypercalls=true}), and with
 * {@code -Dtrufflexen.counters=true} the region calls and exits per round trip by kind
 * ({@link X86Counters}; counting slows guest code down, so take CPU figures without it). A plain
 * main: {@code RoundTripParts [batches [block|spin]]}.
 */
public final class RoundTripParts {
    private RoundTripParts() {
    }

    public static void main(String[] args) throws Exception {
        int batches = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        InterdomainRoundTripBenchmark bench = new InterdomainRoundTripBenchmark();
        bench.wait = args.length > 1 ? args[1] : "block";
        bench.bootDomains();
        HostScheduler sched = bench.hypervisor().scheduler();
        int trips = InterdomainRoundTripBenchmark.ROUND_TRIPS;
        AtomicLongArray hypercalls = new AtomicLongArray(64);
        if (Boolean.getBoolean("parts.hypercalls")) {
            bench.hypervisor().afterEveryHypercall(context -> hypercalls.incrementAndGet((int) (context.number() & 63)));
        }
        jdk.jfr.Recording recording = null;
        int quiet = 0;
        try {
            for (int b = 0; b < batches; b++) {
                if (quiet == 5 && recording == null && System.getProperty("parts.jfr") != null) {
                    recording = new jdk.jfr.Recording();
                    recording.enable("jdk.ExecutionSample").withPeriod(java.time.Duration.ofMillis(1));
                    recording.enable("jdk.NativeMethodSample").withPeriod(java.time.Duration.ofMillis(1));
                    recording.enable("jdk.ObjectAllocationSample").with("throttle", "2000/s");
                    recording.start();
                    System.out.println("recording from batch " + b);
                }
                long deopts = bench.deoptimizations();
                Map<String, Long> before = ThreadCpu.byGroup(RoundTripParts::group);
                long wakes = sched.workerWakeups();
                long switches = sched.directSwitches();
                long lockWaits = sched.lockWaits();
                long preemptions = sched.wakePreemptions();
                long ticks = sched.ticks();
                StepParts.reset();
                long allocated = workerAllocatedBytes();
                long[] calls = snapshot(hypercalls);
                X86Counters.Snapshot counted = X86Counters.ENABLED ? X86Counters.snapshot() : null;
                long t0 = System.nanoTime();
                bench.roundTrips();
                long wall = System.nanoTime() - t0;
                Map<String, Long> after = ThreadCpu.byGroup(RoundTripParts::group);
                StringBuilder cpu = new StringBuilder();
                for (Map.Entry<String, Long> e : after.entrySet()) {
                    long used = e.getValue() - before.getOrDefault(e.getKey(), 0L);
                    if (used > 0) {
                        cpu.append(String.format(" %s=%.1f", e.getKey(), used / 1000.0 / trips));
                    }
                }
                long compiler = after.getOrDefault("compiler", 0L) - before.getOrDefault("compiler", 0L);
                quiet = compiler < trips * 500L ? quiet + 1 : 0;
                System.out.printf("batch %d: %.1f us/rt wall; cpu us/rt:%s; deopts %d; wakes/rt %.3f switches/rt %.3f lock waits/rt %.4f%n", b,
                        wall / 1000.0 / trips, cpu, bench.deoptimizations() - deopts, (sched.workerWakeups() - wakes) / (double) trips,
                        (sched.directSwitches() - switches) / (double) trips, (sched.lockWaits() - lockWaits) / (double) trips);
                System.out.printf("batch %d: wake preemptions/rt %.3f, scheduler ticks %d%n", b,
                        (sched.wakePreemptions() - preemptions) / (double) trips, sched.ticks() - ticks);
                System.out.printf("batch %d: worker bytes allocated/rt %.1f; hypercalls/rt%s%s%n", b,
                        (workerAllocatedBytes() - allocated) / (double) trips, perTrip(calls, snapshot(hypercalls), trips),
                        counted == null ? "" : "; " + exits(counted, X86Counters.snapshot(), trips));
                if (StepParts.ENABLED) {
                    System.out.printf("batch %d parts: %s%n", b, StepParts.medians());
                }
            }
            if (recording != null) {
                recording.stop();
                recording.dump(java.nio.file.Path.of(System.getProperty("parts.jfr")));
            }
            for (String line : bench.engineLog().split("\n")) {
                if (line.startsWith("[engine]")) {
                    System.out.println(line.length() > 220 ? line.substring(0, 220) : line);
                }
            }
        } finally {
            try { bench.stop(); } catch (IllegalStateException e) { System.out.println(e.getMessage()); }
        }
        System.exit(0);
    }

    /** Bytes allocated so far by the scheduler's workers (the threads that run guest code). */
    private static long workerAllocatedBytes() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("xen-pcpu")) {
                sum += Math.max(0, threads.getThreadAllocatedBytes(t.threadId()));
            }
        }
        return sum;
    }

    private static long[] snapshot(AtomicLongArray counts) {
        long[] values = new long[counts.length()];
        for (int i = 0; i < values.length; i++) {
            values[i] = counts.get(i);
        }
        return values;
    }

    /** " 32=1.000 29=1.000": hypercall numbers made during the batch, per round trip. */
    private static String perTrip(long[] before, long[] after, int trips) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < after.length; i++) {
            if (after[i] != before[i]) {
                sb.append(String.format(" %d=%.3f", i, (after[i] - before[i]) / (double) trips));
            }
        }
        return sb.length() == 0 ? " (not counted)" : sb.toString();
    }

    /** Region calls and exits by kind per round trip, the kinds that occurred. */
    private static String exits(X86Counters.Snapshot before, X86Counters.Snapshot after, int trips) {
        StringBuilder sb = new StringBuilder("per rt:");
        for (X86Counters.Event event : X86Counters.Event.values()) {
            long n = after.get(event) - before.get(event);
            if (n != 0) {
                sb.append(String.format(" %s=%.3f", event.name().toLowerCase(java.util.Locale.ROOT), n / (double) trips));
            }
        }
        return sb.toString();
    }

    /** A thread's group: each worker alone, the compiler's threads, the timer thread, the rest. */
    private static String group(String thread) {
        return thread.startsWith("xen-pcpu") ? thread : thread.startsWith("Truffle") ? "compiler"
                : thread.contains("timer") ? "timer" : "other";
    }
}
