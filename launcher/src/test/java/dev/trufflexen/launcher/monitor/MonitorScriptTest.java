package dev.trufflexen.launcher.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.trufflexen.launcher.ExitStatus;
import dev.trufflexen.launcher.InProcessTxl;

/**
 * Every monitor command through {@code txl create -S -e CMD ...} on the debugee guest: each
 * command's output (the text between its echoed {@code (txl) CMD} line and the next) is checked,
 * and so are the guest's console (what {@code set} changed) and the exit status. Bad input gets
 * one error line naming the token, and the monitor goes on.
 */
class MonitorScriptTest {
    @TempDir
    Path dir;

    /** Runs txl with {@code -e} for each command; returns each command's output, in order. */
    private Map<String, String> script(InProcessTxl txl, int expectedStatus, String... commands) {
        return script(txl, expectedStatus, List.of(), commands);
    }

    /** As {@link #script(InProcessTxl, int, String...)}, with {@code key=value} arguments after the configuration. */
    private Map<String, String> script(InProcessTxl txl, int expectedStatus, List<String> settings, String... commands) {
        return script(txl, expectedStatus, InProcessTxl.config("debugee"), settings, commands);
    }

    private Map<String, String> script(InProcessTxl txl, int expectedStatus, String config, List<String> settings, String... commands) {
        List<String> args = new ArrayList<>(List.of("create", "-S"));
        for (String command : commands) {
            args.add("-e");
            args.add(command);
        }
        args.add(config);
        args.addAll(settings);
        assertEquals(expectedStatus, txl.run(args.toArray(String[]::new)), txl.err() + txl.out());
        Map<String, String> outputs = new LinkedHashMap<>();
        String current = null;
        StringBuilder text = new StringBuilder();
        for (String line : txl.out().lines().toList()) {
            if (line.startsWith("(txl) ")) {
                if (current != null) {
                    outputs.merge(current, text.toString(), String::concat);
                }
                current = line.substring("(txl) ".length());
                text.setLength(0);
            } else {
                text.append(line).append('\n');
            }
        }
        if (current != null) {
            outputs.merge(current, text.toString(), String::concat);
        }
        return outputs;
    }

    private static void contains(Map<String, String> outputs, String command, String... expected) {
        String output = outputs.get(command);
        assertTrue(output != null, "no output for '" + command + "' in " + outputs.keySet());
        for (String text : expected) {
            assertTrue(output.contains(text), "'" + command + "' should print '" + text + "', printed:\n" + output);
        }
    }

