package dev.trufflexen.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code bin/txl create -c} on a pseudo-terminal: the terminal's settings after txl are exactly
 * those before it ({@code stty -a}, line speed included) however txl ends, and a signal or a
 * hangup ends it promptly with 128 plus the signal's number.
 *
 * <p>{@code src/test/python/txl_on_pty.py} drives the terminal (Python's {@code pty} module):
 * it gives the terminal unusual settings, starts txl as the session leader of that terminal
 * with the bench guest {@code crc32} looping, waits for the guest's first line, ends the run and
 * reports as JSON.
 */
class BinTxlTerminalTest {
    private static final Path DRIVER = Path.of("src/test/python/txl_on_pty.py").toAbsolutePath();
    private static final Path CONFIG = BinTxlTest.ROOT.resolve("guest-images/build/bench/crc32.cfg");
    private static final String FOREVER = "cmdline=\"rounds=1000000 iters=100\"";
    /** A signalled txl ends within TerminationSignals.GRACE_MILLIS; this leaves room for a busy machine. */
    private static final double PROMPT_SECONDS = 5.0;

    @TempDir
    Path dir;

    @BeforeAll
    static void needsTheBuildPythonAndStty() {
        BinTxlTest.assumeBuilt();
        assumeTrue(Files.isRegularFile(CONFIG), "the bench guests are not built: " + CONFIG);
        assumeTrue(onPath("python3") && onPath("stty"), "python3 and stty are needed to drive a pseudo-terminal");
    }

    private static boolean onPath(String program) {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, program))) {
                return true;
            }
        }
        return false;
    }

    private JsonNode run(String ending, String cmdline) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("python3", DRIVER.toString(),
                BinTxlTest.SCRIPT.toString(), CONFIG.toString(), ending, cmdline, "memory=32"));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().remove("JAVA_HOME");
        builder.environment().remove("TXL_JAVA_OPTS");
        Path out = dir.resolve("driver.out");
        Path err = dir.resolve("driver.err");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(150, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the pseudo-terminal driver did not finish in 150 s");
        }
        assertEquals(0, process.exitValue(), Files.readString(err, StandardCharsets.UTF_8));
        return new ObjectMapper().readTree(Files.readString(out, StandardCharsets.UTF_8));
    }

    private static void assertRestored(JsonNode result) {
        assertEquals(result.get("before").asText(), result.get("after").asText(),
                "stty -a after txl differs; txl wrote: " + result.get("output").asText());
    }

    @Test
    void aGuestThatStopsLeavesTheTerminalExactlyAsItWas() throws Exception {
        JsonNode result = run("normal", "cmdline=\"rounds=1 iters=1\"");
        assertEquals(ExitStatus.GUEST_POWEROFF, result.get("status").asInt(), result.get("output").asText());
        assertTrue(result.get("output").asText().contains("@@bench crc32 done"), result.get("output").asText());
        assertRestored(result);
    }

    @Test
    void detachingGivesTheTerminalBackExactly() throws Exception {
        JsonNode result = run("detach", "cmdline=\"rounds=1 iters=30\"");
        assertEquals(ExitStatus.GUEST_POWEROFF, result.get("status").asInt(), result.get("output").asText());
        assertTrue(result.get("output").asText().contains("txl: detached from the console of bench-crc32"),
                result.get("output").asText());
        assertRestored(result);
    }

    @ParameterizedTest(name = "{0} -> exit status {1}, terminal restored")
    @CsvSource({"SIGINT, 130", "SIGTERM, 143", "SIGHUP, 129"})
    void aSignalRestoresTheTerminalAndEndsPromptly(String signal, int status) throws Exception {
        JsonNode result = run(signal, FOREVER);
        String output = result.get("output").asText();
        assertEquals(status, result.get("status").asInt(), output);
        assertTrue(result.get("seconds").asDouble() < PROMPT_SECONDS, "took " + result.get("seconds") + " s");
        assertTrue(output.contains("txl: " + signal + " received: domain bench-crc32 destroyed, exit status " + status),
                output);
        assertRestored(result);
    }

    /** Closing the terminal (its master side) hangs it up: txl gets SIGHUP and must not linger. */
    @RepeatedTest(4)
    void aHangupEndsTxlPromptly() throws Exception {
        JsonNode result = run("hangup", FOREVER);
        assertEquals(ExitStatus.SIGNAL_BASE + 1, result.get("status").asInt(), result.get("output").asText());
        assertTrue(result.get("seconds").asDouble() < PROMPT_SECONDS, "took " + result.get("seconds") + " s");
        assertNull(result.get("after").textValue());
    }
}
