package dev.trufflexen.dom0.xenstore;

import java.util.HashMap;
import java.util.Map;

/** The committed nodes by absolute path, with the write counter that stamps their generations. */
final class CommittedStore implements NodeView {
    private final Map<String, Node> nodes = new HashMap<>();
    private final Map<Integer, Integer> owned = new HashMap<>();
    private long generation;

    CommittedStore() {
        nodes.put("/", new Node(new byte[0], Permissions.owned(0, Permissions.Access.NONE), java.util.List.of(), 0));
        owned.put(0, 1);
    }

    @Override
    public Node get(String path) {
        return nodes.get(path);
    }

    @Override
    public void put(String path, Node node) {
        Node stamped = new Node(node.value(), node.perms(), node.children(), ++generation);
        Node old = nodes.put(path, stamped);
        if (old != null) {
            owned.merge(old.perms().owner(), -1, Integer::sum);
        }
        owned.merge(stamped.perms().owner(), 1, Integer::sum);
    }

    @Override
    public void remove(String path) {
        Node old = nodes.remove(path);
        if (old != null) {
            owned.merge(old.perms().owner(), -1, Integer::sum);
        }
    }

    @Override
    public int ownedBy(int domid) {
        return owned.getOrDefault(domid, 0);
    }

    /** The generation a transaction records for a path it touches: the node's, or -1 when absent. */
    long generationOf(String path) {
        Node node = nodes.get(path);
        return node == null ? -1 : node.generation();
    }

    int size() {
        return nodes.size();
    }
}
