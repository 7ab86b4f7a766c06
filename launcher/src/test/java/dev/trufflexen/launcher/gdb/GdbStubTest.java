package dev.trufflexen.launcher.gdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.trufflexen.launcher.ExitStatus;
import dev.trufflexen.launcher.InProcessTxl;

/**
 * A stock {@code gdb} in batch mode against {@code txl create --gdb}: the debugee guest waits
 * before its first instruction, gdb loads its symbols, breaks on a function, reads and writes
 * registers and memory, steps, sets a watchpoint that fires, finishes the function and lets the
 * guest run to its poweroff. The guest's console shows the writes took effect.
 */
class GdbStubTest {
    private static final Path GDB = Path.of("/usr/bin/gdb");
    private static final Pattern PORT = Pattern.compile("gdb stub listening on port (\\d+)");

    @TempDir
    Path dir;

    @Test
    void gdbBreaksStepsWatchesAndChangesTheGuest() throws Exception {
        InProcessTxl txl = new InProcessTxl(dir);
        CompletableFuture<Integer> status = startStub(txl);
        int port = port(txl);
        String gdb = runGdb(port, List.of(
                "file " + InProcessTxl.elf("debugee"),
                "target remote :" + port,
                "info registers rip",
                "break checkpoint",
                "continue",
                "info registers rdi",
                "set $rdi = 100",
                "print poke_target",
                "set var poke_target = 99",
                "print poke_target",
                "print/x *(unsigned char *)checkpoint",
                "stepi",
                "info registers rip",
                "info threads",
                "print $xmm0.uint128",
                "print $fs_base",
                "watch watched_counter",
                "continue",
                "delete",
                "finish",
                "continue"));
        assertEquals(ExitStatus.GUEST_POWEROFF, status.get(60, TimeUnit.SECONDS), txl.err());
        assertTrue(gdb.contains("<_start>"), "stopped before the first instruction:\n" + gdb);
        assertTrue(gdb.contains("Breakpoint 1, checkpoint (value=value@entry=41)"), gdb);
        assertTrue(gdb.contains("rdi            0x29                41"), gdb);
        assertTrue(gdb.contains("$1 = 7") && gdb.contains("$2 = 99"), gdb);
        // The breakpoint left the guest's code alone: its first byte is mov's REX prefix, no int3.
        assertTrue(gdb.contains("$3 = 0x48"), gdb);
        assertTrue(gdb.contains("<checkpoint+7>"), "stepi moved one instruction:\n" + gdb);
        assertTrue(gdb.contains("Thread 1") || gdb.contains("* 1"), gdb);
        assertTrue(gdb.contains("Hardware watchpoint 2: watched_counter") && gdb.contains("Old value = 0")
                && gdb.contains("New value = 1"), gdb);
        assertTrue(gdb.contains("Value returned is $") && gdb.contains("= 301"), "finish returned 100 * 3 + 1:\n" + gdb);
        assertTrue(gdb.contains("exited normally"), gdb);
        List<String> console = Files.readAllLines(dir.resolve("debugee.log"));
        assertTrue(console.contains("checkpoint returned 301"), console.toString());
        assertTrue(console.contains("poke_target = 99"), console.toString());
        assertTrue(console.contains("debugee: done"), console.toString());
    }

    @Test
    void aReadWatchpointIgnoresWrites() throws Exception {
        InProcessTxl txl = new InProcessTxl(dir);
        CompletableFuture<Integer> status = startStub(txl);
        int port = port(txl);
        // checkpoint() reads watched_counter, then writes it; kernel_main reads it later to print it.
        // Armed after the read, a read watchpoint passes over the write and stops at that print.
        String gdb = runGdb(port, List.of("file " + InProcessTxl.elf("debugee"), "target remote :" + port,
                "break checkpoint", "continue", "stepi", "delete", "rwatch watched_counter", "continue", "bt 1",
                "delete", "continue"));
        assertEquals(ExitStatus.GUEST_POWEROFF, status.get(60, TimeUnit.SECONDS), txl.err());
        assertTrue(gdb.contains("Hardware read watchpoint 2: watched_counter") && gdb.contains("Value = 1"), gdb);
        assertTrue(gdb.contains("#0  ") && gdb.contains(" kernel_main ") && !gdb.contains("#0  checkpoint"),
                "the write in checkpoint() did not stop; the read in kernel_main did:\n" + gdb);
    }

