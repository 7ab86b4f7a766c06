package dev.trufflexen.launcher.perfhistory;

import java.util.List;

/**
 * One benchmark run as the history keeps it: one JSON line of {@code perf/history/<machine>.jsonl}.
 * Values that were not measured (no qemu, a failed platform) are null.
 *
 * @param schema {@link #SCHEMA} when written; lines of {@link #OLDEST_READABLE_SCHEMA} up to it are read
 * @param id unique name of the run (date and commit), the dashboard's anchor for it
 * @param date when the run started, ISO-8601 UTC
 * @param source what ran it: {@code txl bench} or {@code bin/perf}
 * @param rounds rounds per workload and platform ({@code txl bench}); 0 for JMH runs
 * @param workloads the {@code txl bench} workloads, empty for JMH runs
 * @param jmh the JMH benchmarks, empty for {@code txl bench} runs
 */
public record PerfRecord(int schema, String id, String date, String source, GitState git, Machine machine,
        RuntimeVersions runtime, HostLoad load, int rounds, List<WorkloadFigures> workloads, List<JmhFigures> jmh) {
    /**
     * The schema version this code writes. 2 added {@link RuntimeVersions#compiler()} and
     * {@link WorkloadFigures#roundClock()} (null in version 1 lines, whose rounds were all timed by
     * arrival).
     */
    public static final int SCHEMA = 2;
    /** The oldest schema version this code reads. */
    public static final int OLDEST_READABLE_SCHEMA = 1;

    public PerfRecord {
        workloads = workloads == null ? List.of() : List.copyOf(workloads);
        jmh = jmh == null ? List.of() : List.copyOf(jmh);
    }

    /**
     * The checkout the run measured.
     *
     * @param commit full hash of HEAD, or "unknown" outside a git checkout
     * @param dirty whether tracked files differed from HEAD (the history itself not counted)
     * @param commitDate HEAD's committer date, ISO-8601
     * @param subject HEAD's subject line
     */
    public record GitState(String commit, boolean dirty, String commitDate, String subject) {
        public String shortCommit() {
            return commit.length() > 10 ? commit.substring(0, 10) : commit;
        }
    }

    /**
     * The machine: runs on different machines are never compared or drawn in one line.
     *
     * @param key file name of this machine's history: CPU model, cores and memory, in short
     */
    public record Machine(String key, String cpuModel, int cores, long memoryBytes, String os) {
    }

    /**
     * The JVM and compiler that ran the guests.
     *
     * @param compiler how the Graal compiler ran: {@code libgraal} (a GraalVM JDK's native
     *     compiler) or {@code jargraal} (the Graal jars on a JDK), with {@code +host-jit} when
     *     Graal was the JVM's own JIT too and {@code +aot-cache} when a JDK AOT cache was in use;
     *     null in records before schema 2
     */
    public record RuntimeVersions(String jdk, String vm, String graal, String truffleRuntime, String compiler) {
    }

    /**
     * How busy the host was: the one-minute load average before and after the run, against
     * {@link Machine#cores()}. Runs on a loaded host are slower and noisier; the figure says so.
     */
    public record HostLoad(double before, double after) {
    }

    /**
     * One platform's steady-state rate for a workload.
     *
     * @param rate iterations per second at steady state
     * @param spread relative range of the steady-state rounds' rates: (max - min) / median
     */
    public record Rate(double rate, double spread) {
    }

    /**
     * One workload of {@code txl bench}.
     *
     * @param guestOverNative native rate over guest rate (how many times slower the guest is)
     * @param guestOverNativeSpread relative spread of that ratio: the guest's and native spreads added
     * @param warmupSeconds the guest's warm-up: start of round 1 to the first round at 90% of steady state
     * @param compilations Truffle compilations that finished during the guest run
     * @param compileSeconds their total compile time
     * @param roundClock {@code platform} when every platform's rounds were timed by the benchmark
     *     driver's own clock, {@code arrival} when some were timed by their markers' arrival on the
     *     host; null in records before schema 2 (arrival)
     */
    public record WorkloadFigures(String name, long iterationsPerRound, Rate guest, Rate nativeRun, Rate qemu,
            Double guestOverNative, Double guestOverNativeSpread, Double qemuOverNative, Double qemuOverNativeSpread,
            Double warmupSeconds, Long compilations, Double compileSeconds, boolean checksumsMatch, String roundClock) {
    }

    /**
     * One JMH benchmark's primary result.
     *
     * @param mode JMH's mode: thrpt (higher is better) or avgt, sample, ss (lower is better)
     * @param error JMH's 99.9% confidence half-width, NaN-free (null when JMH gave none)
     */
    public record JmhFigures(String benchmark, String mode, double score, Double error, String unit) {
        public boolean higherIsBetter() {
            return "thrpt".equals(mode);
        }
    }
}
