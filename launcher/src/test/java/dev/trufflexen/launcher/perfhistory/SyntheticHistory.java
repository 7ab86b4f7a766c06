package dev.trufflexen.launcher.perfhistory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Made-up runs for the history's tests: no benchmark runs in a unit test. */
public final class SyntheticHistory {
    public static final PerfRecord.Machine FAST = new PerfRecord.Machine("fast-cpu-8c-32g", "Fast CPU", 8, 32L << 30, "Linux");
    public static final PerfRecord.Machine SLOW = new PerfRecord.Machine("slow-cpu-2c-4g", "Slow CPU", 2, 4L << 30, "Linux");
    private static final Instant EPOCH = Instant.parse("2026-11-01T10:00:00Z");

    private SyntheticHistory() {
    }

    /**
     * A {@code txl bench} run on {@code machine}, {@code day} days after the first (and as many
     * minutes after 10:00 as the machine has cores), whose workloads "sieve" and "sha256" have the
     * given guest/native slowdowns (spread 2%).
     */
    public static PerfRecord benchRun(PerfRecord.Machine machine, int day, String commit, double sieve, double sha256) {
        Instant date = EPOCH.plus(Duration.ofDays(day)).plus(Duration.ofMinutes(machine.cores()));
        return new PerfRecord(PerfRecord.SCHEMA, date.toString().replace(":", "") + "-" + commit, date.toString(), "txl bench",
                new PerfRecord.GitState(commit, false, date.minusSeconds(600).toString(), "commit " + commit), machine,
                new PerfRecord.RuntimeVersions("25.0.1", "OpenJDK 64-Bit Server VM", "25.0.1", "GraalVM CE", "jargraal"),
                new PerfRecord.HostLoad(0.5, 1.5), 10, List.of(workload("sieve", sieve), workload("sha256", sha256)), List.of());
    }

    /** A bin/perf run with one throughput and one average-time benchmark. */
    public static PerfRecord jmhRun(PerfRecord.Machine machine, int day, String commit, double opsPerUs, double nsPerOp) {
        Instant date = EPOCH.plus(Duration.ofDays(day)).plusSeconds(3600);
        return new PerfRecord(PerfRecord.SCHEMA, date.toString().replace(":", "") + "-" + commit + "-jmh", date.toString(), "bin/perf",
                new PerfRecord.GitState(commit, true, date.toString(), "commit " + commit), machine,
                new PerfRecord.RuntimeVersions("25.0.1", "OpenJDK 64-Bit Server VM", "25.0.1", "GraalVM CE", "jargraal"),
                new PerfRecord.HostLoad(0.2, 0.4), 0, List.of(),
                List.of(new PerfRecord.JmhFigures("dev.trufflexen.perf.TlbHitBenchmark.hit", "thrpt", opsPerUs, opsPerUs * 0.01, "ops/us"),
                        new PerfRecord.JmhFigures("dev.trufflexen.perf.NullHypercallBenchmark.hypercall", "avgt", nsPerOp, null, "ns/op")));
    }

    private static PerfRecord.WorkloadFigures workload(String name, double slowdown) {
        double nativeRate = 1000;
        return new PerfRecord.WorkloadFigures(name, 100, new PerfRecord.Rate(nativeRate / slowdown, 0.01),
                new PerfRecord.Rate(nativeRate, 0.01), new PerfRecord.Rate(nativeRate / 2, 0.01), slowdown, 0.02, 2.0, 0.02,
                1.5 + slowdown / 10, 40L + (long) slowdown, 2.5, true, "platform");
    }

    /** Five runs on each machine and two JMH runs on the fast one: what a dashboard draws. */
    public static List<PerfRecord> mixedMachines() {
        List<PerfRecord> runs = new ArrayList<>();
        for (int day = 0; day < 5; day++) {
            runs.add(benchRun(FAST, day, "a" + day + "c0ffee", 5 + 0.1 * day, 12));
            runs.add(benchRun(SLOW, day, "a" + day + "c0ffee", 9 - 0.1 * day, 20 + day));
        }
        runs.add(jmhRun(FAST, 3, "a3c0ffee", 80, 45));
        runs.add(jmhRun(FAST, 4, "a4c0ffee", 82, 44));
        return runs;
    }
}
