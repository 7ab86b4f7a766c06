package dev.trufflexen.launcher.bench;

import dev.trufflexen.launcher.ExitStatus;
import dev.trufflexen.launcher.TxlContext;
import dev.trufflexen.launcher.TxlException;
import dev.trufflexen.launcher.perfhistory.Comparison;
import dev.trufflexen.launcher.perfhistory.GitFacts;
import dev.trufflexen.launcher.perfhistory.HostFacts;
import dev.trufflexen.launcher.perfhistory.PerfHistory;
import dev.trufflexen.launcher.perfhistory.PerfRecord;
import dev.trufflexen.launcher.perfhistory.RegressionRule;
import dev.trufflexen.x86.TruffleRuntimeCheck;
import dev.trufflexen.x86.runtime.X86Counters;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code txl bench}: runs the benchmark suite of guest-images/bench on TruffleXen and compares
 * it with the same code running natively and, when installed, under qemu-x86_64.
 *
 * <h2>How a workload is measured</h2>
 * Each workload is one C driver plus one workload, built both as a PV guest and as a static
 * Linux executable from the same sources and flags. The driver runs R rounds of N iterations
 * and prints a marker line before and after each round; {@link MarkerRecorder} timestamps the
 * markers on the host as they arrive, whether they come through the guest's PV console
 * ({@link GuestBenchRunner}) or a process's stdout ({@link ProcessBenchRunner}). From the rounds,
 * {@link BenchRun} derives the steady-state rate and the warm-up (how long the JIT takes to reach
 * 90% of it), {@link WorkloadResult} the slowdown factors and the checksum verdict, and
 * {@link BenchReport} prints the table or JSON.
 *
 * <h2>History</h2>
 * {@code --record} appends the run to the benchmark history ({@code perf/history}, see
 * {@link dev.trufflexen.launcher.perfhistory}); {@code --compare REF} judges it against the runs
 * of this machine up to REF with {@link RegressionRule} and exits with {@link #REGRESSED} when a
 * workload regressed, so a developer or CI can gate on it.
 *
 * <p>Progress ({@link BenchProgress}) is drawn on stderr only when txl runs on a terminal and
 * prints the table; stdout carries only the table (and the comparison) or the JSON object.
 */
@Command(name = "bench",
        sortOptions = false,
        description = "Runs the benchmark suite (guest-images/bench) as TruffleXen guests, natively and under"
            + " qemu-x86_64 when installed, and prints rates, slowdown factors and checksum agreement.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:every workload ran everywhere with matching checksums",
            BenchCommand.FAILED + ":a checksum mismatch, or a workload that crashed or stopped early",
            BenchCommand.REGRESSED + ":--compare found a regression",
            ExitStatus.USAGE + ":bad command line",
            ExitStatus.UNAVAILABLE + ":the benchmark images are not built",
            ExitStatus.SOFTWARE + ":Graal JIT not active",
            ExitStatus.IO_ERROR + ":--record could not write the history"})
public final class BenchCommand implements Callable<Integer> {
    /** Exit status when any workload mismatched or failed. */
    static final int FAILED = 1;
    /** Exit status when {@code --compare} found a regression. */
    static final int REGRESSED = 2;
    private static final int DEFAULT_ROUNDS = 30;
    private static final int QUICK_ROUNDS = 2;

    @Spec
    CommandSpec spec;

    @Option(names = "--rounds", paramLabel = "N",
            description = "Rounds per workload and platform (default " + DEFAULT_ROUNDS + "; " + QUICK_ROUNDS + " with --quick).")
    Integer rounds;

    @Option(names = "--filter", paramLabel = "REGEX", description = "Run only the workloads whose name this finds.")
    String filter = "";

    @Option(names = "--quick", description = "One iteration per round: checks that everything runs, for tests.")
    boolean quick;

    @Option(names = "--json", description = "Print one JSON object instead of the table.")
    boolean json;

    @Option(names = "--no-qemu", description = "Skip qemu-x86_64 even when it is installed.")
    boolean noQemu;

    @Option(names = "--counters", description = "Also count, per guest run: guest instructions, region calls and exits by kind,"
            + " back edges, compilations and deoptimizations (counting slows the guest down: its rates are then not comparable).")
    boolean counters;

    @Option(names = "--fresh-jvm", description = "Run each guest in a JVM of its own, so its warm-up includes the Graal compiler's"
            + " own (in one shared JVM the first workload pays for it and hides it from the others).")
    boolean freshJvm;

    /**
     * How {@code --fresh-jvm} runs each child JVM: the guest alone, started as {@code txl create}
     * starts one, with no native run before it (the parent has run that) during which the child's
     * JIT could finish its start-up work unseen.
     */
    @Option(names = "--guest-only", hidden = true, description = "Run only the guest (each child JVM of --fresh-jvm).")
    boolean guestOnly;

