package dev.trufflexen.launcher;

import dev.trufflexen.x86.selftest.CpuDifferentialTester;
import dev.trufflexen.x86.selftest.CpuMismatch;
import dev.trufflexen.x86.selftest.CpuSelftestSummary;
import dev.trufflexen.x86.selftest.KnownDifferences;
import dev.trufflexen.x86.selftest.NativeCpuOracle;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code txl selftest}: checks TruffleXen against the machine it runs on. Its one test so far,
 * {@code txl selftest cpu}, is the CPU differential tester of
 * {@code dev.trufflexen.x86.selftest}: generated instructions run on the host CPU and on
 * TruffleXen's CPU from the same state, and every disagreement is printed with a reproducer.
 */
@Command(name = "selftest",
        mixinStandardHelpOptions = true,
        description = "Checks TruffleXen against the host machine.",
        subcommands = {SelftestCommand.Cpu.class, CommandLine.HelpCommand.class},
        synopsisSubcommandLabel = "TEST")
public final class SelftestCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "no test given; the tests are: cpu");
    }

    /** {@code txl selftest cpu}: the differential tester. */
    @Command(name = "cpu",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {"Runs generated x86-64 instructions on the host CPU and on TruffleXen from the same state and"
                + " compares registers, flags (less those the Intel manual calls undefined), memory and exceptions.",
                "Prints the first failures in full, then the instruction forms with failures or exclusions (known"
                + " differences: instructions TruffleXen's CPUID does not advertise, model-specific results, vendor"
                + " quirks, each with its reason), and ends with the line 'N passed, M failed'. The same seed gives the"
                + " same cases."},
            exitCodeListHeading = "%nExit status:%n",
            exitCodeList = {"0:no failures",
                Cpu.MISMATCHES + ":at least one failure (a mismatch outside the known differences)",
                ExitStatus.USAGE + ":bad command line",
                ExitStatus.UNAVAILABLE + ":not on Linux x86-64, or the native helper is not built"})
    static final class Cpu implements Callable<Integer> {
        static final int MISMATCHES = 1;
        /** A deadline that never comes (a year): the compiled mode runs all its sequences. */
        private static final long NO_DEADLINE_NANOS = java.util.concurrent.TimeUnit.DAYS.toNanos(365);

        @Spec
        CommandSpec spec;

        @Option(names = "--cases", paramLabel = "N", description = "Cases to run (default ${DEFAULT-VALUE}).")
        int cases = 10_000;

        @Option(names = "--seed", paramLabel = "S", description = "Seed of the case generator (default ${DEFAULT-VALUE}).")
        long seed = 1;

        @Option(names = "--from", paramLabel = "CASE", description = "Start at this case of the seed's sequence (the number a failure"
                + " prints, 'case N:'); the cases before it are generated but not run (default ${DEFAULT-VALUE}).")
        long from = 0;

        @Option(names = "--show", paramLabel = "K", description = "Failures printed in full (default ${DEFAULT-VALUE}).")
        int show = 20;

        @Option(names = "--compiled", description = "Compiled mode: runs N instruction sequences, each compiled by Graal before it runs"
                + " and repeated with a fault injected after each of its instructions, so compiled exit paths are compared too.")
        boolean compiled;

        @Override
        public Integer call() throws IOException {
            if (cases < 0 || show < 0 || from < 0) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--cases, --from and --show must not be negative");
            }
            if (!NativeCpuOracle.supported()) {
                throw new TxlException(ExitStatus.UNAVAILABLE, "selftest cpu needs Linux on x86-64 (the host CPU is the oracle)");
            }
            PrintWriter out = spec.commandLine().getOut();
            CpuSelftestSummary summary;
            try (CpuDifferentialTester tester = new CpuDifferentialTester(compiled)) {
                summary = compiled ? tester.runFaultInjected(cases, seed, from, show, System.nanoTime() + NO_DEADLINE_NANOS, null)
                        : tester.run(cases, seed, from, show, null);
            } catch (IOException e) {
                throw new TxlException(ExitStatus.UNAVAILABLE, "cannot run the native CPU oracle: " + e.getMessage(), e);
            }
            for (CpuMismatch mismatch : summary.mismatches()) {
                out.print(mismatch.reproducer());
                out.println();
            }
            if (summary.failed() > 0) {
                out.println("Failures per instruction form (failed/cases):");
                for (Map.Entry<String, CpuSelftestSummary.FormCount> e : summary.forms().entrySet()) {
                    CpuSelftestSummary.FormCount count = e.getValue();
                    if (count.unexpected > 0) {
                        out.printf("  %-16s %5d/%-5d%n", e.getKey(), count.unexpected, count.cases);
                    }
                }
            }
            if (summary.excluded() > 0) {
                out.println("Excluded as known differences (excluded/cases, reason):");
                for (Map.Entry<String, CpuSelftestSummary.FormCount> e : summary.forms().entrySet()) {
                    CpuSelftestSummary.FormCount count = e.getValue();
                    int known = count.failed - count.unexpected;
                    if (known > 0) {
                        String reason = KnownDifferences.reason(count.example);
                        out.printf("  %-16s %5d/%-5d %s%n", e.getKey(), known, count.cases, reason == null ? "(several)" : reason);
                    }
                }
                out.println(summary.excluded() + " cases excluded as known differences");
            }
            out.println(summary.forms().size() + " instruction forms exercised");
            if (summary.skipped() > 0) {
                out.println(summary.skipped() + " cases skipped (the host did not stop or its runner died)");
            }
            if (summary.hostUnsteady() > 0) {
                out.println(summary.hostUnsteady() + " cases skipped: the host CPU ran them twice with different outcomes (first: case "
                        + summary.firstHostUnsteady() + ")");
            }
            out.println(summary.resultLine());
            out.flush();
            return summary.failed() == 0 ? 0 : MISMATCHES;
        }
    }
}
