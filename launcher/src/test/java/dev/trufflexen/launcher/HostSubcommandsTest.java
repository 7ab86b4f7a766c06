package dev.trufflexen.launcher;

import static dev.trufflexen.launcher.HostTxl.await;
import static dev.trufflexen.launcher.HostTxl.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.trufflexen.launcher.host.HostedDomain;
import dev.trufflexen.x86.TruffleRuntimeCheck;
import dev.trufflexen.xen.domain.SchedulingParameters;
import dev.trufflexen.xen.memop.MemoryOpHypercall;

/**
 * Each of xl's subcommands against a host with a real, running guest: what it prints, what it
 * changes in the core, and its errors (each names the domain and the problem).
 */
class HostSubcommandsTest {
    @TempDir
    Path state;
    @TempDir
    Path workingDirectory;

    private HostTxl txl;
    private HostedDomain ticker;

    @BeforeEach
    void startTicker() throws Exception {
        txl = new HostTxl(state, workingDirectory);
        assertEquals(0, txl.run("create", config("ticker"), "cmdline=\"period_ms=20 every=10\""), txl.err());
        ticker = txl.domain("ticker");
        await("the ticker runs", () -> txl.consoleLog("ticker").contains("ticker: start"));
    }

    @AfterEach
    void stopHost() throws IOException {
        txl.close();
    }

    private void assertFails(String expectedError, String... args) {
        assertEquals(ExitStatus.COMMAND_FAILED, txl.run(args), txl.err());
        assertEquals("txl: error: " + expectedError + "\n", txl.err());
    }

    @Test
    void aDomainThatDoesNotExistIsAClearErrorForEveryCommand() {
        for (List<String> command : List.of(List.of("list"), List.of("destroy"), List.of("shutdown"),
                List.of("reboot"), List.of("pause"), List.of("unpause"), List.of("console"), List.of("vcpu-list"),
                List.of("vcpu-set"), List.of("vcpu-pin"), List.of("mem-set"), List.of("mem-max"),
                List.of("sched-credit", "-d"), List.of("sched-bvt", "-d"), List.of("uptime"), List.of("domid"),
                List.of("domname"))) {
            List<String> args = new java.util.ArrayList<>(command);
            args.add("nosuch");
            switch (command.getFirst()) {
                case "vcpu-set" -> args.add("1");
                case "vcpu-pin" -> args.addAll(List.of("0", "all"));
                case "mem-set", "mem-max" -> args.add("8");
                default -> { }
            }
            assertFails("domain 'nosuch' does not exist", args.toArray(String[]::new));
        }
        assertFails("domain '42' does not exist", "pause", "42");
    }

