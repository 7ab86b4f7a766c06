package dev.trufflexen.launcher.perfhistory;

import java.util.List;

/**
 * One benchmark run as the history keeps it: one JSON line of {@code perf/history/<machine>.jsonl}.
 * Values that were not measured (no qemu, a failed platform) are null.
 *
 * @param schema {@link #SCHEMA}; a line with another value is not read
 * @param id unique name of the run (date and commit), the dashboard's anchor for it
 * @param date when the run started, ISO-8601 UTC
 * @param source what ran it: {@code txl bench} or {@code bin/perf}
 * @param rounds rounds per workload and platform ({@code txl bench}); 0 for JMH runs
 * @param workloads the {@code txl bench} workloads, empty for JMH runs
 * @param jmh the JMH benchmarks, empty for {@code txl bench} runs
 */
public record PerfRecord(int schema, String id, String date, String source, GitState git, Machine machine,
        RuntimeVersions runtime, HostLoad load, int rounds, List<WorkloadFigures> workloads, List<JmhFigures> jmh) {
    /** The schema version this code writes and reads. */
    public static final int SCHEMA = 1;

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

    /** The JVM and compiler that ran the guests. */
    public record RuntimeVersions(String jdk, String vm, String graal, String truffleRuntime) {
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
     */
    public record WorkloadFigures(String name, long iterationsPerRound, Rate guest, Rate nativeRun, Rate qemu,
            Double guestOverNative, Double guestOverNativeSpread, Double qemuOverNative, Double qemuOverNativeSpread,
            Double warmupSeconds, Long compilations, Double compileSeconds, boolean checksumsMatch) {
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
