package dev.trufflexen.dom0.xenstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.trufflexen.xen.log.HypervisorConsole;
import dev.trufflexen.xen.abi.XsWire;

/** The store's operations, permissions and quota through the protocol, as the toolstack and as domains. */
class XenstoredTreeTest {
    private Xenstored xenstored;
    private XenstoreClient toolstack;
    private XenstoreClient dom3;
    private XenstoreClient dom4;

    @BeforeEach
    void start() throws XsError {
        xenstored = Xenstored.start(new HypervisorConsole(null), new Quota(20, 64, 3, 2, 3, 8));
        toolstack = xenstored.toolstack();
        new DomainEntries(3, "three", 65536, 131072, 2, 0x100, 1, 0x101, 2).writeTo(toolstack);
        new DomainEntries(4, "four", 65536, 65536, 1, 0x200, 1, 0x201, 2).writeTo(toolstack);
        dom3 = xenstored.clientAs(3);
        dom4 = xenstored.clientAs(4);
    }

    @AfterEach
    void stop() {
        xenstored.close();
    }

    private static String errno(org.junit.jupiter.api.function.Executable call) {
        return assertThrows(XsError.class, call).errno();
    }

    @Test
    void theToolstackWritesTheDomainsEntries() throws XsError {
        assertEquals("three", dom3.read("name"));
        assertEquals("3", dom3.read("/local/domain/3/domid"));
        assertEquals("65536", dom3.read("memory/target"));
        assertEquals("131072", dom3.read("memory/static-max"));
        assertEquals(List.of("0", "1"), dom3.directory("cpu"));
        assertEquals("online", dom3.read("cpu/1/availability"));
        assertEquals(List.of(), dom3.directory("device"));
        assertEquals("n0 r3", toolstack.getPerms("/local/domain/3").toString());
        assertEquals("n3", toolstack.getPerms("/local/domain/3/control/shutdown").toString());
        assertTrue(dom3.directory("control").containsAll(List.of("shutdown", "feature-poweroff", "sysrq")));
        assertEquals("/local/domain/3", dom3.domainPath(3));
    }

    @Test
    void permissionsKeepDomainsApart() throws XsError {
        assertEquals("EACCES", errno(() -> dom4.read("/local/domain/3/name")));
        assertEquals("EACCES", errno(() -> dom3.write("name", "x")));
        assertEquals("EACCES", errno(() -> dom3.write("/local/x", "x")));
        assertEquals("EACCES", errno(() -> dom3.read("/local")));
        dom3.write("data/shared", "v");
        assertEquals("n3", dom3.getPerms("data/shared").toString(), "a domain owns what it creates");
        assertEquals("EACCES", errno(() -> dom4.read("/local/domain/3/data/shared")));
        dom3.setPerms("data/shared", Permissions.parse(List.of("n3", "r4")));
        assertEquals("v", dom4.read("/local/domain/3/data/shared"));
        assertEquals("EACCES", errno(() -> dom4.write("/local/domain/3/data/shared", "w")));
        assertEquals("EACCES", errno(() -> dom3.setPerms("data/shared", Permissions.parse(List.of("n4")))),
                "only the toolstack gives a node away");
        assertEquals("EINVAL", errno(() -> dom3.setPerms("data/shared", Permissions.parse(List.of("x3")))));
        assertEquals("v", toolstack.read("/local/domain/3/data/shared"), "the toolstack reads everything");
    }

    @Test
    void writeMkdirRmAndDirectoryFollowXen() throws XsError {
        dom3.write("data/a/b/c", "deep");
        assertEquals("", dom3.read("data/a/b"));
        assertEquals(List.of("b"), dom3.directory("data/a"));
        dom3.write("data/a/b", "kept");
        dom3.mkdir("data/a/b");
        assertEquals("kept", dom3.read("data/a/b"), "MKDIR leaves an existing value");
        dom3.rm("data/a");
        assertEquals("ENOENT", errno(() -> dom3.read("data/a/b/c")));
        dom3.rm("data/a");
        assertEquals("ENOENT", errno(() -> dom3.rm("data/a/b")), "RM with a missing parent");
        assertEquals("EINVAL", errno(() -> toolstack.rm("/")));
        for (String bad : List.of("data//x", "data/x/", "data/x y", "", "@special")) {
            assertEquals("EINVAL", errno(() -> dom3.write(bad, "v")), bad);
        }
        assertEquals("EINVAL", errno(() -> dom3.write("/" + "a".repeat(3100), "v")));
    }

