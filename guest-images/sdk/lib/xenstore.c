/*
 * TruffleXen guest SDK: the xenstore client (see sdk/xenstore.h).
 */
#include <sdk/kernel.h>
#include <sdk/events.h>
#include <sdk/xenstore.h>

#define EVENT_QUEUE 8
#define EVENT_BYTES 256

static struct xenstore_domain_interface *ring;
static evtchn_port_t port;
static uint32_t next_req = 1;
static uint64_t timeout_ns = 5000000000ULL;
static char error_name[16];

struct queued_event {
    uint32_t len;
    char payload[EVENT_BYTES];
};
static struct queued_event events[EVENT_QUEUE];
static unsigned int event_head, event_count;
static char scratch[XENSTORE_PAYLOAD_MAX + 1];

static void set_error(const char *name)
{
    size_t n = strlen(name);
    if (n >= sizeof(error_name)) {
        n = sizeof(error_name) - 1;
    }
    memcpy(error_name, name, n);
    error_name[n] = 0;
}

const char *xs_error(void)
{
    return error_name;
}

void xs_set_timeout(uint64_t ns)
{
    timeout_ns = ns;
}

struct xenstore_domain_interface *xs_ring(void)
{
    return ring;
}

long xs_init(const start_info_t *si)
{
    unsigned long pfn = p2m_find_pfn(si->store_mfn);
    unsigned long mapped_end = si->pt_base + si->nr_pt_frames * SDK_PAGE_SIZE;
    unsigned long va;

    if (pfn == -1UL) {
        set_error("ENXIO");
        return -1;
    }
    va = (unsigned long)pfn_to_virt(pfn);
    if (va < SDK_VIRT_BASE || va + SDK_PAGE_SIZE > mapped_end) {
        set_error("ENXIO");
        return -1;
    }
    ring = (struct xenstore_domain_interface *)va;
    port = si->store_evtchn;
    sdk_evtchn_mask(port);
    return 0;
}

/* Waits until the store port fires (or until deadline); 0 on time-out. */
static int wait_for_xenstored(uint64_t deadline)
{
    evtchn_port_t polled = port;
    struct sched_poll poll = { .ports = &polled, .nr_ports = 1, .timeout = deadline };

    if (sdk_system_time() >= deadline) {
        return 0;
    }
    HYPERVISOR_sched_op(SCHEDOP_poll, &poll);
    return 1;
}

static int write_bytes(const char *data, uint32_t len, uint64_t deadline)
{
    while (len > 0) {
        sdk_evtchn_clear(port);
        XENSTORE_RING_IDX cons = ring->req_cons;
        XENSTORE_RING_IDX prod = ring->req_prod;
        rmb();
        uint32_t used = prod - cons;
        if (used > XENSTORE_RING_SIZE) {
            set_error("EIO");
            return -1;
        }
        uint32_t space = XENSTORE_RING_SIZE - used;
        if (space == 0) {
            if (!wait_for_xenstored(deadline)) {
                set_error("ETIMEDOUT");
                return -1;
            }
            continue;
        }
        uint32_t at = MASK_XENSTORE_IDX(prod);
        uint32_t n = len < space ? len : space;
        if (n > XENSTORE_RING_SIZE - at) {
            n = XENSTORE_RING_SIZE - at;
        }
        memcpy(ring->req + at, data, n);
        wmb();
        ring->req_prod = prod + n;
        sdk_evtchn_send(port);
        data += n;
        len -= n;
    }
    return 0;
}

static int read_bytes(char *into, uint32_t len, uint64_t deadline)
{
    while (len > 0) {
        sdk_evtchn_clear(port);
        XENSTORE_RING_IDX cons = ring->rsp_cons;
        XENSTORE_RING_IDX prod = ring->rsp_prod;
        rmb();
        uint32_t available = prod - cons;
        if (available > XENSTORE_RING_SIZE) {
            set_error("EIO");
            return -1;
        }
        if (available == 0) {
            if (!wait_for_xenstored(deadline)) {
                set_error("ETIMEDOUT");
                return -1;
            }
            continue;
        }
        uint32_t at = MASK_XENSTORE_IDX(cons);
        uint32_t n = len < available ? len : available;
        if (n > XENSTORE_RING_SIZE - at) {
            n = XENSTORE_RING_SIZE - at;
        }
        memcpy(into, ring->rsp + at, n);
        mb();
        ring->rsp_cons = cons + n;
        sdk_evtchn_send(port);
        into += n;
        len -= n;
    }
    return 0;
}

/* Reads one message into scratch; its header into *hdr. */
static int read_message(struct xsd_sockmsg *hdr, uint64_t deadline)
{
    if (read_bytes((char *)hdr, sizeof(*hdr), deadline) < 0) {
        return -1;
    }
    if (hdr->len > XENSTORE_PAYLOAD_MAX) {
        set_error("EIO");
        return -1;
    }
    if (read_bytes(scratch, hdr->len, deadline) < 0) {
        return -1;
    }
    scratch[hdr->len] = 0;
    return 0;
}

