/*
 * xenstore: the SDK's xenstore client against xenstored through the real
 * ring and event channel. The toolstack's entries for this domain, reads
 * and writes with xenstored's permission and quota answers, watches (the
 * first event, events for writes), transactions (commit, abort, conflict),
 * requests only the toolstack may make, then a hostile ring (indices too
 * far apart, a header over the payload limit) and the reconnect that makes
 * the ring usable again. Last it writes data/ready, waits for the host to
 * write control/shutdown and powers off as Linux does. See ktest.h.
 */
#include <sdk/kernel.h>
#include <sdk/events.h>
#include <sdk/ktest.h>
#include <sdk/xenstore.h>

static char value[XENSTORE_PAYLOAD_MAX + 1];

static int fails_with(long rc, const char *errno_name)
{
    return rc < 0 && strcmp(xs_error(), errno_name) == 0;
}

static void expect_error(long rc, const char *errno_name, const char *name)
{
    kt_check(fails_with(rc, errno_name), name, errno_name, xs_error());
}

static int reads(const char *path, const char *want)
{
    return xs_read(0, path, value, sizeof(value)) >= 0 && strcmp(value, want) == 0;
}

static void entries(void)
{
    kt_group("entries");
    kt_check(xs_read(0, "name", value, sizeof(value)) >= 0 && strcmp(value, "xsguest") == 0, "name", "libxl writes name", value);
    kt_check(xs_read(0, "domid", value, sizeof(value)) > 0, "domid", "libxl writes domid", value);
    kt_check(xs_read(0, "memory/target", value, sizeof(value)) > 0 && sdk_parse_ulong(value) == 32 * 1024,
             "memory/target", "KiB", value);
    kt_check(reads("cpu/0/availability", "online"), "cpu/0/availability", "online", value);
    long n = xs_directory(0, "control", value, sizeof(value));
    kt_check(n > 0, "control/ lists", "DIRECTORY", xs_error());
    kt_check(xs_directory(0, "device", value, sizeof(value)) == 0, "device/ is empty", "DIRECTORY", "");
    long at = xs_read(0, "/local/domain", value, sizeof(value));
    expect_error(at, "EACCES", "read /local/domain");
    expect_error(xs_write(0, "name", "other"), "EACCES", "write own name (read-only for the domain)");
    expect_error(xs_write(0, "/local/domain/0/x", "y"), "EACCES", "write under another domain");
    expect_error(xs_read(0, "data/none", value, sizeof(value)), "ENOENT", "read of a missing node");
}

static void reads_and_writes(void)
{
    kt_group("read/write");
    kt_eq(xs_write(0, "data/greeting", "hello"), 0, "write data/greeting", "the domain owns data/");
    kt_check(reads("data/greeting", "hello"), "read back", "", value);
    kt_eq(xs_write(0, "data/a/b/c", "deep"), 0, "write creates parents", "WRITE");
    kt_check(reads("data/a/b", ""), "parent created empty", "", value);
    kt_eq(xs_mkdir(0, "data/a/b"), 0, "mkdir of an existing node", "OK, value kept");
    kt_eq(xs_rm(0, "data/a"), 0, "rm a subtree", "RM");
    expect_error(xs_read(0, "data/a/b/c", value, sizeof(value)), "ENOENT", "subtree gone");
    kt_eq(xs_rm(0, "data/a"), 0, "rm of a missing node whose parent exists", "OK");
    expect_error(xs_rm(0, "data/x/y"), "ENOENT", "rm with a missing parent");
    expect_error(xs_write(0, "data//x", "v"), "EINVAL", "doubled slash");
    expect_error(xs_write(0, "data/x!", "v"), "EINVAL", "bad character");
    static char big[3000];
    memset(big, 'x', sizeof(big) - 1);
    expect_error(xs_write(0, "data/big", big), "ENOSPC", "value over the entry quota");
    expect_error(xs_request(XS_CONTROL, 0, "check", 6, value, sizeof(value)), "EACCES", "CONTROL from a domain");
    expect_error(xs_request(XS_INTRODUCE, 0, "5\0" "1\0" "2", 6, value, sizeof(value)), "EACCES",
                 "INTRODUCE from a domain");
    expect_error(xs_request(99, 0, "", 1, value, sizeof(value)), "ENOSYS", "unknown type");
    kt_check(xs_request(XS_GET_DOMAIN_PATH, 0, "7", 2, value, sizeof(value)) > 0 && strcmp(value, "/local/domain/7") == 0,
             "GET_DOMAIN_PATH", "", value);
}

static void watches(void)
{
    char path[128], token[32];
    kt_group("watch");
    kt_eq(xs_watch("data/w", "tok"), 0, "watch data/w", "WATCH");
    kt_check(xs_read_watch(path, sizeof(path), token, sizeof(token)) == 0 && strcmp(path, "data/w") == 0
                 && strcmp(token, "tok") == 0, "first event at once", "relative path, token", path);
    kt_eq(xs_write(0, "data/w/x", "1"), 0, "write below the watch", "");
    kt_check(xs_read_watch(path, sizeof(path), token, sizeof(token)) == 0 && strcmp(path, "data/w/x") == 0,
             "event for the write", "event path is the changed node", path);
    expect_error(xs_watch("data/w", "tok"), "EEXIST", "same watch twice");
    kt_eq(xs_unwatch("data/w", "tok"), 0, "unwatch", "");
    expect_error(xs_unwatch("data/w", "tok"), "ENOENT", "unwatch again");
}

