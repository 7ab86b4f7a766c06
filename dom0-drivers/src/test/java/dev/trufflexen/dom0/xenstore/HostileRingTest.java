package dev.trufflexen.dom0.xenstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.trufflexen.xen.GuestImages;
import dev.trufflexen.xen.XenHypervisor;
import dev.trufflexen.xen.dom0.ForeignMemory;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.DomainSpec;
import dev.trufflexen.xen.abi.XsWire;

/**
 * A guest's ring page written as a hostile guest could (this test writes the page of a domain
 * that never runs): requests split at every byte, garbage, floods of watch events it never
 * reads, bad indices and oversized headers. The daemon answers, drops or disconnects; it never
 * throws, and it keeps serving others.
 */
class HostileRingTest {
    private XenHypervisor xen;
    private Xenstored xenstored;
    private Domain domain;
    private ForeignMemory.Page page;
    private int prod;

    @BeforeEach
    void start() throws XsError {
        xen = XenHypervisor.create(new XenHypervisor.Options(false, false, null, 128));
        xenstored = Xenstored.start(xen.console());
        domain = xen.createDomain(DomainSpec.of("hostile", GuestImages.kernel("hello"), 16, ""));
        new DomainEntries(domain.id(), "hostile", 16384, 16384, 1, domain.consoleMfn(), domain.consolePort(),
                domain.xenstoreMfn(), domain.xenstorePort()).writeTo(xenstored.toolstack());
        xenstored.introduce(domain);
        page = ForeignMemory.map(domain, domain.xenstoreMfn());
    }

    @AfterEach
    void stop() {
        domain.release();
        xenstored.close();
        xen.close();
    }

    private void push(byte[] bytes, int from, int length) {
        for (int i = 0; i < length; i++) {
            page.copyIn(XsWire.OFF_REQ + ((prod + i) & (XsWire.XENSTORE_RING_SIZE - 1)), bytes, from + i, 1);
        }
        prod += length;
        page.write32(XsWire.OFF_REQ_PROD, prod);
    }

    private static byte[] request(int type, int reqId, String... strings) {
        return RingConnection.encode(XsMessage.of(type, reqId, 0, strings));
    }

    /** Reads everything in the rsp ring, as the guest would, and returns it. */
    private byte[] drainReplies() {
        int cons = page.read32(XsWire.OFF_RSP_CONS);
        int rprod = page.read32(XsWire.OFF_RSP_PROD);
        byte[] out = new byte[rprod - cons];
        for (int i = 0; i < out.length; i++) {
            page.copyOut(XsWire.OFF_RSP + ((cons + i) & (XsWire.XENSTORE_RING_SIZE - 1)), out, i, 1);
        }
        page.write32(XsWire.OFF_RSP_CONS, rprod);
        return out;
    }

    @Test
    void aRequestFedOneByteAtATimeIsAnswered() {
        byte[] read = request(XsWire.XS_READ, 7, "name");
        for (int i = 0; i < read.length; i++) {
            push(read, i, 1);
            xenstored.serviceRing(domain.id());
        }
        ByteBuffer reply = ByteBuffer.wrap(drainReplies()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(XsWire.XS_READ, reply.getInt());
        assertEquals(7, reply.getInt());
        reply.getInt();
        assertEquals(7, reply.getInt());
        assertEquals(1, xenstored.requestsFrom(domain.id()));
    }

    @Test
    void garbageGetsErrorsOrADisconnectNeverAnException() throws XsError {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            byte[] junk = new byte[16 + random.nextInt(200)];
            random.nextBytes(junk);
            ByteBuffer.wrap(junk).order(ByteOrder.LITTLE_ENDIAN).putInt(12, random.nextInt(300));
            if (round % 3 == 0) {
                ByteBuffer.wrap(junk).order(ByteOrder.LITTLE_ENDIAN).putInt(0, random.nextInt(24));
            }
            int room = XsWire.XENSTORE_RING_SIZE - (prod - page.read32(XsWire.OFF_REQ_CONS));
            push(junk, 0, Math.min(room, junk.length));
            xenstored.serviceRing(domain.id());
            drainReplies();
            if (xenstored.ringError(domain.id()) != 0) {
                break;
            }
        }
        assertTrue(xenstored.requestsFrom(domain.id()) > 0);
        assertEquals("hostile", xenstored.toolstack().read("/local/domain/" + domain.id() + "/name"),
                "the daemon keeps serving");
    }

    @Test
    void badIndicesAndOversizedHeadersDisconnectUntilTheGuestReconnects() {
        page.write32(XsWire.OFF_REQ_PROD, page.read32(XsWire.OFF_REQ_CONS) + 4096);
        xenstored.serviceRing(domain.id());
        assertEquals(XsWire.XENSTORE_ERROR_RINGIDX, page.read32(XsWire.OFF_ERROR));
        reconnect();
        ByteBuffer header = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(XsWire.XS_READ).putInt(1).putInt(0).putInt(XsWire.XENSTORE_PAYLOAD_MAX + 1);
        push(header.array(), 0, 16);
        xenstored.serviceRing(domain.id());
        assertEquals(XsWire.XENSTORE_ERROR_PROTO, page.read32(XsWire.OFF_ERROR));
        byte[] read = request(XsWire.XS_READ, 9, "name");
        push(read, 0, read.length);
        xenstored.serviceRing(domain.id());
        assertEquals(0, drainReplies().length, "not served while disconnected");
        reconnect();
        push(read, 0, read.length);
        xenstored.serviceRing(domain.id());
        assertEquals(16 + "hostile".length(), drainReplies().length);
    }

    @Test
    void watchEventsAGuestNeverReadsAreBoundedAndRequestsWaitForRoom() throws XsError {
        byte[] watch = request(XsWire.XS_WATCH, 1, "data", "t");
        push(watch, 0, watch.length);
        xenstored.serviceRing(domain.id());
        XenstoreClient toolstack = xenstored.toolstack();
        for (int i = 0; i < 3000; i++) {
            toolstack.write("/local/domain/" + domain.id() + "/data/n", Integer.toString(i));
        }
        int rsp = page.read32(XsWire.OFF_RSP_PROD) - page.read32(XsWire.OFF_RSP_CONS);
        assertEquals(XsWire.XENSTORE_RING_SIZE, rsp, "the rsp ring is full, the rest waits");
        int consBefore = page.read32(XsWire.OFF_REQ_CONS);
        byte[] read = request(XsWire.XS_READ, 2, "name");
        for (int i = 0; i < 40; i++) {
            push(read, 0, read.length);
            xenstored.serviceRing(domain.id());
        }
        int consumed = page.read32(XsWire.OFF_REQ_CONS) - consBefore;
        assertTrue(consumed < 40 * read.length, "a guest that reads no replies is not read from without end: " + consumed);
        long total = 0;
        for (int i = 0; i < 2000 && (total == 0 || page.read32(XsWire.OFF_RSP_PROD) != page.read32(XsWire.OFF_RSP_CONS)); i++) {
            total += drainReplies().length;
            xenstored.serviceRing(domain.id());
        }
        assertTrue(total > 0);
        assertEquals(0, xenstored.ringError(domain.id()));
    }

    private void reconnect() {
        page.write32(XsWire.OFF_CONNECTION, XsWire.XENSTORE_RECONNECT);
        xenstored.serviceRing(domain.id());
        assertEquals(XsWire.XENSTORE_CONNECTED, page.read32(XsWire.OFF_CONNECTION));
        assertEquals(0, page.read32(XsWire.OFF_ERROR));
        prod = 0;
    }
}
