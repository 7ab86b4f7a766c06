package dev.trufflexen.dom0.xenstore;

/**
 * The nodes an operation sees: the committed store, or a transaction's copy of it. Putting a node
 * gives it the view's next generation; both keep, per owning domain, how many nodes it owns
 * (the node quota).
 */
interface NodeView {
    /** The node at an absolute path, or null. */
    Node get(String path);

    void put(String path, Node node);

    void remove(String path);

    /** How many nodes {@code domid} owns in this view. */
    int ownedBy(int domid);
}
