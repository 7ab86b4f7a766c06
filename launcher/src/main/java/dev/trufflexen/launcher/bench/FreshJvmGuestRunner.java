package dev.trufflexen.launcher.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trufflexen.launcher.Txl;
import dev.trufflexen.x86.runtime.X86Counters;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code txl bench --fresh-jvm}: runs one workload's guest in a JVM of its own, started like this
 * one (same JVM options, class path and Graal compiler), so its warm-up includes the Graal
 * compiler warming itself up. In one shared JVM only the first workload pays for that, which
 * hides it from the others' warm-up figures.
 *
 * <p>The child is {@code txl bench --filter ^NAME$ --guest-only --json} with the same rounds: it
 * starts the guest as soon as it can, as {@code txl create} would, since a native run first would
 * let the child's JIT finish its start-up work unseen. Its guest rounds (and counters, with
 * {@code --counters}) are read back from the JSON.
 */
final class FreshJvmGuestRunner {
    private FreshJvmGuestRunner() {
    }

    /**
     * The guest run, and in {@code counters[0]} (when non-null) its compilation figures and, with
     * {@code countEvents}, its event counters.
     */
    static BenchRun run(BenchWorkload workload, Path images, int rounds, boolean quick, long timeoutSeconds,
            boolean countEvents, GuestCounters[] counters) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Txl.class.getName(), "bench", "--filter",
                "^" + java.util.regex.Pattern.quote(workload.name()) + "$", "--guest-only", "--json", "--rounds", Integer.toString(rounds),
                "--timeout", Long.toString(timeoutSeconds), "--images", images.toString()));
        if (quick) {
            command.add("--quick");
        }
        if (countEvents) {
            command.add("--counters");
        }
        Path out = null;
        try {
            out = Files.createTempFile("txl-bench-" + workload.name(), ".json");
            Process process = new ProcessBuilder(command).redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).redirectInput(ProcessBuilder.Redirect.PIPE).start();
            process.getOutputStream().close();
            boolean finished = timeoutSeconds <= 0 ? process.waitFor() >= 0 : process.waitFor(timeoutSeconds + 120, TimeUnit.SECONDS);
            if (!finished) {
                process.destroyForcibly();
                return BenchRun.failed("guest", "the fresh JVM for " + workload.name() + " did not finish in time");
            }
            return fromJson(Files.readString(out, StandardCharsets.UTF_8), workload.name(), counters);
        } catch (IOException e) {
            return BenchRun.failed("guest", "cannot run a fresh JVM for " + workload.name() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return BenchRun.failed("guest", "interrupted");
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException e) {
                    // a temporary file left behind
                }
            }
        }
    }

    /** The guest run of workload {@code name} in a {@code txl bench --json} report. */
    static BenchRun fromJson(String json, String name, GuestCounters[] counters) {
        JsonNode workload;
        try {
            workload = new ObjectMapper().readTree(json).get("workloads").get(0);
        } catch (IOException | RuntimeException e) {
            return BenchRun.failed("guest", "the fresh JVM for " + name + " printed no report");
        }
        JsonNode guest = workload.get("guest");
        long iterations = workload.get("iterations_per_round").asLong();
        JsonNode seconds = guest.get("round_seconds");
        JsonNode begins = guest.get("round_begin_seconds");
        String checksum = guest.get("checksum").isNull() ? "mismatch" : guest.get("checksum").asText();
        boolean platformClock = "platform".equals(guest.path("clock").asText());
        List<BenchRound> rounds = new ArrayList<>();
        for (int i = 0; i < seconds.size(); i++) {
            long begin = Math.round(begins.get(i).asDouble() * 1e9);
            rounds.add(new BenchRound(i + 1, begin, begin + Math.round(seconds.get(i).asDouble() * 1e9), iterations, checksum,
                    platformClock));
        }
        if (counters != null && workload.has("guest_compilation")) {
            JsonNode compilation = workload.get("guest_compilation");
            JsonNode c = workload.get("guest_counters");
            long[] values = new long[X86Counters.Event.values().length];
            if (c != null) {
                for (X86Counters.Event event : X86Counters.Event.values()) {
                    values[event.ordinal()] = c.get(event.name().toLowerCase(Locale.ROOT)).asLong();
                }
            }
            counters[0] = new GuestCounters(new X86Counters.Snapshot(values), compilation.get("compilations").asLong(),
                    compilation.get("deoptimizations").asLong(), compilation.get("invalidations").asLong(),
                    compilation.get("compile_seconds").asDouble(), compilation.path("late_compilations").asLong());
        }
        JsonNode share = guest.path("cpu_share");
        List<Double> cpuSeconds = new ArrayList<>();
        guest.path("round_cpu_seconds").forEach(value -> cpuSeconds.add(value.isNumber() ? value.asDouble() : Double.NaN));
        return new BenchRun("guest", rounds, guest.get("failure").isNull() ? null : guest.get("failure").asText(),
                new GuestCpu(share.isNumber() ? share.asDouble() : Double.NaN, cpuSeconds));
    }
}
