package dev.trufflexen.x86.testing;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Counts what Graal put into the compilations of a hot region: guest code runs hot (as in
 * {@link X86CompilationCheck}) in a child JVM whose compiler dumps each compilation's final HIR
 * schedule as text ({@code jdk.graal.PrintBackendCFG}); the census reads those dumps. A child
 * JVM, because the compiler reads its dump options once, when it starts.
 */
public final class X86CompilationCensus {
    private static final String FINAL_SCHEDULE = "name \"Final HIR schedule\"";

    private X86CompilationCensus() {
    }

    /** In the child JVM: runs {@code args[0]} (hex code) hot until it compiles. */
    public static void main(String[] args) {
        X86CompilationCheck.runHot(args[0], m -> {
        }, m -> {
        });
    }

    /**
     * Runs {@code code} hot in a child JVM and returns, for each compilation of the region at
     * {@link X86TestMachine#CODE}, how many heap allocations (the {@code new_*} allocation stubs
     * that remain after escape analysis) its final schedule calls.
     */
    public static Map<String, Integer> allocationsPerCompilation(String code) throws IOException, InterruptedException {
        Path dumps = Files.createTempDirectory("x86-census");
        try {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                    .filter(arg -> !arg.startsWith("-agentlib") && !arg.startsWith("-javaagent")).toList());
            command.addAll(List.of("-Djdk.graal.Dump=:1", "-Djdk.graal.PrintBackendCFG=true", "-Djdk.graal.PrintGraph=Disable",
                    "-Djdk.graal.DumpPath=" + dumps, "-cp", System.getProperty("java.class.path"), X86CompilationCensus.class.getName(), code));
            Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] output = child.getInputStream().readAllBytes();
            if (!child.waitFor(10, TimeUnit.MINUTES) || child.exitValue() != 0) {
                throw new AssertionError("the census run failed:\n" + new String(output, StandardCharsets.UTF_8));
            }
            Map<String, Integer> allocations = new TreeMap<>();
            try (Stream<Path> files = Files.walk(dumps)) {
                for (Path file : files.filter(p -> p.getFileName().toString().contains("x86@400000") && p.toString().endsWith(".cfg")).toList()) {
                    allocations.put(file.getFileName().toString(), allocationsInFinalSchedule(file));
                }
            }
            return allocations;
        } finally {
            try (Stream<Path> files = Files.walk(dumps)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static int allocationsInFinalSchedule(Path cfg) throws IOException {
        int count = 0;
        boolean inSchedule = false;
        boolean cfgNameNext = false;
        try (Stream<String> lines = Files.lines(cfg, StandardCharsets.UTF_8)) {
            for (String line : (Iterable<String>) lines::iterator) {
                String trimmed = line.trim();
                if (trimmed.equals("begin_cfg")) {
                    cfgNameNext = true;
                } else if (cfgNameNext && trimmed.startsWith("name ")) {
                    inSchedule = trimmed.equals(FINAL_SCHEDULE);
                    cfgNameNext = false;
                } else if (inSchedule && (trimmed.startsWith("descriptorName: new_") || trimmed.startsWith("descriptorName: dynamic_new_"))) {
                    count++;
                }
            }
        }
        return count;
    }
}
