package dev.trufflexen.dom0.xenstore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.trufflexen.xen.dom0.EventChannelHandle;
import dev.trufflexen.xen.dom0.ForeignMemory;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.log.HypervisorConsole;

/**
 * The host's xenstore daemon: one store for every domain, each domain connected through its
 * ring page and event channel once the toolstack {@link #introduce introduces} it, and the
 * toolstack itself as a privileged in-process client ({@link #toolstack()}). One thread serves
 * every ring, woken by the guests' notifications; all requests run under the daemon's lock,
 * one at a time, as in Xen's xenstored. See the package essay.
 */
public final class Xenstored implements AutoCloseable {
    private final HypervisorConsole log;
    private final Quota quota;
    private final CommittedStore store = new CommittedStore();
    private final List<Connection> connections = new ArrayList<>();
    private final Map<Integer, RingConnection> rings = new HashMap<>();
    private final Map<Integer, RingConnection> byLocalPort = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> localPortOf = new HashMap<>();
    private final WatchRegistry watches = new WatchRegistry(() -> connections);
    private final RequestDispatcher dispatcher;
    private final EventChannelHandle evtchn = EventChannelHandle.open();
    private final Thread service;
    private XenstoreClient toolstack;

    private Xenstored(HypervisorConsole log, Quota quota) {
        this.log = log;
        this.quota = quota;
        this.dispatcher = new RequestDispatcher(store, quota, watches, this::isIntroduced);
        this.service = new Thread(this::serve, "xenstored");
        service.setDaemon(true);
    }

    /** Starts a daemon with Xen's default quota; its log lines go to {@code log}. */
    public static Xenstored start(HypervisorConsole log) {
        return start(log, Quota.DEFAULT);
    }

    public static Xenstored start(HypervisorConsole log, Quota quota) {
        Xenstored daemon = new Xenstored(log, quota);
        synchronized (daemon) {
            daemon.store.put("/local", new Node(new byte[0], Permissions.owned(0, Permissions.Access.NONE), List.of("domain"), 0));
            daemon.store.put("/local/domain", new Node(new byte[0], Permissions.owned(0, Permissions.Access.NONE), List.of(), 0));
            Node root = daemon.store.get("/");
            daemon.store.put("/", root.withChild("local", 0));
        }
        daemon.service.start();
        return daemon;
    }

    /**
     * The toolstack's privileged client (dom0's libxenstore): one connection, shared by every
     * caller in the host (each request runs under the daemon's lock), so its watch events queue
     * in one place, at most the quota's number of them.
     */
    public synchronized XenstoreClient toolstack() {
        if (toolstack == null) {
            toolstack = client(0, true);
        }
        return toolstack;
    }

    /** An unprivileged client acting as domain {@code domid}, with that domain's checks and quota. */
    public synchronized XenstoreClient clientAs(int domid) {
        return client(domid, false);
    }

    private XenstoreClient client(int domid, boolean privileged) {
        LocalConnection conn = new LocalConnection(domid, privileged, quota.queuedEvents());
        connections.add(conn);
        return new XenstoreClient(this, conn);
    }

    synchronized XsMessage handleLocal(LocalConnection conn, XsMessage request) {
        dispatcher.handle(conn, request);
        flushRings();
        return conn.takeReply();
    }

    synchronized List<List<String>> takeEvents(LocalConnection conn) {
        List<List<String>> events = new ArrayList<>();
        XsMessage event;
        while ((event = conn.takeEvent()) != null) {
            events.add(event.strings());
        }
        return events;
    }