    @Test
    void quotaBindsDomainsButNotTheToolstack() throws XsError {
        assertEquals("ENOSPC", errno(() -> dom3.write("data/big", "x".repeat(65))));
        dom3.write("data/fits", "x".repeat(64));
        toolstack.write("/local/domain/3/data/big", "x".repeat(3000));
        int created = 0;
        XsError refused = null;
        try {
            for (int i = 0; i < 40; i++) {
                dom3.write("data/n" + i, "");
                created++;
            }
        } catch (XsError e) {
            refused = e;
        }
        assertEquals("ENOSPC", refused == null ? null : refused.errno(), "node quota of 20");
        assertTrue(created < 20, "created " + created);
        assertEquals("ENOSPC", errno(() -> dom3.setPerms("data/fits", Permissions.parse(List.of("n3", "r1", "r2", "r4")))));
        dom3.watch("data/w1", "t");
        dom3.watch("data/w2", "t");
        dom3.watch("data/w3", "t");
        assertEquals("ENOSPC", errno(() -> dom3.watch("data/w4", "t")));
        dom3.transactionStart();
        dom3.transactionStart();
        assertEquals("ENOSPC", errno(() -> dom3.transactionStart()));
    }

    @Test
    void domainsMayNotUseTheToolstacksRequests() {
        for (int type : new int[] {XsWire.XS_INTRODUCE, XsWire.XS_RELEASE, XsWire.XS_CONTROL, XsWire.XS_SET_TARGET,
            XsWire.XS_RESUME}) {
            XsMessage reply = dom3.request(type, 0, XsMessage.nulTerminated("5", "1", "2"));
            assertEquals(XsWire.XS_ERROR, reply.type(), XsWire.typeName(type));
            assertEquals("EACCES", reply.text());
        }
        assertEquals("ENOSYS", dom3.request(77, 0, new byte[0]).text());
        assertEquals("EINVAL", dom3.request(XsWire.XS_READ, 0, new byte[0]).text());
        assertEquals("EINVAL", dom3.request(XsWire.XS_WRITE, 0, "data/x".getBytes()).text(), "WRITE without a nul");
        assertEquals("ENOENT", dom3.request(XsWire.XS_READ, 12345, XsMessage.nulTerminated("name")).text(),
                "unknown transaction");
    }

    @Test
    void directoryPartPagesALongList() throws XsError {
        for (int i = 0; i < 300; i++) {
            toolstack.write("/big/child-with-a-long-name-" + i, "");
        }
        XsMessage whole = toolstack.request(XsWire.XS_DIRECTORY, 0, XsMessage.nulTerminated("/big"));
        assertEquals("E2BIG", whole.text());
        java.util.List<String> names = new java.util.ArrayList<>();
        int offset = 0;
        String generation = null;
        while (true) {
            XsMessage part = toolstack.request(XsWire.XS_DIRECTORY_PART, 0, XsMessage.nulTerminated("/big", "" + offset));
            assertTrue(part.payload().length <= XsWire.XENSTORE_PAYLOAD_MAX);
            List<String> strings = part.strings();
            if (generation == null) {
                generation = strings.getFirst();
            }
            assertEquals(generation, strings.getFirst());
            List<String> chunk = strings.subList(1, strings.size());
            boolean last = !chunk.isEmpty() && chunk.getLast().isEmpty();
            for (String name : chunk) {
                if (!name.isEmpty()) {
                    names.add(name);
                    offset += name.length() + 1;
                }
            }
            if (last) {
                break;
            }
        }
        assertEquals(300, names.size());
        assertEquals("child-with-a-long-name-299", names.getLast());
    }
}
