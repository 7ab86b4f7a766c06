package dev.trufflexen.launcher.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.runtime.X86Counters;

/**
 * The engine log's counts: compilations, their compile time, deoptimizations, invalidations, and
 * the compilations that finished once the steady-state rounds had begun.
 */
class GuestCountersTest {
    private static final String DONE = "[engine] opt done   engine=1  id=23    x86@ffffffff8000383c<OSR@36>"
            + "                       |Tier 2|Time  1990(1244+746 )ms|AST  613|CodeSize   11583\n";
    private static final String DEOPT = "[engine] opt deopt  engine=1  id=23    x86@ffffffff8000383c<OSR@36>  |\n";
    private static final X86Counters.Snapshot NO_EVENTS = new X86Counters.Snapshot(new long[X86Counters.Event.values().length]);

    private static void log(GuestCounters.EngineLog log, String lines) throws IOException {
        log.write(lines.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void compilationsAfterTheSteadyStateBeganAreLate() throws IOException {
        GuestCounters.EngineLog engineLog = new GuestCounters.EngineLog();
        log(engineLog, DONE + DEOPT + DONE);
        long steadyFrom = System.nanoTime();
        log(engineLog, DEOPT + DONE);
        GuestCounters counted = engineLog.finish(NO_EVENTS, steadyFrom);
        assertEquals(3, counted.compilations());
        assertEquals(2, counted.deoptimizations());
        assertEquals(3 * 1.990, counted.compileSeconds(), 1e-9);
        assertEquals(1, counted.lateCompilations());
    }

    @Test
    void withoutAKnownSteadyStateNoCompilationIsLate() throws IOException {
        GuestCounters.EngineLog engineLog = new GuestCounters.EngineLog();
        log(engineLog, DONE + DONE);
        GuestCounters counted = engineLog.finish(NO_EVENTS, Long.MAX_VALUE);
        assertEquals(2, counted.compilations());
        assertEquals(0, counted.lateCompilations());
    }
}
