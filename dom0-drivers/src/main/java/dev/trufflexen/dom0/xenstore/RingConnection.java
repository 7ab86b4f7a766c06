package dev.trufflexen.dom0.xenstore;

import static dev.trufflexen.xen.abi.XsWire.*;

import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;

import dev.trufflexen.xen.dom0.ForeignMemory;
import dev.trufflexen.xen.log.HypervisorConsole;
import dev.trufflexen.xen.abi.XsWire;

/**
 * A domain's connection through its xenstore ring page ({@code struct xenstore_domain_interface}).
 * Requests are read from the {@code req} ring in pieces as the guest produces them (a header, then
 * up to {@link XsWire#XENSTORE_PAYLOAD_MAX} bytes), replies and watch events written to the
 * {@code rsp} ring as space allows, the guest notified after each pass that moved an index.
 *
 * <p>The page is guest memory: each index is read once per step and checked. A producer more
 * than a ring's size ahead of its consumer sets the error word to {@code XENSTORE_ERROR_RINGIDX},
 * a header announcing more than the payload limit sets {@code XENSTORE_ERROR_PROTO}; either way
 * the connection's watches, transactions and queued output are dropped and the ring is not served
 * until the guest asks for a reconnect (connection word 1), which xenstored answers as
 * xenstore-ring.txt describes. A guest that stops reading its replies is not read from either
 * (at most {@link #BACKLOG} messages wait for it), and its watch events beyond its quota are
 * dropped, so no guest makes the daemon's memory grow.
 */
final class RingConnection extends Connection {
    /** Messages that may wait for room in the rsp ring before the daemon stops reading requests. */
    static final int BACKLOG = 16;

    private record Outgoing(byte[] bytes, boolean event) {
    }

    private final ForeignMemory.Page page;
    private final Runnable notifyGuest;
    private final RequestDispatcher dispatcher;
    private final HypervisorConsole log;
    private final int eventLimit;
    private final byte[] header = new byte[HEADER_SIZE];
    private int headerFill;
    private byte[] body;
    private int bodyFill;
    private final ArrayDeque<Outgoing> output = new ArrayDeque<>();
    private int outputOffset;
    private int queuedEvents;
    private long droppedEvents;
    private long requests;
    private int error = XENSTORE_ERROR_NONE;

    RingConnection(int domid, ForeignMemory.Page page, Runnable notifyGuest, RequestDispatcher dispatcher,
            HypervisorConsole log, int eventLimit) {
        super(domid, false);
        this.page = page;
        this.notifyGuest = notifyGuest;
        this.dispatcher = dispatcher;
        this.log = log;
        this.eventLimit = eventLimit;
        page.write32(OFF_SERVER_FEATURES, XENSTORE_SERVER_FEATURE_RECONNECTION | XENSTORE_SERVER_FEATURE_ERROR);
    }

    long requests() {
        return requests;
    }

    long droppedEvents() {
        return droppedEvents;
    }

    /** The error word this side set (0 while the connection is served). */
    int error() {
        return error;
    }

    /** The guest notified: a reconnect, new requests, or room in the rsp ring. */
    void service() {
        if (page.read32(OFF_CONNECTION) == XENSTORE_RECONNECT) {
            reconnect();
            return;
        }
        if (error != XENSTORE_ERROR_NONE) {
            return;
        }
        readRequests();
        flush();
    }

    private void readRequests() {
        boolean consumed = false;
        while (error == XENSTORE_ERROR_NONE && output.size() < BACKLOG) {
            int cons = page.read32(OFF_REQ_CONS);
            int prod = page.read32(OFF_REQ_PROD);
            VarHandle.acquireFence();
            int available = prod - cons;
            if (Integer.compareUnsigned(available, XENSTORE_RING_SIZE) > 0) {
                fail(XENSTORE_ERROR_RINGIDX, String.format("req ring indices cons=%d prod=%d are more than %d apart",
                        cons, prod, XENSTORE_RING_SIZE));
                return;
            }
            if (available == 0) {
                break;
            }
            int n;
            if (headerFill < HEADER_SIZE) {
                n = Math.min(available, HEADER_SIZE - headerFill);
                copyOutOfRing(cons, header, headerFill, n);
                headerFill += n;
            } else {
                n = Math.min(available, body.length - bodyFill);
                copyOutOfRing(cons, body, bodyFill, n);
                bodyFill += n;
            }
            VarHandle.releaseFence();
            page.write32(OFF_REQ_CONS, cons + n);
            consumed = true;
            if (headerFill == HEADER_SIZE && body == null) {
                int length = le(header, 12);
                if (Integer.compareUnsigned(length, XENSTORE_PAYLOAD_MAX) > 0) {
                    fail(XENSTORE_ERROR_PROTO, "request of " + Integer.toUnsignedString(length) + " bytes, the limit is "
                            + XENSTORE_PAYLOAD_MAX);
                    return;
                }
                body = new byte[length];
                bodyFill = 0;
            }
            if (body != null && bodyFill == body.length) {
                XsMessage request = new XsMessage(le(header, 0), le(header, 4), le(header, 8), body);
                headerFill = 0;
                body = null;
                requests++;
                dispatch(request);
            }
        }
        if (consumed) {
            notifyGuest.run();
        }
    }