    /**
     * gdb's {@code hbreak} (Z1) stops with a hwbreak reason; an access watchpoint ({@code awatch},
     * Z4) stops after checkpoint()'s read of watched_counter, after its write, and after
     * kernel_main's read to print it, each right after its instruction.
     */
    @Test
    void aHardwareBreakpointAndAnAccessWatchpoint() throws Exception {
        InProcessTxl txl = new InProcessTxl(dir);
        CompletableFuture<Integer> status = startStub(txl);
        int port = port(txl);
        String gdb = runGdb(port, List.of("file " + InProcessTxl.elf("debugee"), "target remote :" + port,
                "set debug remote 1", "hbreak checkpoint", "continue", "set debug remote 0", "delete",
                "awatch watched_counter", "continue", "bt 1", "continue", "bt 1", "continue", "bt 1", "delete", "continue"));
        assertEquals(ExitStatus.GUEST_POWEROFF, status.get(60, TimeUnit.SECONDS), txl.err());
        assertTrue(gdb.contains("Hardware assisted breakpoint 1 at"), gdb);
        assertTrue(Pattern.compile("Packet received: T05[^\\n]*hwbreak:").matcher(gdb).find(), "a hwbreak stop reply:\n" + gdb);
        // gdb's remote debugging output is still on while it prints the stop: only its start counts.
        assertTrue(gdb.contains("Breakpoint 1, checkpoint ("), gdb);
        Matcher hits = Pattern.compile("Hardware access \\(read/write\\) watchpoint 2: watched_counter\\n\\n(Value = \\d+|Old value = 0\\nNew value = 1)")
                .matcher(gdb);
        List<String> seen = new java.util.ArrayList<>();
        while (hits.find()) {
            seen.add(hits.group(1));
        }
        assertEquals(List.of("Value = 0", "Old value = 0\nNew value = 1", "Value = 1"), seen, gdb);
        Matcher frames = Pattern.compile("#0  (?:0x[0-9a-f]+ in )?(\\w+) ").matcher(gdb);
        List<String> where = new java.util.ArrayList<>();
        while (frames.find()) {
            where.add(frames.group(1));
        }
        assertEquals(List.of("checkpoint", "checkpoint", "kernel_main"), where, gdb);
        assertTrue(gdb.contains("exited normally"), gdb);
    }

    @Test
    void oneVcpuStepsWhileTheOthersStayStopped() throws Exception {
        assumeTrue(Files.isExecutable(GDB), "gdb is not installed (Debian package gdb; .ci/run installs it)");
        InProcessTxl txl = new InProcessTxl(dir);
        // The smp guest brings up vCPUs 1-3, then with "hold" every vCPU spins for ever.
        CompletableFuture<Integer> status = txl.start("create", "--gdb", "0", InProcessTxl.config("smp"), "cmdline=\"hold\"");
        int port = port(txl);
        String gdb = runGdb(port, List.of("file " + InProcessTxl.elf("smp"), "target remote :" + port,
                "break smp_secondary_main", "continue", "delete", "info threads",
                "echo vcpu0-before\\n", "thread apply 1 print/x $pc",
                "echo stepped-before\\n", "print/x $pc", "stepi", "stepi", "stepi",
                "echo stepped-after\\n", "print/x $pc",
                "echo vcpu0-after\\n", "thread apply 1 print/x $pc",
                "echo current\\n", "print $_thread", "kill"));
        status.get(60, TimeUnit.SECONDS);
        assertTrue(Pattern.compile("Thread [234]\\b[^\\n]*hit Breakpoint 1, smp_secondary_main").matcher(gdb).find(),
                "a secondary vCPU stopped at the breakpoint:\n" + gdb);
        for (int thread = 1; thread <= 4; thread++) {
            assertTrue(gdb.contains("vCPU " + (thread - 1) + " of smp"), "thread " + thread + " listed:\n" + gdb);
        }
        String stepped = valueAfter(gdb, "stepped-before");
        assertTrue(!stepped.equals(valueAfter(gdb, "stepped-after")), "the stopped vCPU stepped:\n" + gdb);
        assertEquals(valueAfter(gdb, "vcpu0-before"), valueAfter(gdb, "vcpu0-after"), "vCPU 0 stayed where it was:\n" + gdb);
        assertTrue(!valueAfter(gdb, "current").equals("1"), "the stepping thread is a secondary vCPU's:\n" + gdb);
    }

    /**
     * Through four vCPUs: a watchpoint on vCPU 2's per-CPU {@code cs} field fires on the vCPU
     * that writes it (the stub's thread 3), after the write, as smp_secondary_main starts there.
     */
    @Test
    void aWatchpointFiresOnTheVcpuThatWrites() throws Exception {
        assumeTrue(Files.isExecutable(GDB), "gdb is not installed (Debian package gdb; .ci/run installs it)");
        InProcessTxl txl = new InProcessTxl(dir);
        CompletableFuture<Integer> status = txl.start("create", "--gdb", "0", InProcessTxl.config("smp"), "cmdline=\"hold\"");
        int port = port(txl);
        String gdb = runGdb(port, List.of("file " + InProcessTxl.elf("smp"), "target remote :" + port,
                "watch percpu[2].cs", "continue", "print/x percpu[2].cs", "kill"));
        status.get(60, TimeUnit.SECONDS);
        // gdb numbers threads as it meets them; the stub's thread 3 is vCPU 2.
        assertTrue(gdb.contains("[Switching to Thread 3]"), gdb);
        assertTrue(Pattern.compile("hit Hardware watchpoint 1: percpu\\[2\\]\\.cs\\n\\nOld value = 0\\nNew value = 57395\\n"
                + "smp_secondary_main \\(id=2\\)").matcher(gdb).find(), "vCPU 2 stopped after writing its cs (0xe033):\n" + gdb);
        assertTrue(gdb.contains("$1 = 0xe033"), gdb);
    }