    @Test
    void everyCommandOnARealGuest() throws IOException {
        InProcessTxl txl = new InProcessTxl(dir);
        Map<String, String> out = script(txl, ExitStatus.GUEST_POWEROFF,
                "sym " + InProcessTxl.elf("debugee"),
                "info domains",
                "help",
                "help x",
                "break checkpoint",
                "tbreak spin",
                "info breakpoints",
                "cont",
                "info vcpus",
                "info registers",
                "info registers -a",
                "print rdi + 1",
                "print checkpoint + 4",
                "set rdi 100",
                "x/3i rip",
                "x/2xg rsp",
                "x/1dg poke_target",
                "x/4c poke_target",
                "xp/4xb 0x1000",
                "disas checkpoint 2",
                "watch watched_counter",
                "c",
                "delete 3",
                "stepi",
                "step 1",
                "next",
                "unpause",
                "info breakpoints ",
                "delete",
                "info breakpoints",
                "info mem",
                "info tlb",
                "info events",
                "info timers",
                "info hypercalls",
                "info regions",
                "info frames",
                "dmesg",
                "stop",
                "pause",
                "cont ",
                "info registers  ");
        contains(out, "sym " + InProcessTxl.elf("debugee"), "symbols from");
        contains(out, "info domains", "debugee", "paused");
        contains(out, "help", "info", "xp", "disas", "watch", "sym", "dmesg", "destroy", "quit", "gdb");
        contains(out, "help x", "FMT", "ADDR");
        contains(out, "break checkpoint", "breakpoint 1 at 0x", "<checkpoint>");
        contains(out, "tbreak spin", "temporary breakpoint 2", "<spin>");
        contains(out, "info breakpoints", "1   breakpoint", "2   tbreak");
        contains(out, "cont", "breakpoint at 0x", "<checkpoint>");
        contains(out, "info vcpus", "vcpu 0", "<checkpoint>", "kernel mode");
        contains(out, "info registers", "RDI=0000000000000029", "RIP=0x", "<checkpoint>", "CS=e033", "CR3=");
        contains(out, "info registers -a", "MXCSR=00001f80", "XMM15=", "ST7=");
        contains(out, "print rdi + 1", "= 42");
        contains(out, "print checkpoint + 4", "<checkpoint+0x4>");
        contains(out, "x/3i rip", "<checkpoint>:", "mov", "<checkpoint+0x7>:", "add");
        contains(out, "x/2xg rsp", "0xffffffff8");
        contains(out, "x/1dg poke_target", " 7");
        contains(out, "x/4c poke_target", "\\x07 \\x00");
        contains(out, "xp/4xb 0x1000", "0000000000001000: 0x");
        contains(out, "disas checkpoint 2", "<checkpoint>:", "<checkpoint+0x7>:");
        contains(out, "watch watched_counter", "watchpoint 3 at", "<watched_counter> len 8 w");
        contains(out, "c", "watchpoint 3 (watched_counter) hit, now at", "<checkpoint+0x");
        contains(out, "stepi", "<checkpoint+0x");
        contains(out, "step 1", "<kernel_main+0x");
        contains(out, "next", "<kernel_main+0x");
        contains(out, "unpause", "breakpoint at", "<spin>");
        contains(out, "info breakpoints ", "1   breakpoint");
        assertTrue(!out.get("info breakpoints ").contains("tbreak"), "a tbreak goes once hit");
        contains(out, "info breakpoints", "no breakpoints or watchpoints");
        contains(out, "info mem", "ffffffff80000000-", "urwx");
        contains(out, "info tlb", "ffffffff80000000: machine");
        contains(out, "info events", "port", "interdomain d0:", "upcall_mask");
        contains(out, "info timers", "vcpu 0: single-shot", "periodic");
        contains(out, "info hypercalls", "console_io", "event_channel_op");
        contains(out, "info regions", "live regions", "invalidated", " bytes on ");
        assertTrue(out.get("info regions").lines().filter(line -> line.contains(" bytes on "))
                .allMatch(line -> line.contains("; interpreted") || line.matches(".*; compiled \\d+x in \\d+ ms, \\d+ bytes of code.*")),
                "every region says what the JIT did with it:\n" + out.get("info regions"));
        contains(out, "info frames", "frames (32 MiB)", "pfn      0-");
        contains(out, "dmesg", "d1");
        contains(out, "stop", "stopped at");
        contains(out, "pause", "stopped at");
        contains(out, "cont ", "domain debugee stopped: poweroff");
        contains(out, "info registers  ", "error: domain", "is gone");
        List<String> console = Files.readAllLines(dir.resolve("debugee.log"));
        assertTrue(console.contains("checkpoint returned 301"), "set rdi 100 reached the guest: " + console);
        assertTrue(console.contains("watched_counter = 1"), console.toString());
    }

    /**
     * {@code info regions} counts each region's executions: with {@code repeats=5} the guest
     * prints 8 lines before it reads {@code watched_counter} after its spins, and each line is one
     * call of {@code console_write}, whose region is entered by that call only. A read watchpoint
     * stops the guest there (its first hit is the increment in {@code checkpoint}).
     */
    @Test
    void infoRegionsCountsExecutions() {
        InProcessTxl txl = new InProcessTxl(dir);
        Map<String, String> out = script(txl, ExitStatus.GUEST_POWEROFF, List.of("cmdline=\"spin=10 repeats=5\""),
                "sym " + InProcessTxl.elf("debugee"),
                "watch watched_counter 8 r",
                "cont",
                "cont ",
                "info regions",
                "cont  ");
        contains(out, "cont", "watchpoint 1 (watched_counter) hit, now at", "<checkpoint+0x");
        contains(out, "cont ", "watchpoint 1 (watched_counter) hit, now at", "<kernel_main+0x");
        contains(out, "info regions", "live regions");
        String consoleWrite = out.get("info regions").lines().filter(line -> line.contains("<console_write> ")).findFirst()
                .orElseThrow(() -> new AssertionError("no region at console_write:\n" + out.get("info regions")));
        assertTrue(consoleWrite.contains("; executed 8x;"), consoleWrite);
        assertTrue(out.get("info regions").lines().filter(line -> line.contains(" bytes on "))
                .allMatch(line -> line.matches(".*; executed [1-9]\\d*x; .*")), "every region counts:\n" + out.get("info regions"));
    }