static void transactions(void)
{
    uint32_t tx, other;
    kt_group("transaction");
    kt_eq(xs_transaction_start(&tx), 0, "start", "");
    kt_check(tx != 0, "id", "nonzero", "");
    kt_eq(xs_write(tx, "data/t", "in-tx"), 0, "write in tx", "");
    expect_error(xs_read(0, "data/t", value, sizeof(value)), "ENOENT", "not visible outside before commit");
    kt_eq(xs_transaction_end(tx, 1), 0, "commit", "");
    kt_check(reads("data/t", "in-tx"), "visible after commit", "", value);

    kt_eq(xs_transaction_start(&tx), 0, "start another", "");
    xs_write(tx, "data/t", "aborted");
    kt_eq(xs_transaction_end(tx, 0), 0, "abort", "F");
    kt_check(reads("data/t", "in-tx"), "abort discards", "", value);

    xs_transaction_start(&tx);
    xs_read(tx, "data/t", value, sizeof(value));
    kt_eq(xs_write(0, "data/t", "meanwhile"), 0, "write outside the tx", "");
    xs_write(tx, "data/t", "late");
    expect_error(xs_transaction_end(tx, 1), "EAGAIN", "conflicting commit");
    kt_check(reads("data/t", "meanwhile"), "the conflicting tx left nothing", "", value);
    expect_error(xs_transaction_end(tx, 1), "ENOENT", "end of an ended tx");
    xs_transaction_start(&other);
    xs_transaction_end(other, 0);
}

static void wait_connected(void)
{
    struct xenstore_domain_interface *r = xs_ring();
    uint64_t deadline = sdk_system_time() + 5000000000ULL;
    while (r->connection != XENSTORE_CONNECTED && sdk_system_time() < deadline) {
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    }
}

static void reconnect(void)
{
    struct xenstore_domain_interface *r = xs_ring();
    r->connection = XENSTORE_RECONNECT;
    wmb();
    sdk_evtchn_send(sdk_start_info->store_evtchn);
    wait_connected();
}

static void wait_error(void)
{
    struct xenstore_domain_interface *r = xs_ring();
    uint64_t deadline = sdk_system_time() + 5000000000ULL;
    while (r->error == 0 && sdk_system_time() < deadline) {
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    }
}

static void hostile(void)
{
    struct xenstore_domain_interface *r = xs_ring();
    kt_group("hostile ring");
    kt_check((r->server_features & XENSTORE_SERVER_FEATURE_RECONNECTION) != 0, "reconnection advertised", "", "");
    r->req_prod = r->req_cons + 5000;
    wmb();
    sdk_evtchn_send(sdk_start_info->store_evtchn);
    wait_error();
    kt_eq(r->error, 2, "req indices 5000 apart", "XENSTORE_ERROR_RINGIDX, not served");
    reconnect();
    kt_eq(r->connection, XENSTORE_CONNECTED, "reconnect", "connection back to 0");
    kt_eq(r->error, 0, "error cleared", "");
    kt_eq(r->req_prod | r->req_cons | r->rsp_prod | r->rsp_cons, 0, "indices reset", "");
    kt_check(reads("data/t", "meanwhile"), "requests served again", "", value);

    struct xsd_sockmsg hdr = { .type = XS_READ, .req_id = 1, .tx_id = 0, .len = XENSTORE_PAYLOAD_MAX + 1 };
    memcpy(r->req + MASK_XENSTORE_IDX(r->req_prod), &hdr, sizeof(hdr));
    wmb();
    r->req_prod += sizeof(hdr);
    sdk_evtchn_send(sdk_start_info->store_evtchn);
    wait_error();
    kt_eq(r->error, 3, "header over the payload limit", "XENSTORE_ERROR_PROTO");
    reconnect();
    kt_check(reads("data/greeting", "hello"), "served after the second reconnect", "", value);
}

void kernel_main(start_info_t *si)
{
    char path[128], token[32];

    kt_check(sdk_events_init() == 0, "events", "", "");
    if (xs_init(si) < 0) {
        sdk_panic("xenstore ring not found: %s\n", xs_error());
    }
    entries();
    reads_and_writes();
    watches();
    transactions();
    hostile();

    kt_group("control/shutdown");
    kt_eq(xs_watch("control/shutdown", "shutdown"), 0, "watch control/shutdown", "as Linux does");
    xs_read_watch(path, sizeof(path), token, sizeof(token));
    xs_set_timeout(60000000000ULL);
    kt_eq(xs_write(0, "data/ready", "1"), 0, "ready", "");
    int asked = 0;
    while (!asked && xs_read_watch(path, sizeof(path), token, sizeof(token)) == 0) {
        asked = xs_read(0, "control/shutdown", value, sizeof(value)) > 0;
    }
    kt_check(asked && strcmp(value, "poweroff") == 0, "the toolstack asks for poweroff", "control/shutdown", value);
    xs_write(0, "control/shutdown", "");
    kt_summary();
    sdk_shutdown(SHUTDOWN_poweroff);
}
