package dev.trufflexen.dom0.xenstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.trufflexen.xen.log.HypervisorConsole;
import dev.trufflexen.xen.abi.XsWire;

/** Watches and transactions: first events, relative paths, removal, readability, commit and conflicts. */
class XenstoredWatchTest {
    private Xenstored xenstored;
    private XenstoreClient toolstack;
    private XenstoreClient dom3;
    private XenstoreClient dom4;

    @BeforeEach
    void start() throws XsError {
        xenstored = Xenstored.start(new HypervisorConsole(null));
        toolstack = xenstored.toolstack();
        new DomainEntries(3, "three", 65536, 65536, 1, 0x100, 1, 0x101, 2).writeTo(toolstack);
        new DomainEntries(4, "four", 65536, 65536, 1, 0x200, 1, 0x201, 2).writeTo(toolstack);
        dom3 = xenstored.clientAs(3);
        dom4 = xenstored.clientAs(4);
    }

    @AfterEach
    void stop() {
        xenstored.close();
    }

    @Test
    void aWatchFiresAtOnceThenForChangesBelowIt() throws XsError {
        dom3.watch("control/shutdown", "shut");
        assertEquals(List.of(List.of("control/shutdown", "shut")), dom3.takeEvents(), "the first event, relative");
        toolstack.write("/local/domain/3/control/shutdown", "poweroff");
        assertEquals(List.of(List.of("control/shutdown", "shut")), dom3.takeEvents());
        toolstack.write("/local/domain/3/control/sysrq", "b");
        assertEquals(List.of(), dom3.takeEvents(), "a sibling is not below the watch");
        toolstack.watch("/local/domain/3", "all");
        toolstack.takeEvents();
        dom3.write("data/x/y", "1");
        assertEquals(List.of(List.of("/local/domain/3/data/x/y", "all")), toolstack.takeEvents());
        dom3.unwatch("control/shutdown", "shut");
        toolstack.write("/local/domain/3/control/shutdown", "reboot");
        assertEquals(List.of(), dom3.takeEvents());
    }

    @Test
    void removingAnAncestorReportsTheWatchedPath() throws XsError {
        dom3.write("data/a/b/c", "v");
        dom3.watch("/local/domain/3/data/a/b/c", "deep");
        dom3.takeEvents();
        dom3.rm("data/a");
        assertEquals(List.of(List.of("/local/domain/3/data/a/b/c", "deep")), dom3.takeEvents());
    }

    @Test
    void eventsGoOnlyToDomainsThatMayReadTheNode() throws XsError {
        dom4.watch("/local/domain/3", "spy");
        dom4.takeEvents();
        dom3.write("data/secret", "s");
        assertEquals(List.of(), dom4.takeEvents());
        dom3.setPerms("data/secret", Permissions.parse(List.of("n3", "r4")));
        assertEquals(List.of(List.of("/local/domain/3/data/secret", "spy")), dom4.takeEvents());
    }

    @Test
    void specialWatchesHearOfIntroductionAndRelease() throws XsError {
        toolstack.watch("@releaseDomain", "rel");
        assertEquals(List.of(List.of("@releaseDomain", "rel")), toolstack.takeEvents());
        assertEquals("EINVAL", assertThrows(XsError.class, () -> toolstack.read("@releaseDomain")).errno());
    }

    @Test
    void transactionsCommitAtomicallyAndConflictsGetEagain() throws XsError {
        dom3.watch("data", "d");
        dom3.takeEvents();
        int tx = dom3.transactionStart();
        dom3.write(tx, "data/t1", "a");
        dom3.write(tx, "data/t2", "b");
        assertEquals("ENOENT", assertThrows(XsError.class, () -> dom3.read("data/t1")).errno());
        assertEquals("a", dom3.read(tx, "data/t1"));
        assertEquals(List.of(), dom3.takeEvents(), "no events before the commit");
        dom3.transactionEnd(tx, true);
        assertEquals("b", dom3.read("data/t2"));
        assertEquals(List.of(List.of("data/t1", "d"), List.of("data/t2", "d")), dom3.takeEvents());

        int first = dom3.transactionStart();
        int second = dom3.transactionStart();
        dom3.read(first, "data/t1");
        dom3.write(second, "data/t1", "from second");
        dom3.write(first, "data/t1", "from first");
        dom3.transactionEnd(second, true);
        assertEquals("EAGAIN", assertThrows(XsError.class, () -> dom3.transactionEnd(first, true)).errno());
        assertEquals("from second", dom3.read("data/t1"));

        int unrelated = dom3.transactionStart();
        dom3.write(unrelated, "data/t3", "c");
        toolstack.write("/local/domain/4/data/elsewhere", "x");
        dom3.transactionEnd(unrelated, true);
        assertEquals("c", dom3.read("data/t3"), "a write elsewhere does not conflict");

        int removed = dom3.transactionStart();
        dom3.rm(removed, "data/t3");
        dom3.transactionEnd(removed, false);
        assertEquals("c", dom3.read("data/t3"), "an aborted transaction changes nothing");
        assertEquals("ENOENT", assertThrows(XsError.class, () -> dom3.transactionEnd(removed, true)).errno());
    }

    @Test
    void resetWatchesDropsWatchesAndTransactions() throws XsError {
        dom3.watch("data", "d");
        int tx = dom3.transactionStart();
        dom3.request(XsWire.XS_RESET_WATCHES, 0, new byte[] {0});
        dom3.takeEvents();
        dom3.write("data/x", "1");
        assertEquals(List.of(), dom3.takeEvents());
        assertEquals("ENOENT", assertThrows(XsError.class, () -> dom3.transactionEnd(tx, true)).errno());
    }
}
