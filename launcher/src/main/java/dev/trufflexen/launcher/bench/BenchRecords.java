package dev.trufflexen.launcher.bench;

import dev.trufflexen.launcher.perfhistory.PerfRecord;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * Turns the results of one {@code txl bench} run into the {@link PerfRecord} that
 * {@code --record} appends to the history and {@code --compare} judges.
 */
final class BenchRecords {
    /** The history's name for runs of {@code txl bench}. */
    static final String SOURCE = "txl bench";

    private BenchRecords() {
    }

    /**
     * @param compilation the guest runs' compilation figures by workload name (missing: unknown)
     * @param environment where, on what and how loaded the run took place
     */
    static PerfRecord of(List<WorkloadResult> results, Map<String, GuestCounters> compilation, int rounds, Instant start,
            Environment environment) {
        String date = start.truncatedTo(ChronoUnit.SECONDS).toString();
        String id = date.replace(":", "") + "-" + environment.git().shortCommit();
        List<PerfRecord.WorkloadFigures> workloads = results.stream().map(r -> figures(r, compilation.get(r.name()))).toList();
        return new PerfRecord(PerfRecord.SCHEMA, id, date, SOURCE, environment.git(), environment.machine(), environment.runtime(),
                environment.load(), rounds, workloads, List.of());
    }

    /** The parts of a record that do not come from the measurements. */
    record Environment(PerfRecord.GitState git, PerfRecord.Machine machine, PerfRecord.RuntimeVersions runtime,
            PerfRecord.HostLoad load) {
    }

    static PerfRecord.WorkloadFigures figures(WorkloadResult result, GuestCounters compilation) {
        PerfRecord.Rate guest = rate(result.guest());
        PerfRecord.Rate nativeRate = rate(result.nativeRun());
        PerfRecord.Rate qemu = rate(result.qemu());
        return new PerfRecord.WorkloadFigures(result.name(), result.iterations(), guest, nativeRate, qemu,
                finite(result.guestOverNative()), spreadSum(guest, nativeRate), finite(result.qemuOverNative()),
                spreadSum(qemu, nativeRate), result.guest().ok() ? finite(result.guest().warmupSeconds()) : null,
                compilation == null ? null : compilation.compilations(),
                compilation == null ? null : compilation.compileSeconds(), result.checksumsMatch(), roundClock(result));
    }

    /** "platform" when every platform that ran timed its rounds by the driver's clock, else "arrival". */
    static String roundClock(WorkloadResult result) {
        boolean platform = java.util.stream.Stream.of(result.guest(), result.nativeRun(), result.qemu())
                .filter(java.util.Objects::nonNull).allMatch(run -> "platform".equals(run.roundClock()));
        return platform ? "platform" : "arrival";
    }

    private static PerfRecord.Rate rate(BenchRun run) {
        if (run == null || !run.ok()) {
            return null;
        }
        return new PerfRecord.Rate(run.steadyRate(), run.steadySpread());
    }

    /** The relative spread of a ratio of two rates: their spreads added (null if either is missing). */
    private static Double spreadSum(PerfRecord.Rate a, PerfRecord.Rate b) {
        return a == null || b == null ? null : a.spread() + b.spread();
    }

    private static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }
}
