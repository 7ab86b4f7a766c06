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

    /** A hot SSE loop (scalar and packed float arithmetic, conversions, packed integer ops, UCOMISD) compiles cleanly too. */
    @Test
    void hotSseLoopIsCompiled() {
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
            // mov ecx,1; pxor xmm0,xmm0; loop: cvtsi2sd xmm1,rcx; addsd xmm0,xmm1; mulsd xmm1,xmm1; sqrtsd xmm2,xmm1;
            // divsd xmm2,xmm0; paddd xmm3,xmm1; pxor xmm4,xmm3; ucomisd xmm0,xmm1; addps xmm4,xmm1; mulps xmm5,xmm1;
            // cvtdq2ps xmm6,xmm1; inc rcx; cmp rcx,0x10000; jne loop;
            // cvttsd2si rax,xmm0; hlt
            m.code("b901000000" + "660fefc0" + "f2480f2ac9" + "f20f58c1" + "f20f59c9" + "f20f51d1" + "f20f5ed0" + "660ffed9"
                    + "660fefe3" + "660f2ec1" + "0f58e1" + "0f59e9" + "0f5bf1" + "48ffc1" + "4881f900000100" + "75ca" + "f2480f2cc0" + "f4");
            for (int run = 0; run < 3; run++) {
                m.cpu.setRip(X86TestMachine.CODE);
                assertEquals("halt", m.run());
                assertEquals(65535L * 65536 / 2, m.reg(X86Reg.RAX));
            }
        }
        String trace = log.toString(StandardCharsets.UTF_8);
        trace.lines().filter(l -> l.contains("opt done")).forEach(System.out::println);
        assertTrue(trace.contains("opt done") && trace.contains("x86@400000"), "region x86@400000 was not compiled:\n" + trace);
        assertFalse(trace.contains("opt failed"), trace);
        boolean ourWarnings = trace.lines().anyMatch(line -> line.contains("perf warn") && (line.contains("x86@") || line.contains("x86-dispatch")));
        assertFalse(ourWarnings, trace);
    }
}
