package dev.trufflexen.dom0.xenstore;

/**
 * A modification watches hear of: the path that changed, whether it (and everything below it)
 * was removed, and the permissions that decide who may hear of it (the node's after a write,
 * before a removal).
 */
record Change(String path, boolean removed, Permissions perms) {
}
