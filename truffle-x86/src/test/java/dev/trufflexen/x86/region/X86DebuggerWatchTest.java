package dev.trufflexen.x86.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.cpu.X86DebugStop;
import dev.trufflexen.x86.cpu.X86Engine;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.testing.X86TestMachine;

/**
 * A debugger's watchpoints in compiled code: only the watched page leaves the TLB, so the hot
 * loop of {@link X86CodeSizeTest#KERNEL} stays compiled, and every access to the watched bytes
 * still stops exactly after its instruction. The loop reads the dword {@code j+1} at
 * {@code DATA + 4j} and adds three times it to {@code DATA + 0x1000 + 4j}, 128 dwords per pass,
 * 2000 passes per run.
 */
class X86DebuggerWatchTest {
    private static final Map<String, String> OPTIONS = Map.of(
            "engine.CompileImmediately", "false",
            "engine.BackgroundCompilation", "false",
            "engine.FirstTierCompilationThreshold", "50",
            "engine.LastTierCompilationThreshold", "100",
            "engine.CompilationFailureAction", "Throw",
            "engine.TraceCompilation", "true");
    /** The loop's {@code imul ecx, edi}, after its read {@code mov ecx, [rsi+rax]}. */
    private static final long AFTER_READ = X86TestMachine.CODE + 0x1a;
    /** The loop's {@code add rax, 4}, after its write {@code add [rdx+rax], ecx}. */
    private static final long AFTER_WRITE = X86TestMachine.CODE + 0x20;
    private static final int PASSES = 2000;
    /** DR7 for slot 0: enabled, R/W as given, 4 bytes. */
    private static final int WRITE_4 = 1 | 1 << 16 | 3 << 18;
    private static final int READ_WRITE_4 = 1 | 3 << 16 | 3 << 18;

    @Test
    void watchpointsStopExactlyAfterTheirInstructionInCompiledCode() {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (X86Engine engine = X86Engine.create(false, false, OPTIONS, log);
                X86TestMachine m = new X86TestMachine(engine, false)) {
            m.code(X86CodeSizeTest.KERNEL);
            for (int i = 0; i < 64; i++) {
                m.write64(X86TestMachine.DATA + 8L * i, ((2L * i + 2) << 32) | (2L * i + 1));
            }
            for (int run = 0; run < 2; run++) {
                m.cpu.setRip(X86TestMachine.CODE);
                assertEquals("halt", m.run());
            }
            String trace = log.toString(StandardCharsets.UTF_8);
            assertTrue(trace.contains("opt done") && trace.contains("x86@400000"), "the loop is compiled:\n" + trace);

            // A write watchpoint on dword 0x40 of the sums: one stop per pass, each after the add.
            long sum = X86TestMachine.DATA + 0x1000 + 0x100;
            long addend = 3 * (0x40 + 1);
            m.cpu.setDebuggerWatchpoints(new long[] {sum, 0, 0, 0}, WRITE_4, 0);
            m.cpu.setRip(X86TestMachine.CODE);
            int stops = 0;
            Object reason;
            while ((reason = m.run()) instanceof X86DebugStop stop) {
                stops++;
                assertEquals(X86DebugStop.watch(1), stop);
                assertEquals(AFTER_WRITE, m.cpu.rip(), "stop " + stops + " is after the watched write");
                assertEquals(0x100, m.reg(X86Reg.RAX), "the add to that dword, not a later instruction");
                assertEquals((2L * PASSES + stops) * addend, m.read64(sum) & 0xFFFF_FFFFL, "the write is done");
            }
            assertEquals("halt", reason);
            assertEquals(PASSES, stops, "every write to the watched dword stops once");

            // A read watchpoint on dword 0x10 of the input (R/W 11, ignoring writes): after the load.
            long input = X86TestMachine.DATA + 0x40;
            m.cpu.setDebuggerWatchpoints(new long[] {input, 0, 0, 0}, READ_WRITE_4, 1);
            m.cpu.setRip(X86TestMachine.CODE);
            assertEquals(X86DebugStop.watch(1), m.run());
            assertEquals(AFTER_READ, m.cpu.rip());
            assertEquals(0x10 + 1, m.reg(X86Reg.RCX), "the watched dword was loaded");

            m.cpu.setDebuggerWatchpoints(new long[4], 0, 0);
            assertEquals("halt", m.run(), "disarmed, the run finishes");
        }
    }
}
