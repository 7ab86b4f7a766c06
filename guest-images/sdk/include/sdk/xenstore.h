/*
 * TruffleXen guest SDK: a xenstore client over the domain's ring.
 *
 * xs_init() finds the ring page (start_info.store_mfn, inside the boot
 * mapping like the console page) and the store event channel; it needs
 * sdk_events_init() first (the port's pending bit lives in shared_info).
 * Every call sends one request and waits for its reply: bytes go into req[]
 * at req_prod, then the producer index is published and xenstored notified
 * (EVTCHNOP_send); the client waits with SCHEDOP_poll on the masked store
 * port. Watch events that arrive while a reply is awaited are queued and
 * returned by xs_read_watch().
 *
 * Results: a length or 0 on success; on failure -1 and xs_error() names the
 * errno xenstored sent ("ENOENT", ...) or the client's own trouble
 * ("ETIMEDOUT": no reply within the timeout, "E2BIG": buffer too small).
 */
#ifndef TRUFFLEXEN_SDK_XENSTORE_H
#define TRUFFLEXEN_SDK_XENSTORE_H

#include <sdk/kernel.h>
#include <xen/xs_wire.h>

/* 0, or -1 when the ring page is not in the boot mapping. */
long xs_init(const start_info_t *si);
struct xenstore_domain_interface *xs_ring(void);
const char *xs_error(void);
/* How long a call waits for its reply (ns of system time); default 5 s. */
void xs_set_timeout(uint64_t ns);

/* One raw request: payload of len bytes; the reply's payload into reply (at most cap bytes). */
long xs_request(uint32_t type, uint32_t tx, const void *payload, uint32_t len, char *reply, uint32_t cap);

/* The value at path, nul-terminated, in value (cap bytes); returns its length. */
long xs_read(uint32_t tx, const char *path, char *value, uint32_t cap);
long xs_write(uint32_t tx, const char *path, const char *value);
long xs_mkdir(uint32_t tx, const char *path);
long xs_rm(uint32_t tx, const char *path);
/* The children of path as nul-separated names; returns the bytes used. */
long xs_directory(uint32_t tx, const char *path, char *names, uint32_t cap);
long xs_watch(const char *path, const char *token);
long xs_unwatch(const char *path, const char *token);
/* A new transaction's id in *tx. */
long xs_transaction_start(uint32_t *tx);
/* Commit (commit != 0) or abort; a conflict fails with "EAGAIN". */
long xs_transaction_end(uint32_t tx, int commit);
/* The next watch event (queued or arriving within the timeout): its path and token. */
long xs_read_watch(char *path, uint32_t path_cap, char *token, uint32_t token_cap);

#endif
