package dev.trufflexen.dom0.xenstore;

import java.util.List;

/**
 * One node of the store, immutable: its value, permissions, the leaf names of its children in
 * the order they were created, and its generation (the store's write counter when the node last
 * changed, which a transaction compares to find conflicting writes).
 */
record Node(byte[] value, Permissions perms, List<String> children, long generation) {
    Node {
        children = List.copyOf(children);
    }

    Node withValue(byte[] newValue, long gen) {
        return new Node(newValue, perms, children, gen);
    }

    Node withPerms(Permissions newPerms, long gen) {
        return new Node(value, newPerms, children, gen);
    }

    Node withChild(String leaf, long gen) {
        if (children.contains(leaf)) {
            return this;
        }
        var more = new java.util.ArrayList<>(children);
        more.add(leaf);
        return new Node(value, perms, more, gen);
    }

    Node withoutChild(String leaf, long gen) {
        var fewer = new java.util.ArrayList<>(children);
        fewer.remove(leaf);
        return new Node(value, perms, fewer, gen);
    }
}
