package dev.trufflexen.launcher;

import static dev.trufflexen.launcher.HostTxl.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.trufflexen.x86.TruffleRuntimeCheck;

/**
 * {@code txl host start|status|stop} with a real background host process (this JVM's options
 * and class path), in a temporary state directory; the process is killed in teardown whatever
 * happened.
 */
class HostProcessTest {
    @TempDir
    Path state;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int txl(String... args) {
        out.reset();
        err.reset();
        TxlContext context = new TxlContext(new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                state, Map.of("TXL_STATE_DIR", state.toString()), false, TruffleRuntimeCheck::isOptimizing, null);
        return Txl.run(context, args);
    }

    @AfterEach
    void killTheHost() throws IOException {
        Path pidFile = state.resolve("host.pid");
        if (Files.exists(pidFile)) {
            Optional<ProcessHandle> host = ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip()));
            host.ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void startStatusCreateAndStop() throws Exception {
        assertEquals(ExitStatus.COMMAND_FAILED, txl("host", "status"));
        assertEquals("host: not running (state directory " + state + ")\n", out.toString(StandardCharsets.UTF_8));

        assertEquals(0, txl("host", "start", "--pcpus", "1", "--memory", "256"), err.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("host started: pid "), out.toString());
        long pid = Long.parseLong(Files.readString(state.resolve("host.pid")).strip());
        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        assertEquals(0, txl("host", "start"));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("host already running: pid " + pid), out.toString());
        assertEquals(0, txl("host", "status"));
        assertTrue(out.toString(StandardCharsets.UTF_8).matches(
                "host: running, pid " + pid + ", up \\d+:\\d\\d:\\d\\d, 0 domains, 1 pcpus, 256 MiB machine memory, "
                        + "state directory .*\n"), out.toString());

        assertEquals(0, txl("create", config("hello")), err.toString(StandardCharsets.UTF_8));
        Path log = state.resolve("console").resolve("guest-hello.log");
        HostTxl.await("hello powers off and is destroyed", () -> {
            txl("list");
            return !out.toString(StandardCharsets.UTF_8).contains("hello");
        });
        assertEquals(Files.readAllLines(HostTxl.GUESTS.resolve("hello").resolve("expected-output.txt")),
                Files.readAllLines(log));

        assertEquals(0, txl("host", "stop"), err.toString(StandardCharsets.UTF_8));
        assertEquals("host stopped (pid " + pid + ")\n", out.toString(StandardCharsets.UTF_8));
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        assertFalse(Files.exists(state.resolve("host.sock")));
        assertEquals(ExitStatus.COMMAND_FAILED, txl("host", "status"));
    }
}
