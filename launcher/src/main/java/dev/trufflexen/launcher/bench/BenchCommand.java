package dev.trufflexen.launcher.bench;

import dev.trufflexen.launcher.ExitStatus;
import dev.trufflexen.launcher.TxlException;
import dev.trufflexen.x86.TruffleRuntimeCheck;
import dev.trufflexen.x86.runtime.X86Counters;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Command;
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
 * <p>Progress goes to stderr; stdout carries only the table or the JSON object.
 */
@Command(name = "bench",
        sortOptions = false,
        description = "Runs the benchmark suite (guest-images/bench) as TruffleXen guests, natively and under"
            + " qemu-x86_64 when installed, and prints rates, slowdown factors and checksum agreement.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:every workload ran everywhere with matching checksums",
            BenchCommand.FAILED + ":a checksum mismatch, or a workload that crashed or stopped early",
            ExitStatus.USAGE + ":bad command line",
            ExitStatus.UNAVAILABLE + ":the benchmark images are not built",
            ExitStatus.SOFTWARE + ":Graal JIT not active"})
public final class BenchCommand implements Callable<Integer> {
    /** Exit status when any workload mismatched or failed. */
    static final int FAILED = 1;
    private static final int DEFAULT_ROUNDS = 10;
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

    @Option(names = "--timeout", paramLabel = "SECONDS",
            description = "Stop a run (one workload on one platform) after this long; 0: never (default ${DEFAULT-VALUE}).")
    long timeoutSeconds = 900;

    @Option(names = "--images", paramLabel = "DIR",
            description = "guest-images/build of the checkout (default: found from the launcher's location).")
    Path images;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Override
    public Integer call() {
        int roundCount = rounds != null ? rounds : quick ? QUICK_ROUNDS : DEFAULT_ROUNDS;
        if (roundCount < 1) {
            throw new ParameterException(spec.commandLine(), "--rounds must be at least 1, not " + roundCount);
        }
        if (timeoutSeconds < 0) {
            throw new ParameterException(spec.commandLine(), "--timeout must not be negative, not " + timeoutSeconds);
        }
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
        Optional<Path> qemu = noQemu ? Optional.empty() : ProcessBenchRunner.findQemu(System.getenv("PATH"));
        PrintWriter err = spec.commandLine().getErr();
        if (qemu.isEmpty() && !noQemu) {
            err.println("txl: bench: " + ProcessBenchRunner.QEMU + " is not on PATH (Debian: qemu-user); its column is n/a");
        }

        List<String> arguments = new ArrayList<>(List.of("rounds=" + roundCount));
        if (quick) {
            arguments.add("iters=1");
        }
        List<WorkloadResult> results = new ArrayList<>();
        Map<String, GuestCounters> guestCounters = new LinkedHashMap<>();
        for (BenchWorkload workload : workloads) {
            err.printf("txl: bench %s: native...", workload.name()).flush();
            BenchRun nativeRun = ProcessBenchRunner.runNative(workload, arguments, roundCount, timeoutSeconds);
            BenchRun qemuRun = null;
            if (qemu.isPresent()) {
                err.print(" qemu...");
                err.flush();
                qemuRun = ProcessBenchRunner.runQemu(qemu.get(), workload, arguments, roundCount, timeoutSeconds);
            }
            err.print(" guest...");
            err.flush();
            GuestCounters[] counted = counters ? new GuestCounters[1] : null;
            BenchRun guest = freshJvm
                    ? FreshJvmGuestRunner.run(workload, imageDirectory, roundCount, quick, timeoutSeconds, counted)
                    : GuestBenchRunner.run(workload, String.join(" ", arguments), roundCount, timeoutSeconds, counted);
            if (counted != null && counted[0] != null) {
                guestCounters.put(workload.name(), counted[0]);
            }
            WorkloadResult result = new WorkloadResult(workload.name(), guest, nativeRun, qemuRun);
            err.println(result.checksumsMatch() ? " ok" : " FAILED");
            reportProblems(err, result);
            results.add(result);
        }

        BenchReport report = new BenchReport(results, roundCount, quick, guestCounters);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            report.printJson(out);
        } else {
            report.printTable(out);
        }
        if (!report.allMatch()) {
            err.println("txl: bench: CHECKSUM MISMATCH OR FAILED RUN in: " + String.join(", ",
                    results.stream().filter(r -> !r.checksumsMatch()).map(WorkloadResult::name).toList()));
            return FAILED;
        }
        return 0;
    }

    /** Says loudly, on stderr, what went wrong with a workload. */
    private static void reportProblems(PrintWriter err, WorkloadResult result) {
        for (BenchRun run : new BenchRun[] {result.nativeRun(), result.qemu(), result.guest()}) {
            if (run != null && run.failure() != null) {
                err.println("txl: bench " + result.name() + ": " + run.platform() + " FAILED: " + run.failure());
            }
        }
        if (result.guest().ok() && result.nativeRun().ok() && !result.checksumsMatch()) {
            err.println("txl: bench " + result.name() + ": CHECKSUM MISMATCH: guest " + result.guest().checksum()
                    + ", native " + result.nativeRun().checksum()
                    + (result.qemu() != null ? ", qemu " + result.qemu().checksum() : ""));
        }
        err.flush();
    }

    /** guest-images/build of the checkout this launcher was built in (launcher/target/classes). */
    static Path defaultBuildDirectory() {
        try {
            Path start = Path.of(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path p = start; p != null; p = p.getParent()) {
                if (Files.isDirectory(p.resolve("guest-images"))) {
                    return p.resolve("guest-images").resolve("build");
                }
            }
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // fall through to the working directory
        }
        return Path.of("guest-images", "build").toAbsolutePath();
    }
}
