package dev.trufflexen.dom0.xenstore;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import dev.trufflexen.xen.abi.XsWire;

/**
 * The store's operations on a {@link NodeView} (the committed store or a transaction), with
 * Xen's rules: permissions checked against the caller, missing parents created by WRITE and
 * MKDIR with the nearest existing ancestor's permissions (owned by the creating domain when it is
 * unprivileged), RM removing a whole subtree, and the quota of unprivileged domains. Each
 * modification is recorded as a {@link Change} for the watches.
 */
final class TreeOperations {
    private final Quota quota;

    TreeOperations(Quota quota) {
        this.quota = quota;
    }

    byte[] read(NodeView view, Caller caller, String path) throws XsError {
        return readable(view, caller, path).value();
    }

    List<String> directory(NodeView view, Caller caller, String path) throws XsError {
        return readable(view, caller, path).children();
    }

    Permissions getPerms(NodeView view, Caller caller, String path) throws XsError {
        return readable(view, caller, path).perms();
    }

    /** DIRECTORY_PART: the node's generation, then the children from byte {@code offset} of the nul-separated list. */
    byte[] directoryPart(NodeView view, Caller caller, String path, int offset) throws XsError {
        Node node = readable(view, caller, path);
        byte[] all = XsMessage.nulTerminated(node.children().toArray(String[]::new));
        if (offset < 0 || offset > all.length) {
            throw XsError.invalid("offset " + offset + " is past the list");
        }
        byte[] head = (node.generation() + "\0").getBytes(StandardCharsets.ISO_8859_1);
        int room = XsWire.XENSTORE_PAYLOAD_MAX - head.length - 1;
        int end = Math.min(all.length, offset + room);
        if (end < all.length) {
            while (end > offset && all[end - 1] != 0) {
                end--;
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(head, 0, head.length);
        out.write(all, offset, end - offset);
        if (end == all.length) {
            out.write(0);
        }
        return out.toByteArray();
    }

    void write(NodeView view, Caller caller, String path, byte[] value, List<Change> changes) throws XsError {
        if (!caller.privileged() && value.length > quota.entryBytes()) {
            throw XsError.quota("value of " + value.length + " bytes is over the " + quota.entryBytes() + " byte quota");
        }
        Node node = view.get(path);
        if (node == null) {
            node = create(view, caller, path);
        } else if (!canWrite(caller, node)) {
            throw XsError.denied("no write access to " + path);
        }
        Node updated = node.withValue(value, 0);
        view.put(path, updated);
        changes.add(new Change(path, false, updated.perms()));
    }

    void mkdir(NodeView view, Caller caller, String path, List<Change> changes) throws XsError {
        if (view.get(path) != null) {
            return;
        }
        Node created = create(view, caller, path);
        changes.add(new Change(path, false, created.perms()));
    }

    /** Creates {@code path} and its missing parents, with empty values; returns the new node. */
    private Node create(NodeView view, Caller caller, String path) throws XsError {
        List<String> missing = new ArrayList<>();
        String at = path;
        Node ancestor;
        while ((ancestor = view.get(at)) == null) {
            missing.add(at);
            at = XsPath.parent(at);
        }
        if (!canWrite(caller, ancestor)) {
            throw XsError.denied("no write access to " + at);
        }
        Permissions perms = caller.privileged() ? ancestor.perms() : ancestor.perms().withOwner(caller.domid());
        if (!caller.privileged() && view.ownedBy(caller.domid()) + missing.size() > quota.nodes()) {
            throw XsError.quota("domain " + caller.domid() + " would own more than " + quota.nodes() + " nodes");
        }
        Node parent = ancestor;
        String parentPath = at;
        Node created = null;
        for (int i = missing.size() - 1; i >= 0; i--) {
            String child = missing.get(i);
            view.put(parentPath, parent.withChild(XsPath.leaf(child), 0));
            created = new Node(new byte[0], perms, List.of(), 0);
            view.put(child, created);
            parent = created;
            parentPath = child;
        }
        return created;
    }

    void rm(NodeView view, Caller caller, String path, List<Change> changes) throws XsError {
        if (path.equals("/")) {
            throw XsError.invalid("the root cannot be removed");
        }
        Node node = view.get(path);
        String parentPath = XsPath.parent(path);
        Node parent = view.get(parentPath);
        if (node == null) {
            if (parent == null) {
                throw XsError.noEntry(parentPath);
            }
            return;
        }
        if (!canWrite(caller, node)) {
            throw XsError.denied("no write access to " + path);
        }
        removeSubtree(view, path, node);
        view.put(parentPath, parent.withoutChild(XsPath.leaf(path), 0));
        changes.add(new Change(path, true, node.perms()));
    }

    private void removeSubtree(NodeView view, String path, Node node) {
        for (String leaf : node.children()) {
            String child = XsPath.child(path, leaf);
            Node below = view.get(child);
            if (below != null) {
                removeSubtree(view, child, below);
            }
        }
        view.remove(path);
    }

    void setPerms(NodeView view, Caller caller, String path, Permissions perms, List<Change> changes) throws XsError {
        Node node = view.get(path);
        if (node == null) {
            throw XsError.noEntry(path);
        }
        if (!canWrite(caller, node)) {
            throw XsError.denied("no write access to " + path);
        }
        if (!caller.privileged()) {
            if (perms.owner() != node.perms().owner()) {
                throw XsError.denied("only the toolstack changes a node's owner");
            }
            if (perms.entries().size() > quota.permEntries()) {
                throw XsError.quota(perms.entries().size() + " permission entries, the quota is " + quota.permEntries());
            }
        }
        Node updated = node.withPerms(perms, 0);
        view.put(path, updated);
        changes.add(new Change(path, false, perms));
    }

    private Node readable(NodeView view, Caller caller, String path) throws XsError {
        Node node = view.get(path);
        if (node == null) {
            throw XsError.noEntry(path);
        }
        if (!caller.privileged() && !node.perms().accessOf(caller.domid()).canRead()) {
            throw XsError.denied("no read access to " + path);
        }
        return node;
    }

    static boolean canRead(Caller caller, Permissions perms) {
        return caller.privileged() || perms.accessOf(caller.domid()).canRead();
    }

    private static boolean canWrite(Caller caller, Node node) {
        return caller.privileged() || node.perms().accessOf(caller.domid()).canWrite();
    }
}
