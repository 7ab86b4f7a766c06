package dev.trufflexen.launcher;

import static dev.trufflexen.launcher.HostTxl.await;
import static dev.trufflexen.launcher.HostTxl.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.trufflexen.launcher.host.HostedDomain;
import dev.trufflexen.xen.XenHypervisor;

/**
 * Domains in one host with real guests: create, list, pause, unpause, destroy, the xl.cfg
 * actions when a domain stops, one domain's crash beside others, 32 domains at once; the
 * invariant checker after each destroy.
 */
class HostDomainsTest {
    @TempDir
    Path state;
    @TempDir
    Path workingDirectory;

    private HostTxl txl;

    @BeforeEach
    void startHost() throws IOException {
        txl = new HostTxl(state, workingDirectory);
    }

    @AfterEach
    void stopHost() throws IOException {
        txl.close();
    }

    private void assertNothingHeld() throws InterruptedException {
        XenHypervisor xen = txl.host().host().xen();
        // A destroyed domain is released once its last vCPU has left guest code.
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!xen.heldResources().equals(new XenHypervisor.HeldResources(0, 0, 0)) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(new XenHypervisor.HeldResources(0, 0, 0), xen.heldResources(),
                "no domain, no timer, no translated code left");
    }

    /** Destroys domains by id until none is left (a restarting domain gets new ids meanwhile). */
    private void destroyEveryDomain() {
        List<Integer> destroyed = new ArrayList<>();
        while (!txl.host().host().domains().isEmpty()) {
            for (HostedDomain domain : txl.host().host().domains()) {
                if (txl.run("destroy", String.valueOf(domain.id())) == 0) {
                    destroyed.add(domain.id());
                }
            }
        }
        for (int id : destroyed) {
            assertEquals(List.of(), txl.host().host().xen().auditReleased(id), "domain " + id + "'s frames");
        }
    }

    private void destroyAndAudit(String name) {
        int id = txl.domain(name).id();
        assertEquals(0, txl.run("destroy", name), txl.err());
        assertEquals(List.of(), txl.host().host().xen().auditReleased(id), name + "'s frames");
    }

    @Test
    void createListPauseUnpauseDestroyLeaveNothingBehind() throws Exception {
        assertEquals(0, txl.run("create", config("ticker"), "cmdline=\"spin=1 period_ms=1 every=1000\""), txl.err());
        assertTrue(txl.err().contains("txl: domain ticker created (id "), txl.err());
        HostedDomain ticker = txl.domain("ticker");
        await("the ticker runs", () -> txl.consoleLog("ticker").contains("ticker: start"));
        String[] row = txl.listRow("ticker");
        assertEquals(List.of("ticker", String.valueOf(ticker.id()), "16", "1"), List.of(row).subList(0, 4));
        assertEquals("r-----", row[4], txl.out());

        assertEquals(0, txl.run("pause", "ticker"), txl.err());
        assertEquals("--p---", txl.listRow("ticker")[4]);
        long pausedAt = ticker.cpuNanos();
        Thread.sleep(300);
        assertEquals(pausedAt, ticker.cpuNanos(), "a paused domain gets no CPU");
        assertEquals(0, txl.run("pause", String.valueOf(ticker.id())), txl.err());
        assertEquals(0, txl.run("unpause", "ticker"), txl.err());
        assertEquals("--p---", txl.listRow("ticker")[4], "pauses nest: one unpause of two leaves it paused");
        assertEquals(0, txl.run("unpause", "ticker"), txl.err());
        await("the unpaused ticker runs again", () -> ticker.cpuNanos() > pausedAt + 50_000_000L);
        assertEquals(ExitStatus.COMMAND_FAILED, txl.run("unpause", "ticker"));
        assertEquals("txl: error: domain 'ticker' is not paused\n", txl.err());

        assertEquals(0, txl.run("destroy", "ticker"), txl.err());
        assertTrue(txl.host().host().domains().isEmpty());
        assertEquals(List.of(), txl.host().host().xen().auditReleased(ticker.id()));
        assertNothingHeld();
        assertEquals(ExitStatus.COMMAND_FAILED, txl.run("destroy", "ticker"));
        assertEquals("txl: error: domain 'ticker' does not exist\n", txl.err());
    }

    @Test
    void createPausedWaitsForUnpauseAndBlockedGuestsShowB() throws Exception {
        assertEquals(0, txl.run("create", "-p", config("ticker"), "cmdline=\"period_ms=100 every=1\""), txl.err());
        Thread.sleep(200);
        assertEquals("--p---", txl.listRow("ticker")[4]);
        assertEquals("", txl.consoleLog("ticker"), "a domain created paused runs no guest code");
        assertEquals(0, txl.run("unpause", "ticker"), txl.err());
        await("ticks", () -> txl.consoleLog("ticker").contains("ticker: tick 2"));
        await("a ticker waiting for its timer is blocked", () -> txl.listRow("ticker")[4].equals("-b----"));
        assertEquals(0, txl.run("destroy", "ticker"), txl.err());
        assertNothingHeld();
    }