    /**
     * The sharedcode guest stores into its own code (the immediate of {@code patchable_value}, an
     * assembly label) every 4096 calls. A write watchpoint on that code stops after each store; a
     * breakpoint put into the rewritten page then stops at the next call, the guest's bytes show
     * no trace of it, and the guest sees each value it stored (its own checks pass).
     */
    @Test
    void breakpointsStayInCodeTheGuestRewrites() throws IOException {
        Path config = dir.resolve("sharedcode.cfg");
        Files.writeString(config, String.join("\n", "name = \"sharedcode\"", "type = \"pv\"",
                "kernel = \"" + InProcessTxl.elf("sharedcode") + "\"", "memory = 32", "vcpus = 1",
                "cmdline = \"rewrite=1 calls=8192\"", "on_poweroff = \"destroy\"", "on_crash = \"destroy\"", ""));
        InProcessTxl txl = new InProcessTxl(dir);
        Map<String, String> out = script(txl, ExitStatus.GUEST_POWEROFF, config.toString(), List.of(),
                "sym " + InProcessTxl.elf("sharedcode"),
                "watch patchable_value 8",
                "cont",
                "x/1xw patchable_imm",
                "break patchable_value",
                "cont ",
                "x/5xb patchable_value",
                "delete",
                "watch patchable_value 8 ",
                "cont  ",
                "break patchable_value ",
                "cont   ",
                "x/5xb patchable_value ",
                "delete ",
                "cont    ",
                "dmesg");
        contains(out, "watch patchable_value 8", "watchpoint 1 at 0x", "len 8 w");
        contains(out, "cont", "watchpoint 1 (0x", ") hit, now at", "<kernel_main+0x");
        contains(out, "x/1xw patchable_imm", "0x00005eee");
        contains(out, "cont ", "breakpoint at 0x");
        contains(out, "x/5xb patchable_value", "0xb8 0xee 0x5e 0x00 0x00");
        contains(out, "cont  ", "watchpoint 3 (0x", ") hit, now at");
        contains(out, "cont   ", "breakpoint at 0x");
        contains(out, "x/5xb patchable_value ", "0xb8 0xef 0x5e 0x00 0x00");
        contains(out, "cont    ", "domain sharedcode stopped: poweroff");
        contains(out, "dmesg", "4 passed, 0 failed");
    }

    @Test
    void badInputGetsOneErrorLineNamingTheToken() {
        InProcessTxl txl = new InProcessTxl(dir);
        Map<String, String> out = script(txl, ExitStatus.GUEST_POWEROFF,
                "frobnicate now",
                "x/4q 0",
                "x/4x nosuchsymbol",
                "print (1 +",
                "print 1 / 0",
                "set rzz 1",
                "info nothing",
                "break",
                "watch 0x1000 3",
                "x/2x 0",
                "delete 99",
                "sym /nonexistent/kernel.elf",
                "gdb notaport",
                "print \"unterminated",
                "step 1",
                "quit");
        contains(out, "frobnicate now", "error: 'frobnicate': unknown command");
        contains(out, "x/4q 0", "error: 'q': unknown format letter");
        contains(out, "x/4x nosuchsymbol", "error: 'nosuchsymbol': no such register or symbol");
        contains(out, "print (1 +", "error: ", "expected a number, register or symbol");
        contains(out, "print 1 / 0", "error: '0': division by zero");
        contains(out, "set rzz 1", "error: 'rzz': not a register");
        contains(out, "info nothing", "error: 'nothing': unknown info topic");
        contains(out, "break", "error: Missing required parameter: 'ADDR'");
        contains(out, "watch 0x1000 3", "error: a watchpoint covers 1, 2, 4 or 8 bytes");
        contains(out, "x/2x 0", "error: '0': address 0x0 is not mapped");
        contains(out, "delete 99", "error: '99': no breakpoint or watchpoint");
        contains(out, "sym /nonexistent/kernel.elf", "error: /nonexistent/kernel.elf: cannot read");
        contains(out, "gdb notaport", "error: 'notaport': not a port number");
        contains(out, "print \"unterminated", "error: '\"': unterminated quote");
        contains(out, "step 1", "0xffffffff8000", "mov");
        for (Map.Entry<String, String> e : out.entrySet()) {
            if (!e.getKey().equals("step 1") && !e.getKey().equals("quit")) {
                assertEquals(1, e.getValue().lines().count(), "one line for '" + e.getKey() + "': " + e.getValue());
            }
        }
        assertTrue(txl.err().contains("stopped: poweroff"), "quit destroys the domain: " + txl.err());
    }

    @Test
    void theGdbCommandStartsAStubOnTheDomain() {
        InProcessTxl txl = new InProcessTxl(dir);
        Map<String, String> out = script(txl, ExitStatus.GUEST_POWEROFF, "gdb 0", "destroy", "quit");
        contains(out, "gdb 0", "gdb stub listening on port");
        contains(out, "destroy", "domain debugee destroyed");
    }
}
