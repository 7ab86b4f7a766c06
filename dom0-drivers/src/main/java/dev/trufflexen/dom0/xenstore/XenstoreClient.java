package dev.trufflexen.dom0.xenstore;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import dev.trufflexen.xen.abi.XsWire;

/**
 * A client of xenstored in the host process, speaking the same messages a ring carries (what
 * libxenstore gives xl): the toolstack's privileged client, or an unprivileged one acting as a
 * domain. Refusals come back as {@link XsError} with the errno's name; watch events queue until
 * {@link #takeEvents()}.
 */
public final class XenstoreClient {
    private final Xenstored daemon;
    private final LocalConnection conn;
    private final java.util.concurrent.atomic.AtomicInteger nextRequest = new java.util.concurrent.atomic.AtomicInteger(1);

    XenstoreClient(Xenstored daemon, LocalConnection conn) {
        this.daemon = daemon;
        this.conn = conn;
    }

    /** Sends one request and returns its reply; XS_ERROR replies are returned too. */
    public XsMessage request(int type, int txId, byte[] payload) {
        return daemon.handleLocal(conn, new XsMessage(type, nextRequest.getAndIncrement(), txId, payload));
    }

    private XsMessage call(int type, int txId, String... args) throws XsError {
        return checked(request(type, txId, XsMessage.nulTerminated(args)));
    }

    private static XsMessage checked(XsMessage reply) throws XsError {
        if (reply.type() == XsWire.XS_ERROR) {
            throw new XsError(reply.text(), "refused");
        }
        return reply;
    }

    public String read(String path) throws XsError {
        return read(0, path);
    }

    public String read(int txId, String path) throws XsError {
        return new String(call(XsWire.XS_READ, txId, path).payload(), StandardCharsets.ISO_8859_1);
    }

    public void write(String path, String value) throws XsError {
        write(0, path, value);
    }

    public void write(int txId, String path, String value) throws XsError {
        byte[] head = XsMessage.nulTerminated(path);
        byte[] body = value.getBytes(StandardCharsets.ISO_8859_1);
        byte[] payload = new byte[head.length + body.length];
        System.arraycopy(head, 0, payload, 0, head.length);
        System.arraycopy(body, 0, payload, head.length, body.length);
        checked(request(XsWire.XS_WRITE, txId, payload));
    }

    public void mkdir(String path) throws XsError {
        call(XsWire.XS_MKDIR, 0, path);
    }

    public void rm(String path) throws XsError {
        rm(0, path);
    }

    public void rm(int txId, String path) throws XsError {
        call(XsWire.XS_RM, txId, path);
    }

    public List<String> directory(String path) throws XsError {
        return call(XsWire.XS_DIRECTORY, 0, path).strings();
    }

    public Permissions getPerms(String path) throws XsError {
        return Permissions.parse(call(XsWire.XS_GET_PERMS, 0, path).strings());
    }

    public void setPerms(String path, Permissions perms) throws XsError {
        List<String> args = new ArrayList<>();
        args.add(path);
        args.addAll(perms.texts());
        call(XsWire.XS_SET_PERMS, 0, args.toArray(String[]::new));
    }

    public void watch(String path, String token) throws XsError {
        call(XsWire.XS_WATCH, 0, path, token);
    }

    public void unwatch(String path, String token) throws XsError {
        call(XsWire.XS_UNWATCH, 0, path, token);
    }

    public int transactionStart() throws XsError {
        return Integer.parseUnsignedInt(call(XsWire.XS_TRANSACTION_START, 0, "").strings().getFirst());
    }

    public void transactionEnd(int txId, boolean commit) throws XsError {
        call(XsWire.XS_TRANSACTION_END, txId, commit ? "T" : "F");
    }

    public String domainPath(int domid) throws XsError {
        return call(XsWire.XS_GET_DOMAIN_PATH, 0, Integer.toString(domid)).strings().getFirst();
    }

    /** The watch events that arrived since the last call, each as {@code [path, token]}. */
    public List<List<String>> takeEvents() {
        return daemon.takeEvents(conn);
    }

    /** The value at {@code path}, or {@code fallback} when it does not exist or cannot be read. */
    public String readOr(String path, String fallback) {
        try {
            return read(path);
        } catch (XsError e) {
            return fallback;
        }
    }
}
