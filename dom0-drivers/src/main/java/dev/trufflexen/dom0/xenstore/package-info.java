/**
 * xenstored: the store of configuration and control nodes that domains and the toolstack share,
 * following Xen's {@code docs/misc/xenstore.txt}, {@code xenstore-ring.txt} and the public
 * {@code io/xs_wire.h}.
 *
 * <p><b>The tree.</b> Nodes live in a map from absolute path to an immutable {@link
 * dev.trufflexen.dom0.xenstore.Node} (value, permissions, children in creation order, generation).
 * {@link dev.trufflexen.dom0.xenstore.TreeOperations} applies Xen's rules to a
 * {@link dev.trufflexen.dom0.xenstore.NodeView}: WRITE and MKDIR create missing parents with the
 * nearest ancestor's permissions, owned by the creating domain when it is unprivileged; RM takes
 * the subtree; the owner may do anything, other domains what their ACL entry (or the default)
 * grants; the toolstack (domid 0, privileged) passes every check. Unprivileged domains are held to
 * a {@link dev.trufflexen.dom0.xenstore.Quota}: nodes owned, bytes per value, watches, open
 * transactions, permission entries and queued watch events.
 *
 * <p><b>Transactions.</b> A {@link dev.trufflexen.dom0.xenstore.Transaction} is an overlay over
 * the committed store: its writes stay in the overlay, and it records the generation of every
 * committed node it read or wrote through. Committing checks those generations: if any changed,
 * the end gets {@code EAGAIN} and the client retries (Linux and libxl do); a write elsewhere does
 * not conflict. Watches fire for a transaction's changes only when it commits.
 *
 * <p><b>Watches.</b> A change fires every watch whose path is the changed node or an ancestor of
 * it; a removal also fires watches below the removed node, with the watch's own path. Events go
 * only to connections that may read the node (its permissions after a write, before a removal);
 * a relative watch gets relative event paths; a new watch fires once at once. The special
 * {@code @introduceDomain} and {@code @releaseDomain} fire when the toolstack introduces a domain
 * and when a domain stops.
 *
 * <p><b>Transport.</b> Each introduced domain is a {@link
 * dev.trufflexen.dom0.xenstore.RingConnection} on its start_info store page, mapped and bound
 * through the dom0 API, served by the daemon's one thread when the guest notifies; the toolstack
 * and tests are in-process {@link dev.trufflexen.dom0.xenstore.XenstoreClient}s speaking the same
 * messages. Every request, from any connection, runs under the daemon's lock. The ring's indices
 * and headers are guest-controlled: inconsistent indices or an oversized header set the ring's
 * error word and stop serving it (nothing is thrown out of the daemon) until the guest asks for a
 * reconnect, which resets the ring and drops the connection's watches and transactions. The wire
 * format's numbers and the ring page's layout are part of the Java ABI ({@link
 * dev.trufflexen.xen.abi.XsWire}), checked against the guest SDK's {@code xen/xs_wire.h} like
 * every other public header.
 */
package dev.trufflexen.dom0.xenstore;
