package dev.trufflexen.launcher;

import static dev.trufflexen.launcher.HostTxl.await;
import static dev.trufflexen.launcher.HostTxl.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code txl monitor DOMAIN -e CMD} against a domain in the host: each command is a host
 * request ({@code monitor}) whose reply carries its output; the domain is stopped for what is
 * inspected and runs on; errors are one line and the next command still runs.
 */
class HostMonitorTest {
    @TempDir
    Path state;
    @TempDir
    Path workingDirectory;

    private HostTxl txl;

    @BeforeEach
    void startDebugee() throws Exception {
        txl = new HostTxl(state, workingDirectory);
        assertEquals(0, txl.run("create", config("debugee"), "cmdline=\"spin=4000000000\""), txl.err());
        await("the debugee spins", () -> txl.consoleLog("debugee").contains("poke_target = 7"));
    }

    @AfterEach
    void stopHost() throws IOException {
        txl.close();
    }

    @Test
    void monitorCommandsRunThroughTheHost() {
        String elf = HostTxl.GUESTS.resolve("build/debugee/debugee.elf").toString();
        assertEquals(0, txl.run("monitor", "debugee", "-e", "sym " + elf, "-e", "info domains", "-e", "stop", "-e",
                "info registers", "-e", "x/1dg poke_target", "-e", "info hypercalls", "-e", "cont"), txl.err());
        String out = txl.out();
        assertTrue(out.contains("(txl) sym " + elf + "\n") && out.contains("symbols from"), out);
        assertTrue(out.contains("debugee") && out.contains("running"), out);
        assertTrue(out.contains("stopped at 0x") && out.contains("<spin"), "the domain was spinning:\n" + out);
        assertTrue(out.contains("RIP=0x") && out.contains("CR3="), out);
        assertTrue(out.lines().anyMatch(line -> line.endsWith(" 7")), "poke_target is 7:\n" + out);
        assertTrue(out.contains("hypercall (sub-op)"), out);
        assertEquals(1, txl.run("monitor", "debugee", "-e", "frobnicate", "-e", "info domains"));
        assertTrue(txl.out().contains("error: 'frobnicate': unknown command") && txl.out().contains("running"),
                txl.out());
        assertEquals(1, txl.run("monitor", "nosuch", "-e", "info registers"));
        assertTrue(txl.out().contains("error: domain 'nosuch' does not exist"), txl.out());
    }

    @Test
    void theProfilerFindsTheHotFunction() throws InterruptedException {
        String elf = HostTxl.GUESTS.resolve("build/debugee/debugee.elf").toString();
        assertEquals(0, txl.run("monitor", "debugee", "-e", "sym " + elf, "-e", "profile start"), txl.err());
        assertTrue(txl.out().contains("profiling domain debugee every 1000 us"), txl.out());
        assertEquals(1, txl.run("monitor", "debugee", "-e", "profile start"));
        assertTrue(txl.out().contains("error: the profiler is already running"), txl.out());
        await("samples accumulate", () -> {
            txl.run("monitor", "debugee", "-e", "profile report 1");
            return txl.out().lines().anyMatch(line -> line.matches("\\s*[0-9]{3,} .*"));
        });
        assertEquals(0, txl.run("monitor", "debugee", "-e", "profile stop", "-e", "profile report 5"), txl.err());
        List<String> lines = txl.out().lines().toList();
        int header = lines.indexOf(lines.stream().filter(l -> l.contains("samples") && l.contains("function")).findFirst()
                .orElseThrow(() -> new AssertionError(txl.out())));
        assertTrue(lines.get(header + 1).endsWith("  spin"), "spin() is the guest's hot loop:\n" + txl.out());
        assertTrue(lines.get(header - 1).matches("[0-9]+ samples in [0-9.]+ s \\(every 1000 us\\).*"), txl.out());
        assertEquals(1, txl.run("monitor", "debugee", "-e", "profile stop"));
        assertTrue(txl.out().contains("error: the profiler is not running"), txl.out());
    }

    @Test
    void aDomainPausedByTheToolstackIsInspectedAsItIs() {
        String elf = HostTxl.GUESTS.resolve("build/debugee/debugee.elf").toString();
        assertEquals(0, txl.run("pause", "debugee"), txl.err());
        long start = System.nanoTime();
        assertEquals(0, txl.run("monitor", "debugee", "-e", "sym " + elf, "-e", "info registers", "-e", "x/1dg poke_target",
                "-e", "print rip"), txl.err() + txl.out());
        String out = txl.out();
        assertTrue(out.contains("RIP=0x") && out.contains("<spin"), "paused in spin:\n" + out);
        assertTrue(out.lines().anyMatch(line -> line.endsWith(" 7")), out);
        assertTrue(System.nanoTime() - start < 4_000_000_000L, "no wait for a stop that cannot come");
        assertEquals(1, txl.run("monitor", "debugee", "-e", "stop"));
        assertTrue(txl.out().contains("error: domain") && txl.out().contains("paused by the toolstack"), txl.out());
        assertEquals(0, txl.run("unpause", "debugee"), txl.err());
        assertEquals(0, txl.run("monitor", "debugee", "-e", "info domains"), txl.err());
        assertTrue(txl.out().contains("running"), txl.out());
    }
}