    @Test
    void onRebootRestartBuildsTheDomainAgainWithANewId() throws Exception {
        assertEquals(0, txl.run("create", config("ticker"), "cmdline=\"ticks=3 period_ms=1 reason=1 every=1\"",
                "on_reboot=\"restart\""), txl.err());
        int firstId = txl.domain("ticker").id();
        await("three boots", () -> txl.consoleLog("ticker").split("ticker: start", -1).length > 3);
        // It reboots on every boot: between one boot's release and the next one's build, no domain has its name.
        AtomicReference<HostedDomain> now = new AtomicReference<>();
        await("a restarted ticker", () -> {
            now.set(txl.host().host().domains().stream().filter(d -> d.name().equals("ticker")).findFirst().orElse(null));
            return now.get() != null;
        });
        assertNotEquals(firstId, now.get().id(), "a restarted domain gets a new id, as in xl");
        assertEquals(List.of(), txl.host().host().xen().auditReleased(firstId), "the first boot's frames went back");
        assertTrue(txl.run("dmesg") == 0 && txl.out().contains("stopped: reboot; action: restart"), txl.out());
        destroyEveryDomain();
        assertNothingHeld();
    }

    @Test
    void preserveKeepsAShutDownDomainUntilDestroyedAndRenameRestartKeepsTheOldOne() throws Exception {
        assertEquals(0, txl.run("create", config("ticker"), "name=\"kept\"", "cmdline=\"ticks=2 period_ms=1\"",
                "on_poweroff=\"preserve\""), txl.err());
        await("kept shuts down", () -> txl.domain("kept").life() == HostedDomain.Life.PRESERVED);
        assertEquals("---s--", txl.listRow("kept")[4]);
        assertEquals(ExitStatus.COMMAND_FAILED, txl.run("pause", "kept"));
        assertTrue(txl.err().startsWith("txl: error: domain 'kept' (id "), txl.err());
        assertTrue(txl.err().endsWith(") has shut down (poweroff)\n"), txl.err());

        assertEquals(0, txl.run("create", config("ticker"), "name=\"phoenix\"", "cmdline=\"ticks=5 period_ms=20 reason=3\"",
                "on_crash=\"rename-restart\""), txl.err());
        int firstId = txl.domain("phoenix").id();
        await("a renamed, crashed phoenix", () -> txl.list().stream().anyMatch(
                row -> row[0].startsWith("phoenix-") && row[4].equals("---sc-")));
        await("a new phoenix", () -> txl.exists("phoenix") && txl.domain("phoenix").id() != firstId);
        destroyEveryDomain();
        assertNothingHeld();
    }

    /** The core xl would write: Xen's sections and notes, one vCPU's context, and the domain's pages with its bytes. */
    private static XenCoreFile assertXenCore(Path file, String textInGuest) throws IOException {
        XenCoreFile core = XenCoreFile.read(file);
        assertEquals(List.of("", ".shstrtab", ".note.Xen", ".xen_prstatus", ".xen_shared_info", ".xen_p2m", ".xen_pages"),
                core.sectionNames());
        ByteBuffer header = core.notes().get(XenCoreFile.NOTE_HEADER);
        assertEquals(0xF00FEBEDL, header.getLong(0), "XC_CORE_MAGIC: a PV domain");
        assertEquals(1, header.getLong(8), "one vCPU");
        long pages = header.getLong(16);
        assertEquals(4096, header.getLong(24));
        assertEquals(1L, core.notes().get(XenCoreFile.NOTE_FORMAT_VERSION).getLong(0), "format 0.1");
        assertEquals(pages * 16, core.sections().get(".xen_p2m")[1], "a {pfn, mfn} pair per page");
        assertEquals(pages * 4096, core.sections().get(".xen_pages")[1]);
        assertEquals(0, core.sections().get(".xen_pages")[0] % 4096, "pages are page-aligned in the file");
        assertEquals(5168, core.sections().get(".xen_prstatus")[1], "one vcpu_guest_context");
        long rip = core.section(".xen_prstatus").getLong(520 + 128);
        assertTrue(Long.compareUnsigned(rip, 0xffffffff80000000L) >= 0, "RIP in the kernel: " + Long.toHexString(rip));
        assertTrue(core.pagesContain(textInGuest), "the pages hold the guest's \"" + textInGuest + "\"");
        return core;
    }