    @Test
    void withoutAHostCommandsSaySo() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Path elsewhere = workingDirectory.resolve("no-host");
        TxlContext context = new TxlContext(new ByteArrayInputStream(new byte[0]),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), workingDirectory,
                Map.of("TXL_STATE_DIR", elsewhere.toString()), false, TruffleRuntimeCheck::isOptimizing, null);
        assertEquals(ExitStatus.COMMAND_FAILED, Txl.run(context, "list"));
        assertEquals("txl: error: no TruffleXen host is running (state directory " + elsewhere
                + "); 'txl host start' or 'txl create' starts one\n", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void namesAreUniqueAndCreateChecksItsOptions() {
        assertEquals(ExitStatus.COMMAND_FAILED, txl.run("create", config("ticker")));
        assertEquals("txl: error: domain 'ticker' already exists (id " + ticker.id() + ")\n", txl.err());
        assertEquals(ExitStatus.USAGE, txl.run("create", "-F", "-p", config("ticker")));
        assertEquals(ExitStatus.USAGE, txl.run("create", "--trace", config("ticker")));
        assertEquals(ExitStatus.BAD_CONFIG, txl.run("create", config("ticker"), "memory=0"));
        assertEquals(1, txl.host().host().domains().size(), "nothing was built");
    }

    @Test
    void listDomidDomnameUptimeDmesgInfo() {
        assertEquals(0, txl.run("list", "ticker"), txl.err());
        List<String> lines = txl.out().lines().toList();
        assertEquals("Name                                        ID   Mem VCPUs      State   Time(s)", lines.get(0));
        assertEquals(2, lines.size());
        assertEquals(0, txl.run("domid", "ticker"));
        assertEquals(ticker.id() + "\n", txl.out());
        assertEquals(0, txl.run("domname", String.valueOf(ticker.id())));
        assertEquals("ticker\n", txl.out());
        assertEquals(0, txl.run("uptime"));
        assertTrue(txl.out().lines().anyMatch(l -> l.matches("ticker +" + ticker.id() + " 0:0\\d:\\d\\d")), txl.out());
        assertEquals(0, txl.run("dmesg"));
        assertTrue(txl.out().contains("(XEN) Domain " + ticker.id() + " (ticker) built: 16 MiB"), txl.out());
        assertEquals(0, txl.run("info"));
        assertTrue(txl.out().contains("nr_cpus               : 2\n"), txl.out());
        assertTrue(txl.out().contains("nr_domains            : 1\n"), txl.out());
    }

    @Test
    void vcpuListSetAndPin() {
        assertEquals(0, txl.run("vcpu-list", "ticker"), txl.err());
        String row = txl.out().lines().skip(1).findFirst().orElseThrow();
        assertTrue(row.matches("ticker +" + ticker.id() + " +0 +- +(r--|-b-) +\\d+\\.\\d all / all"), row);
        assertEquals(0, txl.run("vcpu-set", "ticker", "1"), txl.err());
        assertFails("invalid vCPU count 'two'", "vcpu-set", "ticker", "two");
        assertFails("domain 'ticker': cannot set 0 vCPUs online: at least one must stay online", "vcpu-set",
                "ticker", "0");
        assertFails("domain 'ticker': requested 2 VCPUs, however maxcpus is 1!", "vcpu-set", "ticker", "2");
        assertFails("domain 'ticker' has no vCPU 1 (it has 1)", "vcpu-pin", "ticker", "1", "0");
        assertFails("domain 'ticker': invalid vCPU 'x' (a number or all)", "vcpu-pin", "ticker", "x", "0");
        assertFails("CPU 5 is out of range: this host has 2 physical CPUs (0-1)", "vcpu-pin", "ticker", "0", "5");
        assertFails("invalid CPU list '0,a': 'a' is not a CPU or a range", "vcpu-pin", "ticker", "0", "0,a");
        assertFails("CPU list '^0,^1' leaves no CPU to run on", "vcpu-pin", "ticker", "all", "^0,^1");
        assertEquals(0, txl.run("vcpu-pin", "ticker", "0", "^0"), txl.err());
        assertEquals(java.util.BitSet.valueOf(new long[] {2}), ticker.domain().vcpu0().hardAffinity());
        assertEquals(0, txl.run("vcpu-list"));
        assertTrue(txl.out().contains(" 1 / all"), txl.out());
        assertEquals(0, txl.run("vcpu-pin", "ticker", "all", "0-1"));
        assertTrue(ticker.domain().vcpu0().hardAffinity().isEmpty(), "every CPU is no pin at all");
    }

    @Test
    void memSetAndMemMaxMoveTheDomainsLimit() {
        assertFails("invalid memory size: 12q", "mem-set", "ticker", "12q");
        assertFails("domain 'ticker': memory_dynamic_max must be less than or equal to memory_static_max "
                + "(64 MiB asked, the maximum is 16 MiB; see mem-max)", "mem-set", "ticker", "64m");
        assertEquals(0, txl.run("mem-set", "ticker", "8192k"), txl.err());
        assertEquals((8192 + 1024) / 4, ticker.domain().part(MemoryOpHypercall.MEMORY).maxPages());
        assertFails("domain 'ticker': memory_static_max must be greater than or equal to memory_dynamic_max "
                + "(4 MiB asked, the target is 8 MiB)", "mem-max", "ticker", "4");
        assertEquals(0, txl.run("mem-max", "ticker", "1g"), txl.err());
        assertEquals((1024 * 1024 + 1024) / 4, ticker.domain().part(MemoryOpHypercall.MEMORY).maxPages());
        assertEquals(0, txl.run("mem-set", "ticker", "64"), txl.err());
        assertFails("domain 'ticker': the memory size must be positive", "mem-set", "ticker", "0");
    }

    @Test
    void schedCreditAndBvtStoreTheParametersInTheDomain() {
        assertFails("domain 'ticker': Cpu weight out of range, valid values are within range from 1 to 65535",
                "sched-credit", "-d", "ticker", "-w", "0");
        assertFails("domain 'ticker': Cpu weight out of range, valid values are within range from 1 to 65535",
                "sched-credit", "-d", "ticker", "-w", "65536");
        assertFails("domain 'ticker': Cpu cap out of range, valid range is from 0 to 100 for specified number of "
                + "vcpus", "sched-credit", "-d", "ticker", "-c", "101");
        assertEquals(ExitStatus.USAGE, txl.run("sched-credit", "-w", "512"));
        assertEquals(0, txl.run("sched-credit", "-d", "ticker", "-w", "512", "-c", "50"), txl.err());
        SchedulingParameters p = ticker.domain().schedulingParameters();
        assertEquals(512, p.weight());
        assertEquals(50, p.cap());
        assertEquals(0, txl.run("sched-credit"));
        assertTrue(txl.out().lines().anyMatch(l -> l.matches("ticker +" + ticker.id() + " +512 +50")), txl.out());

        assertFails("domain 'ticker': mcuadv must be at least 1, not 0", "sched-bvt", "-d", "ticker", "--mcuadv", "0");
        assertFails("domain 'ticker': warpback must be 0 or 1, not 2", "sched-bvt", "-d", "ticker", "--warpback", "2");
        assertFails("domain 'ticker': warpvalue, warpl and warpu must not be negative", "sched-bvt", "-d", "ticker",
                "--warpl", "-1");
        assertEquals(0, txl.run("sched-bvt", "-d", "ticker", "--mcuadv", "5", "--warpback", "1", "--warpvalue",
                "1000000"), txl.err());
        p = ticker.domain().schedulingParameters();
        assertEquals(List.of(5, true, 1_000_000L, 512), List.of(p.mcuAdvance(), p.warpBack(), p.warpValue(), p.weight()));
    }

    @Test
    void topInBatchModePrintsFrames() {
        assertEquals(0, txl.run("top", "-b", "-i", "2", "-d", "0.2"), txl.err());
        List<String> lines = txl.out().lines().toList();
        assertEquals(2, lines.stream().filter(l -> l.startsWith("txl top - ")).count(), txl.out());
        assertTrue(lines.contains("1 domains: " + (lines.get(1).contains("1 running") ? "1 running, 0 blocked"
                : "0 running, 1 blocked") + ", 0 paused, 0 shutdown, 0 crashed, 0 dying"), txl.out());
        assertTrue(lines.stream().anyMatch(l -> l.trim().startsWith("NAME  STATE")), txl.out());
        assertEquals(2, lines.stream().filter(l -> l.trim().startsWith("ticker ")).count(), txl.out());
        assertEquals(ExitStatus.USAGE, txl.run("top", "-d", "0"));
    }

    @Test
    void consoleStreamsTheGuestUntilItStopsAndShutdownAppliesOnPoweroff() throws Exception {
        assertEquals(0, txl.run("create", "-c", config("ticker"), "name=\"short\"",
                "cmdline=\"ticks=30 period_ms=5 every=10\""), txl.err());
        assertTrue(txl.out().contains("ticker: done after 30 ticks"), txl.out());
        await("short is released", () -> !txl.exists("short"));
        assertEquals(0, txl.run("shutdown", "-w", "ticker"), txl.err());
        assertTrue(txl.host().host().domains().isEmpty(), "on_poweroff=destroy");
        assertFails("domain 'ticker' does not exist", "reboot", "ticker");
    }
}
