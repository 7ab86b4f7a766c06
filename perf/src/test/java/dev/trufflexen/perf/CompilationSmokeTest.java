package dev.trufflexen.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.DomainSpec;
import dev.trufflexen.xen.domain.ShutdownAction;
import dev.trufflexen.xen.domain.ShutdownReason;
import dev.trufflexen.xen.XenHypervisor;

/**
 * The hello guest, booted on the real Xen core, gets its hot code compiled by Graal: at least one
 * region of ours compiles, none fails or bails out, and none loses its compiled code over and
 * over (a deopt loop would make guest code run at interpreter speed while looking fine). It
 * asserts that compilation happened, not how fast the result is: that is the benchmarks' job.
 */
class CompilationSmokeTest {
    /** More invalidations or deopts than this for one root is a deopt loop. */
    private static final int MAX_LOST_COMPILED_CODE = 5;

    private static final Path HELLO = Path.of("..", "guest-images", "build", "hello", "hello.elf");

    @Test
    @Timeout(240)
    void helloCompilesWithoutFailuresOrDeoptLoops() throws IOException {
        assertTrue(Files.isRegularFile(HELLO), "guest image " + HELLO.toAbsolutePath() + " not built (run make in guest-images)");
        ByteArrayOutputStream engineLog = new ByteArrayOutputStream();
        Map<String, String> engineOptions = Map.of(
                "engine.CompilationFailureAction", "Throw",
                "engine.BackgroundCompilation", "false",
                "engine.TraceCompilation", "true",
                "engine.TraceDeoptimizeFrame", "true");
        ShutdownReason reason;
        List<String> console;
        String consolePrefix;
        try (XenHypervisor xen = XenHypervisor.create(new XenHypervisor.Options(false, false, null, 64), engineOptions,
                engineLog)) {
            Domain domain = xen.createDomain(new DomainSpec("hello", HELLO, Optional.empty(), 32, 1,
                    "console=hvc0 greeting=hi", ShutdownAction.DESTROY, ShutdownAction.DESTROY, ShutdownAction.DESTROY));
            consolePrefix = "(d" + domain.id() + ") ";
            reason = domain.run();
            console = xen.console().lines();
        }
        CompilationLog log = new CompilationLog(engineLog.toString(StandardCharsets.UTF_8));
        System.out.println(log.summary());
        System.out.println(log.text());
        assertEquals(ShutdownReason.POWEROFF, reason, "hello did not power off:\n" + String.join("\n", console));
        List<String> expected = Files.readAllLines(Path.of("..", "guest-images", "hello", "expected-output.txt"));
        assertEquals(expected, console.stream().filter(line -> line.startsWith(consolePrefix))
                .map(line -> line.substring(consolePrefix.length())).toList());

        assertTrue(log.compiledRegions() > 0, "no region of ours (x86@...) was compiled:\n" + log.text());
        assertEquals(0, log.total(CompilationLog.Event.FAILED), "a root of ours failed to compile:\n" + log.text());
        assertTrue(log.text().lines().noneMatch(line -> line.contains("opt failed") || line.contains("bailout")),
                "a compilation failed or bailed out:\n" + log.text());
        log.roots().forEach((root, stats) -> assertTrue(stats.lostCompiledCode() <= MAX_LOST_COMPILED_CODE,
                root + " lost its compiled code " + stats.lostCompiledCode() + " times (deopt loop):\n" + log.text()));
    }
}
