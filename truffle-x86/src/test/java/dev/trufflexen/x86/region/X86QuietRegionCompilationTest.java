package dev.trufflexen.x86.region;

import static dev.trufflexen.x86.cpu.X86Reg.RDX;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.cpu.X86Engine;
import dev.trufflexen.x86.testing.X86TestMachine;

/**
 * A function called from a loop is queued for its first-tier compilation while the loop runs in
 * the interpreter, and is then inlined into the loop's OSR code: by the time the compiler gets to
 * it, nothing enters it in the interpreter, and it declines the compilation ({@link X86RecentUse}).
 * With calls counted from the start: by default a callee's calls count only once it runs enough
 * in the interpreter ({@link X86RegionHeat}), and these run too little to be queued at all.
 */
class X86QuietRegionCompilationTest {
    private static final Map<String, String> OPTIONS = Map.of(
            "engine.CompilerThreads", "1",
            "engine.FirstTierCompilationThreshold", "100",
            "engine.OSRCompilationThreshold", "2000",
            "engine.CompilationFailureAction", "Throw",
            "engine.TraceCompilation", "true",
            "x86.MinCompileRate", "0"); // the callees' calls count from the start, so they are queued
    private static final int ITERATIONS = 20_000_000;
    private static final Pattern DONE = Pattern.compile("opt done\\s+engine=\\d+\\s+id=\\d+\\s+(x86@[0-9a-f]+)(<OSR@\\d+>)?");

    @Test
    void calleesInlinedIntoTheLoopsOsrCodeDeclineTheirOwnCompilations() {
        // sum = 0; for i below 20,000,000: sum += f[i & 7](i) through call rax, f[k](i) = i + k + 1,
        // the eight functions 16 bytes apart; hlt
        long declinedBefore = X86RecentUse.declinedCompilations();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (X86TestMachine m = new X86TestMachine(X86Engine.create(false, false, OPTIONS, log), true)) {
            StringBuilder code = new StringBuilder("31c931d2488d352500000089c883e007c1e0044801f089cfffd04801c2ffc181f9002d310172e4f4"
                    + "0f1f840000000000");
            for (int k = 1; k <= 8; k++) {
                code.append("488d47").append(String.format("%02x", k)).append("c366662e0f1f840000000000");
            }
            m.code(code.toString());
            assertEquals("halt", m.run());
            long sum = 0;
            for (long i = 0; i < ITERATIONS; i++) {
                sum += i + (i & 7) + 1;
            }
            assertEquals(sum, m.reg(RDX));
        }
        String trace = log.toString(StandardCharsets.UTF_8);
        int calleeCompilations = 0;
        boolean loopCompiled = false;
        Matcher done = DONE.matcher(trace);
        while (done.find()) {
            if (done.group(2) != null) {
                loopCompiled = true;
            } else if (!done.group(1).equals("x86@" + Long.toHexString(X86TestMachine.CODE))) {
                calleeCompilations++;
            }
        }
        assertTrue(loopCompiled, "the loop was OSR-compiled:\n" + trace);
        assertTrue(X86RecentUse.declinedCompilations() > declinedBefore, "some callee declined its compilation:\n" + trace);
        assertTrue(calleeCompilations < 8, calleeCompilations + " of the 8 callees compiled on their own:\n" + trace);
    }
}
