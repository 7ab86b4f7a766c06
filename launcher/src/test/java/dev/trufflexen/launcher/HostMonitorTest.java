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

    /** The rest of the commands as host requests: each output is checked between its echoed command and the next. */
    @Test
    void everyCommandThroughTheHost() {
        String elf = HostTxl.GUESTS.resolve("build/debugee/debugee.elf").toString();
        List<String> commands = List.of("sym " + elf, "help", "help watch", "stop", "info vcpus", "info registers -a",
                "set rax 0x1234", "print rax + 1", "print spin + 4", "x/2i rip", "xp/4xb 0x1000", "disas spin 2",
                "break page_neighbour", "tbreak strstr", "watch watched_counter 8 rw", "info breakpoints", "delete 1",
                "stepi", "step 2", "next", "info mem", "info tlb", "info events", "info timers", "info regions",
                "info frames", "dmesg", "cont", "pause", "unpause", "delete", "info breakpoints ", "gdb 0", "destroy");
        List<String> args = new java.util.ArrayList<>(List.of("monitor", "debugee"));
        for (String command : commands) {
            args.add("-e");
            args.add(command);
        }
        assertEquals(0, txl.run(args.toArray(String[]::new)), txl.err() + txl.out());
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        String current = null;
        StringBuilder text = new StringBuilder();
        for (String line : (txl.out() + "(txl) end\n").lines().toList()) {
            if (line.startsWith("(txl) ")) {
                if (current != null) {
                    out.put(current, text.toString());
                }
                current = line.substring("(txl) ".length());
                text.setLength(0);
            } else {
                text.append(line).append('\n');
            }
        }
        String[][] expected = {
            {"help", "info", "xp", "watch", "gdb"},
            {"help watch", "ADDR"},
            {"stop", "stopped at 0x", "<spin"},
            {"info vcpus", "vcpu 0", "<spin"},
            {"info registers -a", "RIP=0x", "MXCSR=", "XMM15="},
            {"print rax + 1", "= 4661"},
            {"print spin + 4", "<spin+0x4>"},
            {"x/2i rip", "<spin+0x"},
            {"xp/4xb 0x1000", "0000000000001000: 0x"},
            {"disas spin 2", "<spin>:"},
            {"break page_neighbour", "breakpoint 1 at 0x", "<page_neighbour>"},
            {"tbreak strstr", "temporary breakpoint 2", "<strstr>"},
            {"watch watched_counter 8 rw", "watchpoint 3 at", "<watched_counter> len 8 rw"},
            {"info breakpoints", "1   breakpoint", "2   tbreak", "watchpoint"},
            {"stepi", "<spin+0x"},
            {"step 2", "<spin+0x"},
            {"next", "<spin+0x"},
            {"info mem", "ffffffff80000000-", "urwx"},
            {"info tlb", "ffffffff80000000: machine"},
            {"info events", "port", "upcall_mask"},
            {"info timers", "vcpu 0:"},
            {"info regions", "live regions", " bytes on "},
            {"info frames", "frames (32 MiB)"},
            {"dmesg", "d1"},
            {"pause", "stopped at"},
            {"gdb 0", "gdb stub listening on port"},
            {"destroy", "domain debugee destroyed"},
        };
        for (String[] e : expected) {
            String output = out.get(e[0]);
            assertTrue(output != null, "no output for '" + e[0] + "' in " + out.keySet());
            for (int i = 1; i < e.length; i++) {
                assertTrue(output.contains(e[i]), "'" + e[0] + "' should print '" + e[i] + "', printed:\n" + output);
            }
        }
        assertTrue(out.get("info breakpoints ").contains("no breakpoints or watchpoints"), out.get("info breakpoints "));
        assertEquals(1, txl.run("monitor", "debugee", "-e", "info domains"));
        assertTrue(txl.out().contains("does not exist"), "destroyed through the monitor:\n" + txl.out());
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
