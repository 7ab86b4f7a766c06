package dev.trufflexen.perf;

import java.util.Map;

import dev.trufflexen.xen.sched.HostScheduler;
import dev.trufflexen.xen.domain.StepParts;

/**
 * The blocking interdomain round trip by parts: wall time per round trip in each batch, and the
 * host CPU each group of threads (the workers, the compiler, the rest) used per round trip, with
 * the scheduler's counts of worker wake-ups, same-thread switches and waits for its lock. With
 * {@code -Dtrufflexen.stepParts=switch} each batch also prints the median wall time of each step
 * of half a round trip ({@link StepParts}); {@code -Dtrufflexen.pcpus=N} runs it on N workers. A
 * plain main: {@code RoundTripParts [batches [block|spin]]}.
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
        jdk.jfr.Recording recording = null;
        int quiet = 0;
        try {
            for (int b = 0; b < batches; b++) {
                if (quiet == 5 && recording == null && System.getProperty("parts.jfr") != null) {
                    recording = new jdk.jfr.Recording();
                    recording.enable("jdk.ExecutionSample").withPeriod(java.time.Duration.ofMillis(1));
                    recording.enable("jdk.NativeMethodSample").withPeriod(java.time.Duration.ofMillis(1));
                    recording.start();
                    System.out.println("recording from batch " + b);
                }
                long deopts = bench.engineLog().split("opt deopt", -1).length;
                Map<String, Long> before = ThreadCpu.byGroup(RoundTripParts::group);
                long wakes = sched.workerWakeups();
                long switches = sched.directSwitches();
                long lockWaits = sched.lockWaits();
                long preemptions = sched.wakePreemptions();
                long ticks = sched.ticks();
                StepParts.reset();
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
                        wall / 1000.0 / trips, cpu, bench.engineLog().split("opt deopt", -1).length - deopts, (sched.workerWakeups() - wakes) / (double) trips,
                        (sched.directSwitches() - switches) / (double) trips, (sched.lockWaits() - lockWaits) / (double) trips);
                System.out.printf("batch %d: wake preemptions/rt %.3f, scheduler ticks %d%n", b,
                        (sched.wakePreemptions() - preemptions) / (double) trips, sched.ticks() - ticks);
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

    /** A thread's group: each worker alone, the compiler's threads, the timer thread, the rest. */
    private static String group(String thread) {
        return thread.startsWith("xen-pcpu") ? thread : thread.startsWith("Truffle") ? "compiler"
                : thread.contains("timer") ? "timer" : "other";
    }
}
