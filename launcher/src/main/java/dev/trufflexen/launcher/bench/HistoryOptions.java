package dev.trufflexen.launcher.bench;

import dev.trufflexen.launcher.TxlContext;
import dev.trufflexen.launcher.perfhistory.PerfHistory;
import dev.trufflexen.launcher.perfhistory.RegressionRule;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The options of the commands that read the benchmark history ({@code txl bench} and
 * {@code txl dashboard}): where it is and the {@link RegressionRule} that judges it.
 */
public final class HistoryOptions {
    @Option(names = "--history", paramLabel = "DIR", description = "The history directory (default: perf/history of the checkout).")
    Path history;

    @Option(names = "--window", paramLabel = "N", description = "Regression rule: the baseline is the median of the previous N runs"
            + " on this machine (default ${DEFAULT-VALUE}).")
    int window = RegressionRule.DEFAULT.window();

    @Option(names = "--threshold", paramLabel = "PERCENT", description = "Regression rule: the smallest change that counts as a"
            + " regression, in percent (default ${DEFAULT-VALUE}); noisier metrics need more (see --spread-factor).")
    double thresholdPercent = RegressionRule.DEFAULT.minChange() * 100;

    @Option(names = "--spread-factor", paramLabel = "K", description = "Regression rule: a change counts only beyond K times the"
            + " measured spread (relative range of the steady-state rounds; default ${DEFAULT-VALUE}).")
    double spreadFactor = RegressionRule.DEFAULT.spreadFactor();

    /** The rule the options give; a usage error when they make no rule. */
    public RegressionRule rule(CommandSpec spec) {
        try {
            return new RegressionRule(window, thresholdPercent / 100, spreadFactor);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The history: --history relative to the working directory, else perf/history of the checkout. */
    public PerfHistory history(TxlContext context) {
        return new PerfHistory(history != null ? context.workingDirectory().resolve(history)
                : BenchCommand.checkoutRoot().resolve("perf").resolve("history"));
    }
}
