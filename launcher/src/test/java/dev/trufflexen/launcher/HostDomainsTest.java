package dev.trufflexen.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.trufflexen.launcher.host.HostedDomain;
import dev.trufflexen.launcher.host.TestHost;
import dev.trufflexen.x86.TruffleRuntimeCheck;
import dev.trufflexen.xen.XenHypervisor;

/**
 * txl's domain commands against a host in this JVM (state in a temporary directory), with real
 * guests: create, list, pause, unpause, destroy; the invariant checker after each destroy.
 */
class HostDomainsTest {
    private static final Path GUESTS = Path.of("..", "guest-images").toAbsolutePath().normalize();

    @TempDir
    Path state;
    @TempDir
    Path workingDirectory;

    private TestHost host;
    private ByteArrayOutputStream out;
    private ByteArrayOutputStream err;

    @BeforeEach
    void startHost() throws IOException {
        host = TestHost.start(state);
    }

    @AfterEach
    void stopHost() throws IOException {
        host.close();
    }

    private int txl(String... args) {
        out = new ByteArrayOutputStream();
        err = new ByteArrayOutputStream();
        TxlContext context = new TxlContext(new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                workingDirectory, Map.of("TXL_STATE_DIR", state.toString()), false, TruffleRuntimeCheck::isOptimizing,
                (config, options, console) -> {
                    throw new AssertionError("the host, not txl, runs domains");
                });
        return Txl.run(context, args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    static String config(String guest) {
        return GUESTS.resolve(guest).resolve(guest + ".cfg").toString();
    }

    private HostedDomain domain(String name) {
        return host.host().domains().stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow();
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }

    /** The row of {@code txl list} for {@code name}: [name, id, mem, vcpus, state, time]. */
    private String[] listRow(String name) {
        assertEquals(0, txl("list"), err());
        return out().lines().filter(line -> line.startsWith(name + " ")).findFirst()
                .map(line -> line.trim().split("\\s+")).orElseThrow(() -> new AssertionError(name + " not in\n" + out()));
    }

    @Test
    void createListPauseUnpauseDestroyLeaveNothingBehind() throws Exception {
        assertEquals(0, txl("create", config("ticker"), "cmdline=\"spin=1 period_ms=1 every=1000\""), err());
        assertTrue(err().contains("txl: domain ticker created (id "), err());
        HostedDomain ticker = domain("ticker");
        await("the ticker runs", () -> logHas("ticker", "ticker: start"));
        String[] row = listRow("ticker");
        assertEquals(List.of("ticker", String.valueOf(ticker.id()), "16", "1"), List.of(row).subList(0, 4));
        assertEquals("r-----", row[4], out());

        assertEquals(0, txl("pause", "ticker"), err());
        assertEquals("--p---", listRow("ticker")[4]);
        long pausedAt = ticker.cpuNanos();
        Thread.sleep(300);
        assertEquals(pausedAt, ticker.cpuNanos(), "a paused domain gets no CPU");
        assertEquals(0, txl("pause", String.valueOf(ticker.id())), err());
        assertEquals(0, txl("unpause", "ticker"), err());
        assertEquals("--p---", listRow("ticker")[4], "pauses nest: one unpause of two leaves it paused");
        assertEquals(0, txl("unpause", "ticker"), err());
        await("the unpaused ticker runs again", () -> ticker.cpuNanos() > pausedAt + 50_000_000L);
        assertEquals(ExitStatus.COMMAND_FAILED, txl("unpause", "ticker"));
        assertEquals("txl: error: domain 'ticker' is not paused\n", err());

        assertEquals(0, txl("destroy", "ticker"), err());
        assertTrue(host.host().domains().isEmpty());
        assertEquals(List.of(), host.host().xen().auditReleased(ticker.id()));
        assertEquals(new XenHypervisor.HeldResources(0, 0, 0), host.host().xen().heldResources());
        assertEquals(ExitStatus.COMMAND_FAILED, txl("destroy", "ticker"));
        assertEquals("txl: error: domain 'ticker' does not exist\n", err());
    }

    private boolean logHas(String name, String line) {
        try {
            Path log = host.paths().consoleLog(name);
            return Files.exists(log) && Files.readString(log).contains(line);
        } catch (IOException e) {
            return false;
        }
    }
}
