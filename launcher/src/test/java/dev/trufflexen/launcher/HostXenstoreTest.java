package dev.trufflexen.launcher;

import static dev.trufflexen.launcher.HostTxl.await;
import static dev.trufflexen.launcher.HostTxl.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host's xenstored with a real guest: the domain's entries as libxl writes them,
 * {@code txl xenstore-ls/read/write}, {@code mem-set} writing memory/target, and
 * {@code txl shutdown} asking a guest that watches control/shutdown, which powers itself off;
 * a guest that does not watch it is shut down from the hypervisor side as before.
 */
class HostXenstoreTest {
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

    private String read(String path) {
        return txl.run("xenstore-read", path) == 0 ? txl.out().strip() : null;
    }

    @Test
    void shutdownAndMemSetGoThroughXenstoreToAGuestThatListens() throws Exception {
        assertEquals(0, txl.run("create", config("xenstore")), txl.err());
        int id = txl.domain("xsguest").id();
        String dom = "/local/domain/" + id;
        await("the guest wrote data/ready", () -> "1".equals(read(dom + "/data/ready")));

        assertEquals(0, txl.run("xenstore-ls", dom), txl.err());
        String listing = txl.out();
        assertTrue(listing.contains("\nname = \"xsguest\"\n") || listing.startsWith("name = \"xsguest\"\n"), listing);
        assertTrue(listing.contains("\nmemory = \"\"\n target = \"32768\"\n") || listing.contains(" target = \"32768\""), listing);
        assertTrue(listing.contains("\ncpu = \"\"\n 0 = \"\"\n  availability = \"online\"\n"), listing);
        assertEquals("hello", read(dom + "/data/greeting"));

        assertEquals(0, txl.run("mem-set", "xsguest", "24"), txl.err());
        assertEquals("24576", read(dom + "/memory/target"));
        assertEquals(0, txl.run("xenstore-write", dom + "/data/from-host", "x"), txl.err());
        assertEquals("x", read(dom + "/data/from-host"));
        assertTrue(txl.run("xenstore-read", dom + "/data/none") != 0);
        assertTrue(txl.err().contains("ENOENT"), txl.err());

        assertEquals(0, txl.run("shutdown", "-w", "xsguest"), txl.err());
        await("on_poweroff destroy", () -> !txl.exists("xsguest"));
        String console = Files.readString(txl.host().host().settings().paths().consoleLog("xsguest"));
        assertTrue(console.contains("the toolstack asks for poweroff"), console);
        assertTrue(console.matches("(?s).*\\n\\d+ passed, 0 failed.*"), console);
        assertTrue(txl.run("xenstore-read", dom + "/name") != 0, "the domain's nodes went with it");
    }

    @Test
    void aGuestThatDoesNotListenIsShutDownByTheHypervisor() throws Exception {
        assertEquals(0, txl.run("create", config("ticker")), txl.err());
        int id = txl.domain("ticker").id();
        assertEquals("ticker", read("/local/domain/" + id + "/name"));
        assertEquals(0, txl.run("shutdown", "-w", "ticker"), txl.err());
        await("on_poweroff destroy", () -> !txl.exists("ticker"));
    }
}
