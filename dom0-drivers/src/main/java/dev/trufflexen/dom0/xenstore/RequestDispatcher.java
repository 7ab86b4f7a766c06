package dev.trufflexen.dom0.xenstore;

import static dev.trufflexen.xen.abi.XsWire.*;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import dev.trufflexen.xen.abi.XsWire;

/**
 * Answers one request of one connection: parses its payload, runs it on the committed store or
 * the transaction its tx_id names, and returns the reply (or {@code XS_ERROR} with the errno's
 * name). Committed changes go to {@link WatchRegistry}. Requests only the toolstack may make
 * (INTRODUCE, RELEASE, RESUME, SET_TARGET, CONTROL) are refused to domains with {@code EACCES}.
 */
final class RequestDispatcher {
    private final CommittedStore store;
    private final TreeOperations tree;
    private final WatchRegistry watches;
    private final Quota quota;
    private final DomainDirectory domains;
    private Watch newWatch;

    /** What the dispatcher needs of the daemon's domain table. */
    interface DomainDirectory {
        boolean isIntroduced(int domid);
    }

    RequestDispatcher(CommittedStore store, Quota quota, WatchRegistry watches, DomainDirectory domains) {
        this.store = store;
        this.tree = new TreeOperations(quota);
        this.quota = quota;
        this.watches = watches;
        this.domains = domains;
    }

    /** Answers {@code request}: sends the reply to {@code conn}, then a new watch's first event. */
    void handle(Connection conn, XsMessage request) {
        XsMessage reply;
        try {
            reply = new XsMessage(request.type(), request.reqId(), request.txId(), answer(conn, request));
        } catch (XsError e) {
            reply = XsMessage.of(XS_ERROR, request.reqId(), request.txId(), e.errno());
        }
        conn.send(reply);
        if (newWatch != null) {
            watches.fireInitial(conn, newWatch);
            newWatch = null;
        }
    }

    private byte[] answer(Connection conn, XsMessage request) throws XsError {
        Caller caller = conn.caller;
        List<String> args = request.strings();
        switch (request.type()) {
            case XS_READ -> {
                return tree.read(view(conn, request), caller, path(conn, args, 0));
            }
            case XS_DIRECTORY -> {
                List<String> children = tree.directory(view(conn, request), caller, path(conn, args, 0));
                byte[] payload = XsMessage.nulTerminated(children.toArray(String[]::new));
                if (payload.length > XENSTORE_PAYLOAD_MAX) {
                    throw new XsError("E2BIG", "directory listing of " + payload.length + " bytes");
                }
                return payload;
            }
            case XS_DIRECTORY_PART -> {
                return tree.directoryPart(view(conn, request), caller, path(conn, args, 0), number(args, 1));
            }
            case XS_GET_PERMS -> {
                return ok(tree.getPerms(view(conn, request), caller, path(conn, args, 0)).texts());
            }
            case XS_WRITE -> {
                String path = path(conn, args, 0);
                int split = indexOfNul(request.payload());
                byte[] value = Arrays.copyOfRange(request.payload(), split + 1, request.payload().length);
                modify(conn, request, changes -> tree.write(view(conn, request), caller, path, value, changes));
                return ok();
            }
            case XS_MKDIR -> {
                String path = path(conn, args, 0);
                modify(conn, request, changes -> tree.mkdir(view(conn, request), caller, path, changes));
                return ok();
            }
            case XS_RM -> {
                String path = path(conn, args, 0);
                modify(conn, request, changes -> tree.rm(view(conn, request), caller, path, changes));
                return ok();
            }
            case XS_SET_PERMS -> {
                String path = path(conn, args, 0);
                Permissions perms = Permissions.parse(args.subList(1, args.size()));
                modify(conn, request, changes -> tree.setPerms(view(conn, request), caller, path, perms, changes));
                return ok();
            }
            case XS_WATCH -> {
                watch(conn, args);
                return ok();
            }
            case XS_UNWATCH -> {
                String path = XsPath.canonicalWatch(conn.domid(), string(args, 0));
                String token = string(args, 1);
                if (!conn.watches.removeIf(w -> w.path().equals(path) && w.token().equals(token))) {
                    throw XsError.noEntry(path);
                }
                return ok();
            }
            case XS_RESET_WATCHES -> {
                conn.reset();
                return ok();
            }
            case XS_TRANSACTION_START -> {
                if (request.txId() != 0) {
                    throw XsError.invalid("TRANSACTION_START inside a transaction");
                }
                if (!caller.privileged() && conn.transactions.size() >= quota.transactions()) {
                    throw XsError.quota("more than " + quota.transactions() + " open transactions");
                }
                int id = conn.openTransaction(new Transaction(store));
                return ok(List.of(Integer.toUnsignedString(id)));
            }
            case XS_TRANSACTION_END -> {
                endTransaction(conn, request, string(args, 0));
                return ok();
            }
            case XS_GET_DOMAIN_PATH -> {
                return ok(List.of(XsPath.domainPath(domid(args, 0))));
            }
            case XS_IS_DOMAIN_INTRODUCED -> {
                return ok(List.of(domains.isIntroduced(domid(args, 0)) ? "T" : "F"));
            }
            case XS_INTRODUCE, XS_RELEASE, XS_RESUME, XS_SET_TARGET, XS_CONTROL -> {
                if (!caller.privileged()) {
                    throw XsError.denied(XsWire.typeName(request.type()) + " is for the toolstack");
                }
                throw new XsError("ENOSYS", "the toolstack introduces and releases domains through the host");
            }
            default -> throw new XsError("ENOSYS", "unknown message type " + Integer.toUnsignedString(request.type()));
        }
    }

