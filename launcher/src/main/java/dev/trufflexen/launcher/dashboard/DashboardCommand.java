package dev.trufflexen.launcher.dashboard;

import dev.trufflexen.launcher.ExitStatus;
import dev.trufflexen.launcher.TxlContext;
import dev.trufflexen.launcher.TxlException;
import dev.trufflexen.launcher.bench.BenchCommand;
import dev.trufflexen.launcher.bench.HistoryOptions;
import dev.trufflexen.launcher.perfhistory.PerfHistory;
import dev.trufflexen.launcher.perfhistory.PerfRecord;
import dev.trufflexen.launcher.perfhistory.RegressionRule;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code txl dashboard}: draws the benchmark history as a static site, one {@code index.html}
 * with a summary table and charts (see {@link DashboardModel} for what it shows).
 */
@Command(name = "dashboard",
        sortOptions = false,
        description = "Writes the benchmark history (perf/history, filled by txl bench --record and bin/perf --record) as a"
            + " static page: a summary table flagging regressions, and charts of every workload and JMH benchmark over time.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:the page was written",
            ExitStatus.USAGE + ":bad command line",
            ExitStatus.IO_ERROR + ":the history could not be read or the page not written"})
public final class DashboardCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR", description = "Where to write index.html (default: perf/dashboard of the checkout).")
    Path out;

    @Mixin
    HistoryOptions historyOptions = new HistoryOptions();

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    private final TxlContext context;

    public DashboardCommand(TxlContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        RegressionRule rule = historyOptions.rule(spec);
        PerfHistory history = historyOptions.history(context);
        Path historyDirectory = history.directory();
        Path outDirectory = out != null ? context.workingDirectory().resolve(out)
                : BenchCommand.checkoutRoot().resolve("perf").resolve("dashboard");
        PrintWriter err = spec.commandLine().getErr();
        List<PerfRecord> runs;
        try {
            runs = history.readAll(warning -> err.println("txl: warning: " + warning));
        } catch (IOException e) {
            throw new TxlException(ExitStatus.IO_ERROR, "dashboard: cannot read the history " + historyDirectory + ": " + e.getMessage(), e);
        }
        if (runs.isEmpty()) {
            err.println("txl: warning: the history " + historyDirectory + " holds no runs; record one with txl bench --record");
        }
        Path index;
        try {
            index = DashboardSite.write(outDirectory, DashboardModel.build(runs, rule, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()));
        } catch (IOException e) {
            throw new TxlException(ExitStatus.IO_ERROR, "dashboard: cannot write " + outDirectory + ": " + e.getMessage(), e);
        }
        spec.commandLine().getOut().println(index.toUri());
        return 0;
    }
}
