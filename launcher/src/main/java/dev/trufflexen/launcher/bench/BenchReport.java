package dev.trufflexen.launcher.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trufflexen.x86.runtime.X86Counters;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Renders the results of {@code txl bench}: a text table with geometric means, or one JSON
 * object ({@code geomean_guest_over_native}, {@code geomean_qemu_over_native} and a
 * {@code workloads} array). Values that could not be measured are "n/a" in the table and null in
 * JSON.
 */
final class BenchReport {
    private final List<WorkloadResult> results;
    private final int rounds;
    private final boolean quick;
    /** The guest runs' compilation figures (and counters) by workload name. */
    private final Map<String, GuestCounters> counters;
    /** {@code txl bench --counters}: whether the counters' events were counted. */
    private final boolean countedEvents;

    BenchReport(List<WorkloadResult> results, int rounds, boolean quick) {
        this(results, rounds, quick, Map.of(), false);
    }

    BenchReport(List<WorkloadResult> results, int rounds, boolean quick, Map<String, GuestCounters> counters,
            boolean countedEvents) {
        this.counters = Map.copyOf(counters);
        this.countedEvents = countedEvents;
        this.results = List.copyOf(results);
        this.rounds = rounds;
        this.quick = quick;
    }

    /** Geometric mean of a per-workload factor over the workloads where it was measured; NaN if none. */
    double geomean(ToDoubleFunction<WorkloadResult> factor) {
        double logSum = 0;
        int n = 0;
        for (WorkloadResult result : results) {
            double value = factor.applyAsDouble(result);
            if (Double.isFinite(value) && value > 0) {
                logSum += Math.log(value);
                n++;
            }
        }
        return n == 0 ? Double.NaN : Math.exp(logSum / n);
    }

    boolean allMatch() {
        return results.stream().allMatch(WorkloadResult::checksumsMatch);
    }

    void printTable(PrintWriter out) {
        String format = "%-10s %14s %14s %13s %12s %14s %10s %13s  %s%n";
        out.printf(format, "workload", "guest it/s", "native it/s", "guest/native", "qemu/native", "guest warm-up", "guest CPU",
                "by CPU time", "checksum");
        for (WorkloadResult r : results) {
            out.printf(format, r.name(), rate(r.guest()), rate(r.nativeRun()), factor(r.guestOverNative()),
                    factor(r.qemuOverNative()), seconds(r.guest().ok() ? r.guest().warmupSeconds() : Double.NaN),
                    percent(r.guest().ok() ? r.guest().cpuShare() : Double.NaN), factor(r.guestCpuOverNative()),
                    r.checksumsMatch() ? "match" : "MISMATCH");
        }
        out.printf("geomean guest/native: %s   qemu/native: %s   by CPU time: %s   (%d rounds%s; rates are steady-state iterations per second)%n",
                factor(geomean(WorkloadResult::guestOverNative)), factor(geomean(WorkloadResult::qemuOverNative)),
                factor(geomean(WorkloadResult::guestCpuOverNative)), rounds,
                quick ? ", quick: one iteration per round, timings not meaningful" : "");
        out.printf("compiler: %s; rounds timed by %s%n", dev.trufflexen.launcher.perfhistory.HostFacts.compiler(), clocks());
        String late = lateCompilations();
        if (!late.isEmpty()) {
            out.printf("compiled during the steady-state rounds (their rate is not yet the compiled code's alone): %s%n", late);
        }
        if (countedEvents) {
            printCounters(out);
        }
        out.flush();
    }

    /** "name N, name M" for the guest runs whose compilations went on into the steady-state rounds; empty if none did. */
    String lateCompilations() {
        List<String> late = new ArrayList<>();
        for (WorkloadResult r : results) {
            GuestCounters c = counters.get(r.name());
            if (c != null && c.lateCompilations() > 0) {
                late.add(r.name() + " " + c.lateCompilations());
            }
        }
        return String.join(", ", late);
    }

    /** The counters table: totals, then events per million guest instructions. */
    private void printCounters(PrintWriter out) {
        String header = "%-10s %16s %10s %10s %10s %10s %10s %10s %10s %10s %8s %8s %8s%n";
        String format = "%-10s %16d %10.2f %10.2f %10.2f %10.2f %10.2f %10.2f %10.0f %10.2f %8d %8d %8d%n";
        out.printf("%ncounters (guest runs; region calls from the dispatcher and chained from other regions, exits, back edges"
                + " and calls of cold regions run uncounted, per million guest instructions):%n");
        out.printf(header, "workload", "guest insns", "regions", "chained", "exit:br", "exit:fault", "exit:sysc", "exit:other", "back edge",
                "uncounted", "compiles", "deopts", "invals");
        for (WorkloadResult r : results) {
            GuestCounters c = counters.get(r.name());
            if (c == null) {
                continue;
            }
            X86Counters.Snapshot e = c.events();
            out.printf(format, r.name(), e.get(X86Counters.Event.INSTRUCTIONS), c.perMillionInstructions(e.get(X86Counters.Event.REGION_CALLS)),
                    c.perMillionInstructions(e.get(X86Counters.Event.CHAINED_CALLS)),
                    c.perMillionInstructions(e.get(X86Counters.Event.EXIT_BRANCH)), c.perMillionInstructions(e.get(X86Counters.Event.EXIT_FAULT)),
                    c.perMillionInstructions(e.get(X86Counters.Event.EXIT_SYSCALL)),
                    c.perMillionInstructions(e.get(X86Counters.Event.EXIT_RESUME) + e.get(X86Counters.Event.EXIT_PLATFORM)),
                    c.perMillionInstructions(e.get(X86Counters.Event.BACK_EDGES)), c.perMillionInstructions(e.get(X86Counters.Event.UNCOUNTED_RUNS)),
                    c.compilations(), c.deoptimizations(), c.invalidations());
        }
    }

