package dev.trufflexen.x86.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import dev.trufflexen.x86.cpu.X86Engine;

/**
 * Runs guest code hot enough for Graal to compile it (low thresholds, compilation in the
 * foreground, failures thrown) and checks the engine's trace: the region at
 * {@link X86TestMachine#CODE} compiled, nothing failed, and none of our roots drew a
 * performance warning.
 */
public final class X86CompilationCheck {
    private static final Map<String, String> OPTIONS = Map.of(
            "engine.CompileImmediately", "false",
            "engine.BackgroundCompilation", "false",
            "engine.FirstTierCompilationThreshold", "50",
            "engine.LastTierCompilationThreshold", "100",
            "engine.CompilationFailureAction", "Throw",
            "engine.TraceCompilation", "true",
            "compiler.TracePerformanceWarnings", "all");

    private X86CompilationCheck() {
    }

    /**
     * Loads {@code code} at {@link X86TestMachine#CODE}, lets {@code setUp} prepare the machine,
     * runs the code to its {@code hlt} three times, checking each run with {@code check}, and
     * returns the engine's trace after asserting that it compiled cleanly.
     */
    public static String runHot(String code, Consumer<X86TestMachine> setUp, Consumer<X86TestMachine> check) {
        return runHot(code, Map.of(), setUp, check);
    }

    /** As {@link #runHot(String, Consumer, Consumer)}, with extra engine options. */
    public static String runHot(String code, Map<String, String> engineOptions, Consumer<X86TestMachine> setUp, Consumer<X86TestMachine> check) {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Map<String, String> options = new java.util.HashMap<>(OPTIONS);
        options.putAll(engineOptions);
        try (X86Engine engine = X86Engine.create(false, false, options, log);
                X86TestMachine m = new X86TestMachine(engine, false)) {
            m.code(code);
            setUp.accept(m);
            for (int run = 0; run < 3; run++) {
                m.cpu.setRip(X86TestMachine.CODE);
                assertEquals("halt", m.run());
                check.accept(m);
            }
        }
        String trace = log.toString(StandardCharsets.UTF_8);
        // A region of the test's code: x86@400000, or a hot loop built again at its header with its callees.
        assertTrue(trace.lines().anyMatch(line -> line.contains("opt done") && line.contains("x86@4")), "no region of the code was compiled:\n" + trace);
        assertFalse(trace.contains("opt failed"), trace);
        // Performance warnings about our own roots (polyglot's host entry root has its own, unrelated ones).
        boolean ourWarnings = trace.lines().anyMatch(line -> line.contains("perf warn") && (line.contains("x86@") || line.contains("x86-dispatch")));
        assertFalse(ourWarnings, trace);
        return trace;
    }

    /**
     * Loads {@code code} at {@link X86TestMachine#CODE} on an engine with exactly
     * {@code engineOptions}, runs it to its {@code hlt} {@code entries} times, {@code gapNanos}
     * apart, lets {@code check} look at the machine after the last run, and returns the
     * engine's trace, for tests of when Truffle compiles what.
     */
    public static String enter(String code, int entries, long gapNanos, Map<String, String> engineOptions,
            Consumer<X86TestMachine> check) {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (X86TestMachine m = new X86TestMachine(X86Engine.create(false, false, engineOptions, log), true)) {
            m.code(code);
            for (int i = 0; i < entries; i++) {
                m.cpu.setRip(X86TestMachine.CODE);
                assertEquals("halt", m.run());
                if (gapNanos > 0) {
                    LockSupport.parkNanos(gapNanos);
                }
            }
            check.accept(m);
        }
        return log.toString(StandardCharsets.UTF_8);
    }

    /** Whether {@code trace} has a finished compilation of {@code region} ({@code x86@<hex>}), in {@code tier} ("Tier 1", "Tier 2"; null: any). */
    public static boolean compiled(String trace, String region, String tier) {
        return trace.lines().anyMatch(line -> line.contains("opt done") && line.contains(region + " ")
                && (tier == null || line.contains("|" + tier + "|")));
    }
}
