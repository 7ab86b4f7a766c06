package dev.trufflexen.launcher.bench;

import dev.trufflexen.launcher.ExitStatus;
import dev.trufflexen.launcher.TxlContext;
import dev.trufflexen.launcher.TxlException;
import dev.trufflexen.launcher.perfhistory.GitFacts;
import dev.trufflexen.launcher.perfhistory.HostFacts;
import dev.trufflexen.launcher.perfhistory.JmhResults;
import dev.trufflexen.launcher.perfhistory.PerfHistory;
import dev.trufflexen.launcher.perfhistory.PerfRecord;
import dev.trufflexen.x86.TruffleRuntimeCheck;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code txl record-jmh FILE...}: appends one run made of JMH result files to the benchmark
 * history. {@code bin/perf --record} calls it with the files it just wrote; the load average it
 * records is the one bin/perf measured before the benchmarks started ({@code --load-before}).
 */
@Command(name = "record-jmh", hidden = true,
        description = "Appends JMH JSON result files (bin/perf --record) to the benchmark history as one run.")
public final class RecordJmhCommand implements Callable<Integer> {
    /** The history's name for runs of bin/perf. */
    static final String SOURCE = "bin/perf";

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "JMH result files (-rf json).")
    List<Path> files;

    @Option(names = "--history", paramLabel = "DIR", description = "The history directory (default: perf/history of the checkout).")
    Path history;

    @Option(names = "--started", paramLabel = "INSTANT", description = "When the benchmarks started (ISO-8601; default: now).")
    String started;

    @Option(names = "--load-before", paramLabel = "LOAD", description = "The one-minute load average when they started.")
    double loadBefore = Double.NaN;

    private final TxlContext context;

    public RecordJmhCommand(TxlContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        List<PerfRecord.JmhFigures> jmh = new ArrayList<>();
        for (Path file : files) {
            try {
                jmh.addAll(JmhResults.read(context.workingDirectory().resolve(file)));
            } catch (IOException e) {
                throw new TxlException(ExitStatus.IO_ERROR, "record-jmh: " + e.getMessage(), e);
            }
        }
        Path root = BenchCommand.checkoutRoot();
        PerfHistory perfHistory = new PerfHistory(history != null ? context.workingDirectory().resolve(history)
                : root.resolve("perf").resolve("history"));
        Instant start;
        try {
            start = started != null ? Instant.parse(started) : Instant.now();
        } catch (java.time.format.DateTimeParseException e) {
            throw new ParameterException(spec.commandLine(), "--started: '" + started + "' is not an ISO-8601 instant");
        }
        PerfRecord.GitState git = GitFacts.read(root, perfHistory.directory());
        String date = start.truncatedTo(ChronoUnit.SECONDS).toString();
        PerfRecord run = new PerfRecord(PerfRecord.SCHEMA, date.replace(":", "") + "-" + git.shortCommit() + "-jmh", date, SOURCE, git,
                HostFacts.machine(), HostFacts.runtime(TruffleRuntimeCheck.runtimeName()),
                new PerfRecord.HostLoad(loadBefore, HostFacts.loadAverage()), 0, List.of(), jmh);
        try {
            Path file = perfHistory.append(run);
            spec.commandLine().getErr().println("txl: record-jmh: recorded run " + run.id() + " (" + jmh.size() + " benchmarks) in " + file);
        } catch (IOException e) {
            throw new TxlException(ExitStatus.IO_ERROR, "record-jmh: cannot write the history: " + e.getMessage(), e);
        }
        return 0;
    }
}
