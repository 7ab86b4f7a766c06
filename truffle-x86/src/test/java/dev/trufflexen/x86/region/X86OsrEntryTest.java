package dev.trufflexen.x86.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Engine;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.testing.X86PageTableBuilder;
import dev.trufflexen.x86.testing.X86RecordingPlatform;
import dev.trufflexen.x86.testing.X86TestMachine;

/**
 * A loop's OSR compilation belongs to its region, and a region runs on every CPU whose code is
 * the same bytes (vCPUs of one domain, domains sharing compiled code): whichever CPU enters the
 * compiled loop must be the one it runs on, its own stop requests polled, not the CPU that first
 * made the loop hot.
 */
class X86OsrEntryTest {
    private static final Map<String, String> OPTIONS = Map.of(
            "engine.CompileImmediately", "false",
            "engine.BackgroundCompilation", "false",
            "engine.OSRCompilationThreshold", "1000",
            // The region itself stays uncompiled, as a loop a guest never leaves does: entered
            // once per scheduling, it runs only in its OSR compilation.
            "engine.FirstTierCompilationThreshold", "1000000",
            "engine.LastTierCompilationThreshold", "1000000",
            "engine.CompilationFailureAction", "Throw",
            "engine.TraceCompilation", "true");

    // loop: mov [DATA],rcx; inc rcx; cmp rcx,rdx; jne loop; hlt
    private static final String LOOP = "48890c2500006000" + "48ffc1" + "4839d1" + "75f0" + "f4";

    /** Two CPUs over one memory running the same code: the second with data and stack of its own. */
    private static X86Cpu secondCpu(X86Engine engine, X86TestMachine first) {
        X86PageTableBuilder own = new X86PageTableBuilder(first.memory, 600);
        for (int i = 0; i < X86TestMachine.CODE_PAGES; i++) {
            long linear = X86TestMachine.CODE + i * 4096L;
            own.map(linear, first.cpu.translate(linear, false) >>> 12, X86PageTableBuilder.USER_RO);
        }
        for (int i = 0; i < X86TestMachine.DATA_PAGES; i++) {
            own.mapNew(X86TestMachine.DATA + i * 4096L, X86PageTableBuilder.USER_RW);
        }
        for (int i = 1; i <= X86TestMachine.STACK_PAGES; i++) {
            own.mapNew(X86TestMachine.STACK_TOP - i * 4096L, X86PageTableBuilder.USER_RW);
        }
        X86Cpu second = new X86Cpu(engine, first.memory, new X86RecordingPlatform());
        second.setCr3(own.cr3());
        second.setReg(X86Reg.RSP, X86TestMachine.STACK_TOP);
        second.setRip(X86TestMachine.CODE);
        return second;
    }

    /** The first CPU runs the loop until it is OSR-compiled and halts. */
    private static void makeLoopHot(X86TestMachine first, ByteArrayOutputStream log) {
        first.code(LOOP);
        first.cpu.setReg(X86Reg.RCX, 0);
        first.cpu.setReg(X86Reg.RDX, 300_000);
        assertEquals("halt", first.run());
        String trace = log.toString(StandardCharsets.UTF_8);
        assertTrue(trace.contains("OSR"), "the loop was not OSR-compiled:\n" + trace);
    }

    @Test
    void aSecondCpuInAnOsrCompiledLoopSeesItsOwnStopRequest() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (X86Engine engine = X86Engine.create(false, false, OPTIONS, log);
                X86TestMachine first = new X86TestMachine(engine, false)) {
            makeLoopHot(first, log);
            X86Cpu second = secondCpu(engine, first);
            second.setReg(X86Reg.RCX, 1);
            second.setReg(X86Reg.RDX, 0); // 2^64 iterations: only a stop request ends it
            CompletableFuture<Object> run = CompletableFuture.supplyAsync(second::run);
            Thread.sleep(500); // the second CPU is in the compiled loop by now
            second.requestExit("preempted");
            Object reason;
            try {
                reason = run.get(10, TimeUnit.SECONDS);
            } catch (TimeoutException stuck) {
                first.cpu.requestExit("released"); // what the stuck CPU polls instead of its own flag
                run.get(10, TimeUnit.SECONDS);
                throw new AssertionError("the second CPU ignored its stop request and stopped only when the first CPU was asked to");
            }
            assertEquals("preempted", reason);
        }
    }
}