    /**
     * INTRODUCE: connects {@code domain}'s xenstore ring (start_info's store_mfn and store_evtchn)
     * and fires {@code @introduceDomain}. The domain is released when it stops.
     */
    public void introduce(Domain domain) {
        int domid = domain.id();
        ForeignMemory.Page page = ForeignMemory.map(domain, domain.xenstoreMfn());
        synchronized (this) {
            if (rings.containsKey(domid)) {
                throw new IllegalStateException("domain " + domid + " is already introduced");
            }
            int localPort = evtchn.bindInterdomain(domain, domain.xenstorePort());
            RingConnection ring = new RingConnection(domid, page, () -> notifyPort(localPort), dispatcher, log,
                    quota.queuedEvents());
            rings.put(domid, ring);
            localPortOf.put(domid, localPort);
            byLocalPort.put(localPort, ring);
            connections.add(ring);
            watches.fireSpecial("@introduceDomain");
            flushRings();
        }
        domain.onStop(() -> release(domid));
    }

    /**
     * RELEASE (and what xenstored does when a domain dies): disconnects the ring, removes the
     * domain's {@code /local/domain/N} subtree, fires {@code @releaseDomain}. Nothing for a
     * domain that is not introduced.
     */
    public synchronized void release(int domid) {
        RingConnection ring = rings.remove(domid);
        if (ring == null) {
            return;
        }
        int localPort = localPortOf.remove(domid);
        byLocalPort.remove(localPort);
        connections.remove(ring);
        evtchn.unbind(localPort);
        List<Change> changes = new ArrayList<>();
        try {
            new TreeOperations(quota).rm(store, new Caller(0, true), XsPath.domainPath(domid), changes);
        } catch (XsError e) {
            log.log("xenstored: cannot remove the path of domain " + domid + ": " + e.getMessage());
        }
        watches.fire(changes);
        watches.fireSpecial("@releaseDomain");
        flushRings();
    }

    public synchronized boolean isIntroduced(int domid) {
        return rings.containsKey(domid);
    }

    /** Whether domain {@code domid} has a watch covering the absolute {@code path} (it listens there). */
    public synchronized boolean domainWatches(int domid, String path) {
        RingConnection ring = rings.get(domid);
        return ring != null && ring.watches.stream().anyMatch(w -> XsPath.isWithin(path, w.path()));
    }

    /** Requests domain {@code domid} sent through its ring so far (0 when not introduced). */
    public synchronized long requestsFrom(int domid) {
        RingConnection ring = rings.get(domid);
        return ring == null ? 0 : ring.requests();
    }

    /** The error word the daemon set on domain {@code domid}'s ring (0 while it is served). */
    public synchronized int ringError(int domid) {
        RingConnection ring = rings.get(domid);
        return ring == null ? 0 : ring.error();
    }

    /** Serves domain {@code domid}'s ring as when its guest notifies (for tests driving the page directly). */
    synchronized void serviceRing(int domid) {
        RingConnection ring = rings.get(domid);
        if (ring != null) {
            ring.service();
            flushRings();
        }
    }

    /** Nodes in the store. */
    public synchronized int nodeCount() {
        return store.size();
    }

    private void notifyPort(int localPort) {
        if (!evtchn.isClosed()) {
            try {
                evtchn.notify(localPort);
            } catch (IllegalArgumentException unbound) {
                // the domain was released meanwhile
            }
        }
    }

    private void flushRings() {
        for (RingConnection ring : rings.values()) {
            if (ring.hasOutput()) {
                ring.flush();
            }
        }
    }

    /** The service thread: wait for a guest's notification, serve its ring, unmask, until closed. */
    private void serve() {
        try {
            while (true) {
                int port = evtchn.pending();
                if (port < 0) {
                    return;
                }
                RingConnection ring = byLocalPort.get(port);
                if (ring == null) {
                    continue;
                }
                synchronized (this) {
                    try {
                        ring.service();
                        flushRings();
                    } catch (RuntimeException e) {
                        log.log("xenstored: serving domain " + ring.domid() + " failed: " + e);
                    }
                }
                evtchn.unmask(port); // ignored when the domain was released while its ring was served
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the service thread and disconnects every domain. */
    @Override
    public void close() {
        synchronized (this) {
            for (Integer domid : List.copyOf(rings.keySet())) {
                release(domid);
            }
        }
        evtchn.close();
        try {
            service.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
