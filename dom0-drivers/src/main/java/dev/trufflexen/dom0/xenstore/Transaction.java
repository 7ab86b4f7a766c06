package dev.trufflexen.dom0.xenstore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A transaction's view of the store: its own writes and removals over the committed store, and
 * the generation of every committed node it looked at (-1 for a path that was absent). It
 * commits only if none of those nodes changed since: otherwise its end gets {@code EAGAIN} and
 * the client retries, as with Xen's xenstored. Watches fire for its changes at commit.
 */
final class Transaction implements NodeView {
    private static final Node REMOVED = new Node(new byte[0], Permissions.owned(0, Permissions.Access.NONE), List.of(), -1);

    private final CommittedStore committed;
    private final Map<String, Node> written = new LinkedHashMap<>();
    private final Map<String, Long> seen = new HashMap<>();
    private final Map<Integer, Integer> ownedDelta = new HashMap<>();
    private final List<Change> changes = new ArrayList<>();

    Transaction(CommittedStore committed) {
        this.committed = committed;
    }

    @Override
    public Node get(String path) {
        Node mine = written.get(path);
        if (mine != null) {
            return mine == REMOVED ? null : mine;
        }
        seen.putIfAbsent(path, committed.generationOf(path));
        return committed.get(path);
    }

    @Override
    public void put(String path, Node node) {
        Node old = get(path);
        if (old != null) {
            ownedDelta.merge(old.perms().owner(), -1, Integer::sum);
        }
        ownedDelta.merge(node.perms().owner(), 1, Integer::sum);
        written.put(path, node);
    }

    @Override
    public void remove(String path) {
        Node old = get(path);
        if (old != null) {
            ownedDelta.merge(old.perms().owner(), -1, Integer::sum);
        }
        written.put(path, REMOVED);
    }

    @Override
    public int ownedBy(int domid) {
        return committed.ownedBy(domid) + ownedDelta.getOrDefault(domid, 0);
    }

    List<Change> changes() {
        return changes;
    }

    /** Whether a committed node this transaction depends on changed since it looked. */
    boolean conflicts() {
        for (Map.Entry<String, Long> e : seen.entrySet()) {
            if (committed.generationOf(e.getKey()) != e.getValue()) {
                return true;
            }
        }
        return false;
    }

    /** Applies the writes and removals to the committed store (after {@link #conflicts()} said no). */
    void applyTo(CommittedStore store) {
        for (Map.Entry<String, Node> e : written.entrySet()) {
            if (e.getValue() == REMOVED) {
                store.remove(e.getKey());
            } else {
                store.put(e.getKey(), e.getValue());
            }
        }
    }
}