    @Option(names = "--timeout", paramLabel = "SECONDS",
            description = "Stop a run (one workload on one platform) after this long; 0: never (default ${DEFAULT-VALUE}).")
    long timeoutSeconds = 900;

    @Option(names = "--record", description = "Append this run to the benchmark history (one JSON line in"
            + " perf/history/<machine>.jsonl); not with --quick.")
    boolean record;

    @Option(names = "--compare", paramLabel = "REF", description = "Compare this run with the history of this machine up to REF:"
            + " 'previous', a commit or a date (YYYY-MM-DD); print the deltas and exit " + REGRESSED + " on a regression.")
    String compare;

    @Mixin
    HistoryOptions historyOptions = new HistoryOptions();

    @Option(names = "--images", paramLabel = "DIR",
            description = "guest-images/build of the checkout (default: found from the launcher's location).")
    Path images;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    private final TxlContext context;

    public BenchCommand(TxlContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        int roundCount = rounds != null ? rounds : quick ? QUICK_ROUNDS : DEFAULT_ROUNDS;
        if (roundCount < 1) {
            throw new ParameterException(spec.commandLine(), "--rounds must be at least 1, not " + roundCount);
        }
        if (timeoutSeconds < 0) {
            throw new ParameterException(spec.commandLine(), "--timeout must not be negative, not " + timeoutSeconds);
        }
        if (guestOnly && (record || compare != null || freshJvm)) {
            throw new ParameterException(spec.commandLine(),
                    "--guest-only runs no native reference: not with --record, --compare or --fresh-jvm");
        }
        if (record && quick) {
            throw new ParameterException(spec.commandLine(), "--record keeps real measurements; --quick runs are not timed");
        }
        RegressionRule rule = historyOptions.rule(spec);
        if (compare != null) {
            try {
                Comparison.checkRef(compare);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--compare: " + e.getMessage());
            }
        }
        double loadBefore = HostFacts.loadAverage();
        Instant start = Instant.now();
        Pattern pattern;
        try {
            pattern = Pattern.compile(filter);
        } catch (PatternSyntaxException e) {
            throw new ParameterException(spec.commandLine(), "invalid --filter '" + filter + "': " + e.getDescription());
        }
        List<BenchWorkload> workloads;
        Path imageDirectory = images != null ? images.toAbsolutePath() : defaultBuildDirectory();
        try {
            workloads = BenchWorkload.discover(imageDirectory, pattern);
        } catch (BenchWorkload.BenchImagesMissingException e) {
            throw new TxlException(ExitStatus.UNAVAILABLE, e.getMessage(), e);
        }
        if (workloads.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "no workload matches --filter '" + filter + "'");
        }
        if (!TruffleRuntimeCheck.isOptimizing()) {
            throw new TxlException(ExitStatus.SOFTWARE, TruffleRuntimeCheck.missingCompilerMessage());
        }
        if (counters) {
            System.setProperty(X86Counters.PROPERTY, "true");
            if (!X86Counters.ENABLED) {
                throw new TxlException(ExitStatus.SOFTWARE, "bench: --counters needs the counters enabled before the CPU starts;"
                        + " run with -D" + X86Counters.PROPERTY + "=true");
            }
        }
        boolean skipQemu = noQemu || guestOnly;
        Optional<Path> qemu = skipQemu ? Optional.empty() : ProcessBenchRunner.findQemu(System.getenv("PATH"));
        PrintWriter err = spec.commandLine().getErr();
        if (qemu.isEmpty() && !skipQemu) {
            err.println("txl: bench: " + ProcessBenchRunner.QEMU + " is not on PATH (Debian: qemu-user); its column is n/a");
        }

        List<String> arguments = new ArrayList<>(List.of("rounds=" + roundCount));
        if (quick) {
            arguments.add("iters=1");
        }
        List<WorkloadResult> results = new ArrayList<>();
        Map<String, GuestCounters> guestCounters = new LinkedHashMap<>();
        int platforms = qemu.isPresent() ? 3 : 2;
        BenchProgress progress = context.terminal() && !json ? new BenchProgress(err, workloads.size(), platforms, roundCount)
                : BenchProgress.QUIET;
        for (int i = 0; i < workloads.size(); i++) {
            BenchWorkload workload = workloads.get(i);
            progress.platform(workload.name(), i, "native", 0);
            BenchRun nativeRun = guestOnly ? null : ProcessBenchRunner.runNative(workload, arguments, roundCount, timeoutSeconds, progress);
            BenchRun qemuRun = null;
            if (qemu.isPresent()) {
                progress.platform(workload.name(), i, "qemu", 1);
                qemuRun = ProcessBenchRunner.runQemu(qemu.get(), workload, arguments, roundCount, timeoutSeconds, progress);
            }
            progress.platform(workload.name(), i, "guest", platforms - 1);
            GuestCounters[] counted = new GuestCounters[1];
            BenchRun guest = freshJvm
                    ? FreshJvmGuestRunner.run(workload, imageDirectory, roundCount, quick, timeoutSeconds, counters, counted)
                    : GuestBenchRunner.run(workload, String.join(" ", arguments), roundCount, timeoutSeconds, counted, progress);
            if (counted[0] != null) {
                guestCounters.put(workload.name(), counted[0]);
            }
            WorkloadResult result = new WorkloadResult(workload.name(), guest, nativeRun, qemuRun);
            progress.clear();
            reportProblems(err, result);
            results.add(result);
        }
        progress.finish();