    private interface Modification {
        void apply(List<Change> changes) throws XsError;
    }

    /** Runs a modification; outside a transaction its changes fire watches at once, inside at commit. */
    private void modify(Connection conn, XsMessage request, Modification modification) throws XsError {
        Transaction tx = transaction(conn, request);
        if (tx != null) {
            modification.apply(tx.changes());
            return;
        }
        List<Change> changes = new ArrayList<>();
        modification.apply(changes);
        watches.fire(changes);
    }

    private void endTransaction(Connection conn, XsMessage request, String verdict) throws XsError {
        Transaction tx = transaction(conn, request);
        if (tx == null) {
            throw XsError.invalid("TRANSACTION_END outside a transaction");
        }
        if (!verdict.equals("T") && !verdict.equals("F")) {
            throw XsError.invalid("TRANSACTION_END needs T or F");
        }
        conn.transactions.remove(request.txId());
        if (verdict.equals("F")) {
            return;
        }
        if (tx.conflicts()) {
            throw new XsError("EAGAIN", "a node the transaction used changed meanwhile");
        }
        tx.applyTo(store);
        watches.fire(tx.changes());
    }

    private void watch(Connection conn, List<String> args) throws XsError {
        String given = string(args, 0);
        String token = string(args, 1);
        String path = XsPath.canonicalWatch(conn.domid(), given);
        for (Watch w : conn.watches) {
            if (w.path().equals(path) && w.token().equals(token)) {
                throw new XsError("EEXIST", "watch exists");
            }
        }
        if (!conn.caller.privileged() && conn.watches.size() >= quota.watches()) {
            throw XsError.quota("more than " + quota.watches() + " watches");
        }
        boolean relative = !given.startsWith("/") && !given.startsWith("@");
        Watch watch = new Watch(path, token, relative ? XsPath.domainPath(conn.domid()) : null);
        conn.watches.add(watch);
        newWatch = watch;
    }

    private NodeView view(Connection conn, XsMessage request) throws XsError {
        Transaction tx = transaction(conn, request);
        return tx == null ? store : tx;
    }

    private static Transaction transaction(Connection conn, XsMessage request) throws XsError {
        if (request.txId() == 0) {
            return null;
        }
        Transaction tx = conn.transactions.get(request.txId());
        if (tx == null) {
            throw XsError.noEntry("transaction " + Integer.toUnsignedString(request.txId()));
        }
        return tx;
    }

    private static String path(Connection conn, List<String> args, int index) throws XsError {
        return XsPath.canonical(conn.domid(), string(args, index));
    }

    private static String string(List<String> args, int index) throws XsError {
        if (index >= args.size()) {
            throw XsError.invalid("missing argument " + (index + 1));
        }
        return args.get(index);
    }

    private static int number(List<String> args, int index) throws XsError {
        String text = string(args, index);
        if (!text.matches("[0-9]{1,9}")) {
            throw XsError.invalid("not a number: " + XsPath.printable(text));
        }
        return Integer.parseInt(text);
    }

    private static int domid(List<String> args, int index) throws XsError {
        int domid = number(args, index);
        if (domid > 0xffff) {
            throw XsError.invalid("domid " + domid + " out of range");
        }
        return domid;
    }

    private static int indexOfNul(byte[] payload) throws XsError {
        for (int i = 0; i < payload.length; i++) {
            if (payload[i] == 0) {
                return i;
            }
        }
        throw XsError.invalid("WRITE without a nul after the path");
    }

    private static byte[] ok() {
        return "OK\0".getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] ok(List<String> strings) {
        return XsMessage.nulTerminated(strings.toArray(String[]::new));
    }
}
