package dev.trufflexen.dom0.xenstore;

/** Who asks: a domain's id, and whether it is the privileged toolstack (dom0), which passes every check. */
record Caller(int domid, boolean privileged) {
}
