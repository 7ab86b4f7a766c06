package dev.trufflexen.x86.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.cpu.X86Engine;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.testing.X86TestMachine;

/** A hot guest loop must be compiled by Graal, without compilation failures or bailouts. */
class X86CompilationTest {
    @Test
    void hotLoopRegionIsCompiled() {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Map<String, String> options = Map.of(
                "engine.CompileImmediately", "false",
                "engine.BackgroundCompilation", "false",
                "engine.FirstTierCompilationThreshold", "50",
                "engine.LastTierCompilationThreshold", "100",
                "engine.CompilationFailureAction", "Throw",
                "engine.TraceCompilation", "true",
                "compiler.TracePerformanceWarnings", "all");
        try (X86Engine engine = X86Engine.create(false, false, options, log);
                X86TestMachine m = new X86TestMachine(engine, false)) {
            // The million-iteration summing loop (see X86ExecutionTest), run several times.
            m.code("31c0b9010000004801c848ffc14881f941420f0075f1f4");
            for (int run = 0; run < 3; run++) {
                m.cpu.setRip(X86TestMachine.CODE);
                assertEquals("halt", m.run());
                assertEquals(500000500000L, m.reg(X86Reg.RAX));
            }
        }
        String trace = log.toString(StandardCharsets.UTF_8);
        System.out.println(trace);
        assertTrue(trace.contains("opt done") && trace.contains("x86@400000"), "region x86@400000 was not compiled:\n" + trace);
        assertFalse(trace.contains("opt failed"), trace);
        // Performance warnings about our own roots (polyglot's host entry root has its own, unrelated ones).
        boolean ourWarnings = trace.lines().anyMatch(line -> line.contains("perf warn") && (line.contains("x86@") || line.contains("x86-dispatch")));
        assertFalse(ourWarnings, trace);
    }
}