        BenchReport report = new BenchReport(results, roundCount, quick, guestCounters, counters);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            report.printJson(out);
        } else {
            report.printTable(out);
        }
        if (!report.allMatch()) {
            err.println("txl: bench: CHECKSUM MISMATCH OR FAILED RUN in: " + String.join(", ",
                    results.stream().filter(r -> !r.checksumsMatch()).map(WorkloadResult::name).toList()));
            if (record) {
                err.println("txl: bench: the run is not recorded: a run with failures is no measurement");
            }
            return FAILED;
        }
        if (!record && compare == null) {
            return 0;
        }
        PerfRecord run = BenchRecords.of(results, guestCounters, roundCount, start, new BenchRecords.Environment(
                GitFacts.read(checkoutRoot(), historyOptions.history(context).directory()), HostFacts.machine(),
                HostFacts.runtime(TruffleRuntimeCheck.runtimeName()), new PerfRecord.HostLoad(loadBefore, HostFacts.loadAverage())));
        return keep(run, rule, json ? err : out, err);
    }

    /**
     * {@code --record} and {@code --compare}: appends the run to the history first (a REF that
     * matches nothing must not lose the measurement), then judges it against the runs before it.
     */
    private int keep(PerfRecord run, RegressionRule rule, PrintWriter out, PrintWriter err) {
        PerfHistory perfHistory = historyOptions.history(context);
        if (record) {
            try {
                Path file = perfHistory.append(run);
                err.println("txl: bench: recorded run " + run.id() + " in " + file);
            } catch (IOException e) {
                throw new TxlException(ExitStatus.IO_ERROR, "bench: cannot record the run in " + perfHistory.directory() + ": "
                        + e.getMessage(), e);
            }
        }
        return compare != null && compare(run, perfHistory, rule, out, err) ? REGRESSED : 0;
    }

    /** {@code --compare}: prints the deltas to {@code out}; true on a regression. */
    private boolean compare(PerfRecord run, PerfHistory perfHistory, RegressionRule rule, PrintWriter out, PrintWriter err) {
        List<PerfRecord> previous;
        try {
            previous = perfHistory.readAll(warning -> err.println("txl: warning: " + warning));
        } catch (IOException e) {
            throw new TxlException(ExitStatus.IO_ERROR, "bench: cannot read the history " + perfHistory.directory() + ": "
                    + e.getMessage(), e);
        }
        Comparison comparison;
        try {
            comparison = Comparison.compare(run, previous, compare, rule);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--compare: " + e.getMessage());
        }
        out.println();
        comparison.print(out, rule);
        return comparison.regressed();
    }

    /** Says loudly, on stderr, what went wrong with a workload. */
    private static void reportProblems(PrintWriter err, WorkloadResult result) {
        for (BenchRun run : new BenchRun[] {result.nativeRun(), result.qemu(), result.guest()}) {
            if (run != null && run.failure() != null) {
                err.println("txl: bench " + result.name() + ": " + run.platform() + " FAILED: " + run.failure());
            }
        }
        if (result.guest().ok() && (result.nativeRun() == null || result.nativeRun().ok()) && !result.checksumsMatch()) {
            err.println("txl: bench " + result.name() + ": CHECKSUM MISMATCH: guest " + result.guest().checksum()
                    + (result.nativeRun() != null ? ", native " + result.nativeRun().checksum() : "")
                    + (result.qemu() != null ? ", qemu " + result.qemu().checksum() : ""));
        }
        err.flush();
    }

    /** guest-images/build of the checkout this launcher was built in (launcher/target/classes). */
    static Path defaultBuildDirectory() {
        return checkoutRoot().resolve("guest-images").resolve("build");
    }

    /** The checkout this launcher was built in (launcher/target/classes), else the working directory. */
    public static Path checkoutRoot() {
        try {
            Path start = Path.of(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path p = start; p != null; p = p.getParent()) {
                if (Files.isDirectory(p.resolve("guest-images"))) {
                    return p;
                }
            }
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // fall through to the working directory
        }
        return Path.of("").toAbsolutePath();
    }
}