    /** The value gdb printed ({@code $N = VALUE}) first after the line {@code marker}. */
    private static String valueAfter(String gdb, String marker) {
        Matcher m = Pattern.compile(Pattern.quote(marker) + "\\n(?:.*\\n)*?\\$\\d+ = (\\S+)").matcher(gdb);
        assertTrue(m.find(), "no value after " + marker + ":\n" + gdb);
        return m.group(1);
    }

    @Test
    void detachLeavesTheGuestRunningToItsEnd() throws Exception {
        InProcessTxl txl = new InProcessTxl(dir);
        CompletableFuture<Integer> status = startStub(txl);
        int port = port(txl);
        String gdb = runGdb(port, List.of("file " + InProcessTxl.elf("debugee"), "target remote :" + port,
                "break spin", "continue", "info breakpoints", "detach"));
        assertTrue(gdb.contains("Breakpoint 1, spin"), gdb);
        assertEquals(ExitStatus.GUEST_POWEROFF, status.get(60, TimeUnit.SECONDS), txl.err());
        assertTrue(Files.readAllLines(dir.resolve("debugee.log")).contains("debugee: done"));
    }

    @Test
    void killDestroysTheDomain() throws Exception {
        InProcessTxl txl = new InProcessTxl(dir);
        CompletableFuture<Integer> status = startStub(txl);
        int port = port(txl);
        runGdb(port, List.of("file " + InProcessTxl.elf("debugee"), "target remote :" + port, "kill"));
        status.get(60, TimeUnit.SECONDS);
        assertTrue(txl.err().contains("stopped: poweroff"), txl.err());
        assertTrue(!Files.readString(dir.resolve("debugee.log")).contains("debugee: start"),
                "killed before its first instruction");
    }

    @Test
    void withoutAHostTheStubListensOnLoopbackOnly() throws Exception {
        InetAddress outside = nonLoopbackAddress();
        assumeTrue(outside != null, "no non-loopback IPv4 address on this machine");
        try (ServerSocket everywhere = new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"));
                Socket reached = new Socket()) {
            reached.connect(new InetSocketAddress(outside, everywhere.getLocalPort()), 5000); // the address is reachable
        }
        InProcessTxl txl = new InProcessTxl(dir);
        CompletableFuture<Integer> status = startStub(txl);
        int port = port(txl);
        try (Socket refused = new Socket()) {
            assertThrows(ConnectException.class, () -> refused.connect(new InetSocketAddress(outside, port), 5000),
                    "--gdb PORT accepted a connection on " + outside.getHostAddress());
        }
        runGdb(port, List.of("target remote :" + port, "kill"));
        status.get(60, TimeUnit.SECONDS);
    }

    private static InetAddress nonLoopbackAddress() throws SocketException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nic.isUp() && !nic.isLoopback()) {
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address) {
                        return address;
                    }
                }
            }
        }
        return null;
    }

    /** {@code txl create --gdb 0} on the debugee, skipped without gdb. */
    private static CompletableFuture<Integer> startStub(InProcessTxl txl) {
        assumeTrue(Files.isExecutable(GDB), "gdb is not installed (Debian package gdb; .ci/run installs it)");
        return txl.start("create", "--gdb", "0", InProcessTxl.config("debugee"));
    }

    static int port(InProcessTxl txl) throws InterruptedException {
        String err = txl.awaitErr("gdb stub listening on port", 60);
        Matcher m = PORT.matcher(err);
        assertTrue(m.find(), "no stub announced:\n" + err);
        return Integer.parseInt(m.group(1));
    }

    private String runGdb(int port, List<String> commands) throws IOException, InterruptedException {
        Path script = dir.resolve("gdb-" + port + ".cmds");
        List<String> lines = new java.util.ArrayList<>(List.of("set pagination off", "set confirm off"));
        lines.addAll(commands);
        Files.write(script, lines);
        Path output = dir.resolve("gdb-" + port + ".out");
        Process gdb = new ProcessBuilder(GDB.toString(), "-nx", "-batch", "-x", script.toString())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!gdb.waitFor(90, TimeUnit.SECONDS)) {
            gdb.destroyForcibly();
            throw new AssertionError("gdb did not finish in 90 s:\n" + Files.readString(output));
        }
        return Files.readString(output, StandardCharsets.UTF_8);
    }
}