    private void dispatch(XsMessage request) {
        try {
            dispatcher.handle(this, request);
        } catch (RuntimeException e) {
            log.log("xenstored: domain " + domid() + ": " + request.type() + " failed: " + e);
            send(XsMessage.of(XS_ERROR, request.reqId(), request.txId(), "EIO"));
        }
    }

    @Override
    void send(XsMessage message) {
        if (error == XENSTORE_ERROR_NONE) {
            output.add(new Outgoing(encode(message), false));
        }
    }

    @Override
    void sendEvent(XsMessage event) {
        if (error != XENSTORE_ERROR_NONE) {
            return;
        }
        if (queuedEvents >= eventLimit) {
            if (droppedEvents++ == 0) {
                log.log("xenstored: domain " + domid() + " reads no watch events; dropping those past " + eventLimit);
            }
            return;
        }
        queuedEvents++;
        output.add(new Outgoing(encode(event), true));
    }

    boolean hasOutput() {
        return !output.isEmpty();
    }

    /** Writes queued output into the rsp ring as far as it has room; notifies the guest if it wrote. */
    void flush() {
        boolean wrote = false;
        while (error == XENSTORE_ERROR_NONE && !output.isEmpty()) {
            int cons = page.read32(OFF_RSP_CONS);
            int prod = page.read32(OFF_RSP_PROD);
            VarHandle.acquireFence();
            int used = prod - cons;
            if (Integer.compareUnsigned(used, XENSTORE_RING_SIZE) > 0) {
                fail(XENSTORE_ERROR_RINGIDX, String.format("rsp ring indices cons=%d prod=%d are more than %d apart",
                        cons, prod, XENSTORE_RING_SIZE));
                return;
            }
            int space = XENSTORE_RING_SIZE - used;
            if (space == 0) {
                break;
            }
            Outgoing head = output.peek();
            int n = Math.min(space, head.bytes().length - outputOffset);
            copyIntoRing(prod, head.bytes(), outputOffset, n);
            VarHandle.releaseFence();
            page.write32(OFF_RSP_PROD, prod + n);
            wrote = true;
            outputOffset += n;
            if (outputOffset == head.bytes().length) {
                output.poll();
                outputOffset = 0;
                if (head.event()) {
                    queuedEvents--;
                }
            }
        }
        if (wrote) {
            notifyGuest.run();
        }
    }

    /** The guest asked for a fresh ring: everything of the old connection goes, indices restart at 0. */
    private void reconnect() {
        dropState();
        error = XENSTORE_ERROR_NONE;
        page.write32(OFF_REQ_CONS, 0);
        page.write32(OFF_REQ_PROD, 0);
        page.write32(OFF_RSP_CONS, 0);
        page.write32(OFF_RSP_PROD, 0);
        page.write32(OFF_ERROR, XENSTORE_ERROR_NONE);
        VarHandle.releaseFence();
        page.write32(OFF_CONNECTION, XENSTORE_CONNECTED);
        log.log("xenstored: domain " + domid() + " reconnected its ring");
        notifyGuest.run();
    }

    private void fail(int code, String why) {
        dropState();
        error = code;
        page.write32(OFF_ERROR, code);
        log.log("xenstored: domain " + domid() + " disconnected (error " + code + "): " + why);
        notifyGuest.run();
    }

    private void dropState() {
        reset();
        output.clear();
        outputOffset = 0;
        queuedEvents = 0;
        headerFill = 0;
        body = null;
    }

    private void copyOutOfRing(int from, byte[] into, int offset, int length) {
        int start = from & (XENSTORE_RING_SIZE - 1);
        int first = Math.min(length, XENSTORE_RING_SIZE - start);
        page.copyOut(OFF_REQ + start, into, offset, first);
        page.copyOut(OFF_REQ, into, offset + first, length - first);
    }

    private void copyIntoRing(int at, byte[] bytes, int offset, int length) {
        int start = at & (XENSTORE_RING_SIZE - 1);
        int first = Math.min(length, XENSTORE_RING_SIZE - start);
        page.copyIn(OFF_RSP + start, bytes, offset, first);
        page.copyIn(OFF_RSP, bytes, offset + first, length - first);
    }

    static byte[] encode(XsMessage message) {
        ByteBuffer out = ByteBuffer.allocate(HEADER_SIZE + message.payload().length).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(message.type()).putInt(message.reqId()).putInt(message.txId()).putInt(message.payload().length);
        out.put(message.payload());
        return out.array();
    }

    private static int le(byte[] bytes, int at) {
        return (bytes[at] & 0xff) | (bytes[at + 1] & 0xff) << 8 | (bytes[at + 2] & 0xff) << 16 | (bytes[at + 3] & 0xff) << 24;
    }
}
