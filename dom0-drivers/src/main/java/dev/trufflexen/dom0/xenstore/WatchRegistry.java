package dev.trufflexen.dom0.xenstore;

import java.util.List;
import java.util.function.Supplier;
import dev.trufflexen.xen.abi.XsWire;

/**
 * Delivers committed changes to every connection's matching watches as {@code WATCH_EVENT}
 * messages ({@code <epath>|<token>|}, req_id and tx_id 0), only to connections that may read the
 * changed node; the special {@code @introduceDomain} and {@code @releaseDomain} events go to
 * every connection watching them.
 */
final class WatchRegistry {
    private final Supplier<List<Connection>> connections;

    WatchRegistry(Supplier<List<Connection>> connections) {
        this.connections = connections;
    }

    void fire(List<Change> changes) {
        for (Change change : changes) {
            for (Connection conn : connections.get()) {
                if (!TreeOperations.canRead(conn.caller, change.perms())) {
                    continue;
                }
                for (Watch watch : conn.watches) {
                    String epath = watch.eventPath(change);
                    if (epath != null) {
                        conn.sendEvent(event(epath, watch.token()));
                    }
                }
            }
        }
    }

    /** A special event: {@code @introduceDomain} or {@code @releaseDomain}. */
    void fireSpecial(String special) {
        for (Connection conn : connections.get()) {
            for (Watch watch : conn.watches) {
                if (watch.path().equals(special)) {
                    conn.sendEvent(event(special, watch.token()));
                }
            }
        }
    }

    /** The event a new watch fires straight away, with its own path. */
    void fireInitial(Connection conn, Watch watch) {
        conn.sendEvent(event(watch.clientPath(watch.path()), watch.token()));
    }

    private static XsMessage event(String path, String token) {
        return XsMessage.of(XsWire.XS_WATCH_EVENT, 0, 0, path, token);
    }
}