    @Test
    void coredumpDestroyWritesTheCrashedDomainsCoreAndDumpCoreARunningOnes() throws Exception {
        assertEquals(0, txl.run("create", config("crash"), "on_crash=\"coredump-destroy\""), txl.err());
        await("crash is gone", () -> !txl.exists("crash"));
        assertXenCore(state.resolve("dump").resolve("crash"), "crash: reading unmapped address 0x1000");

        assertEquals(0, txl.run("create", config("ticker"), "name=\"alive\"", "cmdline=\"period_ms=2 every=10\""), txl.err());
        await("alive ticks", () -> txl.consoleLog("alive").contains("ticker: tick 10"));
        assertEquals(0, txl.run("dump-core", "alive", "alive.core"), txl.err());
        assertXenCore(workingDirectory.resolve("alive.core"), "ticker: tick");
        String before = txl.consoleLog("alive");
        await("alive ticks on after the dump", () -> txl.consoleLog("alive").length() > before.length());
        assertEquals(ExitStatus.COMMAND_FAILED, txl.run("dump-core", "nosuch", "x.core"));
        destroyAndAudit("alive");
        assertNothingHeld();
    }

    @Test
    void coredumpRestartWritesTheCoreThenBuildsTheDomainAgain() throws Exception {
        assertEquals(0, txl.run("create", config("ticker"), "name=\"phoenix\"", "cmdline=\"ticks=3 period_ms=1 reason=3\"",
                "on_crash=\"coredump-restart\""), txl.err());
        int firstId = txl.domain("phoenix").id();
        Path core = state.resolve("dump").resolve("phoenix");
        AtomicReference<HostedDomain> again = new AtomicReference<>();
        await("a core and a new phoenix", () -> {
            again.set(txl.host().host().domains().stream().filter(d -> d.name().equals("phoenix") && d.id() != firstId)
                    .findFirst().orElse(null));
            return again.get() != null && Files.exists(core);
        });
        assertTrue(txl.run("dmesg") == 0 && txl.out().contains("stopped: crash; action: coredump-restart"), txl.out());
        assertTrue(txl.out().contains("dumping core of domain " + firstId + " (phoenix)"), txl.out());
        destroyEveryDomain();
        assertXenCore(core, "ticker: start");
        assertNothingHeld();
    }

    @Test
    void oneDomainsCrashLeavesTheOthersRunning() throws Exception {
        assertEquals(0, txl.run("create", config("ticker"), "name=\"steady\"", "cmdline=\"period_ms=2 every=10\""),
                txl.err());
        await("steady ticks", () -> txl.consoleLog("steady").contains("ticker: tick 10"));
        assertEquals(0, txl.run("create", config("crash")), txl.err());
        await("crash is gone", () -> !txl.exists("crash"));
        assertTrue(txl.run("dmesg") == 0 && txl.out().contains("crashed on vCPU 0"), txl.out());
        String before = txl.consoleLog("steady");
        await("steady keeps ticking", () -> txl.consoleLog("steady").length() > before.length());
        // Running, blocked between ticks, or runnable and waiting for a worker (xl's "------").
        assertTrue(List.of("r-----", "-b----", "------").contains(txl.listRow("steady")[4]), txl.out());
        destroyAndAudit("steady");
        assertNothingHeld();
    }

    @Test
    void thirtyTwoDomainsRunToCompletionAndAreListed() throws Exception {
        int count = 32;
        for (int i = 0; i < count; i++) {
            assertEquals(0, txl.run("create", config("ticker"), "name=\"t" + i + "\"",
                    "cmdline=\"ticks=" + (20 + i) + " period_ms=2 every=1\"", "on_poweroff=\"preserve\""), txl.err());
        }
        List<String[]> running = txl.list();
        assertEquals(count, running.size(), txl.out());
        await("all 32 done", () -> txl.host().host().domains().stream()
                .allMatch(d -> d.life() == HostedDomain.Life.PRESERVED));
        List<String[]> rows = txl.list();
        assertEquals(count, rows.size());
        for (int i = 0; i < count; i++) {
            String[] row = rows.get(i);
            assertEquals("t" + i, row[0], "listed in id order");
            assertEquals(String.valueOf(txl.domain("t" + i).id()), row[1]);
            assertEquals("16", row[2]);
            assertEquals("---s--", row[4]);
            assertTrue(txl.consoleLog("t" + i).endsWith("ticker: tick " + (20 + i) + "\nticker: done after "
                    + (20 + i) + " ticks\n"), txl.consoleLog("t" + i));
        }
        for (int i = 0; i < count; i++) {
            destroyAndAudit("t" + i);
            assertFalse(txl.exists("t" + i));
        }
        assertNothingHeld();
    }
}
