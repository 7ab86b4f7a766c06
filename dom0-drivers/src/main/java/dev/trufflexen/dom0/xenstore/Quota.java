package dev.trufflexen.dom0.xenstore;

/**
 * What one unprivileged domain may use (Xen's xenstored defaults): nodes it owns, bytes in one
 * value, watches, open transactions, entries in one permission list, and watch events queued
 * for it while it does not read its ring.
 */
public record Quota(int nodes, int entryBytes, int watches, int transactions, int permEntries, int queuedEvents) {
    public static final Quota DEFAULT = new Quota(1000, 2048, 128, 10, 5, 1024);
}