static void queue_event(const struct xsd_sockmsg *hdr)
{
    if (event_count == EVENT_QUEUE || hdr->len > EVENT_BYTES) {
        return;
    }
    struct queued_event *e = &events[(event_head + event_count) % EVENT_QUEUE];
    e->len = hdr->len;
    memcpy(e->payload, scratch, hdr->len);
    event_count++;
}

long xs_request(uint32_t type, uint32_t tx, const void *payload, uint32_t len, char *reply, uint32_t cap)
{
    struct xsd_sockmsg hdr = { .type = type, .req_id = next_req++, .tx_id = tx, .len = len };
    uint64_t deadline = sdk_system_time() + timeout_ns;

    if (ring == NULL) {
        set_error("ENXIO");
        return -1;
    }
    if (write_bytes((const char *)&hdr, sizeof(hdr), deadline) < 0 || write_bytes(payload, len, deadline) < 0) {
        return -1;
    }
    for (;;) {
        struct xsd_sockmsg got;
        if (read_message(&got, deadline) < 0) {
            return -1;
        }
        if (got.type == XS_WATCH_EVENT) {
            queue_event(&got);
            continue;
        }
        if (got.req_id != hdr.req_id) {
            continue;
        }
        if (got.type == XS_ERROR) {
            set_error(scratch);
            return -1;
        }
        if (got.len + 1 > cap) {
            set_error("E2BIG");
            return -1;
        }
        memcpy(reply, scratch, got.len);
        reply[got.len] = 0;
        return got.len;
    }
}

/* Builds "a\0b\0..." from up to three strings (NULL ends), the last one without its nul when raw_last. */
static uint32_t pack(char *out, const char *a, const char *b, int raw_last)
{
    uint32_t n = strlen(a) + 1;
    memcpy(out, a, n);
    if (b != NULL) {
        uint32_t m = strlen(b) + (raw_last ? 0 : 1);
        memcpy(out + n, b, m);
        n += m;
    }
    return n;
}

static char request_buf[XENSTORE_PAYLOAD_MAX];
static char reply_buf[XENSTORE_PAYLOAD_MAX + 1];

static long simple(uint32_t type, uint32_t tx, const char *a, const char *b)
{
    uint32_t n = pack(request_buf, a, b, 0);
    return xs_request(type, tx, request_buf, n, reply_buf, sizeof(reply_buf)) < 0 ? -1 : 0;
}

long xs_read(uint32_t tx, const char *path, char *value, uint32_t cap)
{
    uint32_t n = pack(request_buf, path, NULL, 0);
    return xs_request(XS_READ, tx, request_buf, n, value, cap);
}

long xs_write(uint32_t tx, const char *path, const char *value)
{
    if (strlen(path) + strlen(value) + 1 > XENSTORE_PAYLOAD_MAX) {
        set_error("E2BIG");
        return -1;
    }
    uint32_t n = pack(request_buf, path, value, 1);
    return xs_request(XS_WRITE, tx, request_buf, n, reply_buf, sizeof(reply_buf)) < 0 ? -1 : 0;
}

long xs_mkdir(uint32_t tx, const char *path)
{
    return simple(XS_MKDIR, tx, path, NULL);
}

long xs_rm(uint32_t tx, const char *path)
{
    return simple(XS_RM, tx, path, NULL);
}

long xs_directory(uint32_t tx, const char *path, char *names, uint32_t cap)
{
    uint32_t n = pack(request_buf, path, NULL, 0);
    return xs_request(XS_DIRECTORY, tx, request_buf, n, names, cap);
}

long xs_watch(const char *path, const char *token)
{
    return simple(XS_WATCH, 0, path, token);
}

long xs_unwatch(const char *path, const char *token)
{
    return simple(XS_UNWATCH, 0, path, token);
}

long xs_transaction_start(uint32_t *tx)
{
    if (xs_request(XS_TRANSACTION_START, 0, "", 1, reply_buf, sizeof(reply_buf)) < 0) {
        return -1;
    }
    *tx = (uint32_t)sdk_parse_ulong(reply_buf);
    return 0;
}

long xs_transaction_end(uint32_t tx, int commit)
{
    return simple(XS_TRANSACTION_END, tx, commit ? "T" : "F", NULL);
}

static long copy_string(char *into, uint32_t cap, const char *from, uint32_t max)
{
    uint32_t n = strnlen(from, max);
    if (n + 1 > cap) {
        set_error("E2BIG");
        return -1;
    }
    memcpy(into, from, n);
    into[n] = 0;
    return n;
}

long xs_read_watch(char *path, uint32_t path_cap, char *token, uint32_t token_cap)
{
    uint64_t deadline = sdk_system_time() + timeout_ns;

    while (event_count == 0) {
        struct xsd_sockmsg got;
        if (read_message(&got, deadline) < 0) {
            return -1;
        }
        if (got.type == XS_WATCH_EVENT) {
            queue_event(&got);
        }
    }
    struct queued_event *e = &events[event_head];
    event_head = (event_head + 1) % EVENT_QUEUE;
    event_count--;
    long n = copy_string(path, path_cap, e->payload, e->len);
    if (n < 0) {
        return -1;
    }
    uint32_t rest = e->len - (uint32_t)n - 1;
    return copy_string(token, token_cap, e->payload + n + 1, rest) < 0 ? -1 : 0;
}