    void printJson(PrintWriter out) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        putNumber(root, "geomean_guest_over_native", geomean(WorkloadResult::guestOverNative));
        putNumber(root, "geomean_qemu_over_native", geomean(WorkloadResult::qemuOverNative));
        putNumber(root, "geomean_guest_cpu_over_native", geomean(WorkloadResult::guestCpuOverNative));
        root.put("all_checksums_match", allMatch());
        root.put("rounds", rounds);
        root.put("quick", quick);
        root.put("host_cpus", Runtime.getRuntime().availableProcessors());
        root.put("compiler", dev.trufflexen.launcher.perfhistory.HostFacts.compiler());
        ArrayNode workloads = root.putArray("workloads");
        for (WorkloadResult r : results) {
            ObjectNode w = workloads.addObject();
            w.put("name", r.name());
            w.put("iterations_per_round", r.iterations());
            putNumber(w, "guest_over_native", r.guestOverNative());
            putNumber(w, "qemu_over_native", r.qemuOverNative());
            putNumber(w, "guest_cpu_over_native", r.guestCpuOverNative());
            w.put("checksum_match", r.checksumsMatch());
            putRun(w, "guest", r.guest());
            putRun(w, "native", r.nativeRun());
            putRun(w, "qemu", r.qemu());
            GuestCounters c = counters.get(r.name());
            if (c != null) {
                ObjectNode compilation = w.putObject("guest_compilation");
                compilation.put("compilations", c.compilations());
                compilation.put("compile_seconds", c.compileSeconds());
                compilation.put("deoptimizations", c.deoptimizations());
                compilation.put("invalidations", c.invalidations());
                compilation.put("late_compilations", c.lateCompilations());
            }
            if (c != null && countedEvents) {
                ObjectNode node = w.putObject("guest_counters");
                for (X86Counters.Event event : X86Counters.Event.values()) {
                    node.put(event.name().toLowerCase(Locale.ROOT), c.events().get(event));
                }
                node.put("compilations", c.compilations());
                node.put("deoptimizations", c.deoptimizations());
                node.put("invalidations", c.invalidations());
            }
        }
        try {
            out.println(mapper.writeValueAsString(root));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot render the benchmark results as JSON", e);
        }
        out.flush();
    }

    /** Which clock timed the rounds: the drivers' own everywhere, or arrival of the markers somewhere. */
    private String clocks() {
        boolean platform = results.stream().allMatch(r -> "platform".equals(BenchRecords.roundClock(r)));
        return platform ? "the benchmark driver's own clock (guest: pvclock; native, qemu: CLOCK_MONOTONIC)"
                : "the arrival of their markers on the host";
    }

    private static void putRun(ObjectNode parent, String key, BenchRun run) {
        if (run == null) {
            parent.putNull(key);
            return;
        }
        ObjectNode node = parent.putObject(key);
        node.put("ok", run.ok());
        node.put("clock", run.roundClock());
        putNumber(node, "rate", run.ok() ? run.steadyRate() : Double.NaN);
        putNumber(node, "warmup_seconds", run.ok() ? run.warmupSeconds() : Double.NaN);
        putNumber(node, "spread", run.ok() ? run.steadySpread() : Double.NaN);
        putNumber(node, "cpu_share", run.ok() ? run.cpuShare() : Double.NaN);
        if (!run.roundCpuSeconds().isEmpty()) {
            ArrayNode cpu = node.putArray("round_cpu_seconds");
            run.roundCpuSeconds().forEach(value -> {
                if (Double.isFinite(value)) {
                    cpu.add(value);
                } else {
                    cpu.addNull();
                }
            });
        }
        if (run.checksum() == null) {
            node.putNull("checksum");
        } else {
            node.put("checksum", run.checksum());
        }
        ArrayNode seconds = node.putArray("round_seconds");
        run.rounds().forEach(round -> seconds.add(round.seconds()));
        ArrayNode begins = node.putArray("round_begin_seconds");
        run.rounds().forEach(round -> begins.add((round.beginNanos() - run.rounds().getFirst().beginNanos()) / 1e9));
        if (run.failure() == null) {
            node.putNull("failure");
        } else {
            node.put("failure", run.failure());
        }
    }

    private static void putNumber(ObjectNode node, String key, double value) {
        if (Double.isFinite(value)) {
            node.put(key, value);
        } else {
            node.putNull(key);
        }
    }

    private static String rate(BenchRun run) {
        if (run == null || !run.ok()) {
            return run == null ? "n/a" : "failed";
        }
        double rate = run.steadyRate();
        return rate >= 100 ? String.format(Locale.ROOT, "%.0f", rate) : String.format(Locale.ROOT, "%.3g", rate);
    }

    private static String factor(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.1fx", value) : "n/a";
    }

    private static String percent(double share) {
        return Double.isFinite(share) ? String.format(Locale.ROOT, "%.0f%%", 100 * share) : "n/a";
    }

    private static String seconds(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.2f s", value) : "n/a";
    }
}
