/*
 * TruffleXen guest SDK: events and time (see sdk/events.h).
 */
#include <sdk/events.h>
#include <xen/callback.h>
#include <xen/event_channel.h>

struct vcpu_info *sdk_vcpu_info;
volatile unsigned long sdk_upcalls;
volatile unsigned long sdk_upcall_selectors;
void (*volatile sdk_upcall_hook)(unsigned long selector);
void (*volatile sdk_port_hook)(evtchn_port_t port);
void (*volatile sdk_event_handler)(void);
struct shared_info *sdk_shared_info;

/* The fixed virtual address of shared_info: this page's boot frame is replaced by it. */
char sdk_shared_info_page[SDK_PAGE_SIZE] __attribute__((aligned(SDK_PAGE_SIZE)));

#define BITS_PER_WORD   (8 * sizeof(unsigned long))
#define PTE_PRESENT_RW  0x3UL
#define PTE_NX          (1UL << 63)

static struct vcpu_info vcpu_info_page __attribute__((aligned(64)));

/* The FIFO ABI's control block (at the start of its page) and the first page of event words. */
int sdk_fifo;
struct evtchn_fifo_control_block *sdk_fifo_control;
volatile event_word_t *sdk_fifo_words;
/* The next port of each queue, as far as this vCPU has consumed it (0: read the control block's head). */
static uint32_t fifo_next[EVTCHN_FIFO_MAX_QUEUES];

#define FIFO_BIT(b) (1U << (b))

extern char sdk_event_entry[];

/*
 * Takes the head of queue q as Linux's FIFO code does: unlink it (clear LINKED and LINK
 * together, keeping the link), move the local head on, drop q from *ready when the queue is
 * empty, and hand the port on when it is pending and not masked (its PENDING cleared first).
 */
static void fifo_consume_one(unsigned int q, uint32_t *ready)
{
    uint32_t port = fifo_next[q];
    if (port == 0) {
        port = __atomic_load_n(&sdk_fifo_control->head[q], __ATOMIC_SEQ_CST);
    }
    if (port == 0 || port >= SDK_FIFO_PORTS) {
        *ready &= ~FIFO_BIT(q);
        fifo_next[q] = 0;
        return;
    }
    volatile event_word_t *word = &sdk_fifo_words[port];
    event_word_t old = *word;
    while (!__atomic_compare_exchange_n(word, &old, old & ~(FIFO_BIT(EVTCHN_FIFO_LINKED) | EVTCHN_FIFO_LINK_MASK), 0,
                                        __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
    }
    uint32_t next = old & EVTCHN_FIFO_LINK_MASK;
    if (next == 0) {
        *ready &= ~FIFO_BIT(q);
    }
    fifo_next[q] = next;
    if ((old & FIFO_BIT(EVTCHN_FIFO_PENDING)) && !(old & FIFO_BIT(EVTCHN_FIFO_MASKED))) {
        __atomic_fetch_and(word, ~FIFO_BIT(EVTCHN_FIFO_PENDING), __ATOMIC_SEQ_CST);
        if (sdk_port_hook) {
            sdk_port_hook(port);
        }
    }
}

/* The FIFO upcall: every ready queue, highest priority (lowest number) first, until none is ready. */
static unsigned long fifo_dispatch(void)
{
    unsigned long seen = 0;
    uint32_t ready = __atomic_exchange_n(&sdk_fifo_control->ready, 0, __ATOMIC_SEQ_CST);
    while (ready) {
        seen |= ready;
        fifo_consume_one((unsigned int)__builtin_ctz(ready), &ready);
        ready |= __atomic_exchange_n(&sdk_fifo_control->ready, 0, __ATOMIC_SEQ_CST);
    }
    return seen;
}

/* Called by sdk_event_entry with events masked. */
void sdk_event_dispatch(void);
void sdk_event_dispatch(void)
{
    if (sdk_event_handler) {
        sdk_event_handler();
        return;
    }
    struct vcpu_info *vi = sdk_vcpu_info;

    vi->evtchn_upcall_pending = 0;
    barrier();
    if (sdk_fifo) {
        sdk_upcalls++;
        unsigned long queues = fifo_dispatch();
        sdk_upcall_selectors |= queues;
        if (sdk_upcall_hook) {
            sdk_upcall_hook(queues);
        }
        return;
    }
    unsigned long sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    sdk_upcalls++;
    struct shared_info *s = sdk_shared_info;
    for (unsigned long words = sel; s && words; words &= words - 1) {
        unsigned int word = __builtin_ctzl(words);
        /* One snapshot per word, as Mini-OS takes it: what arrives meanwhile comes with the next upcall. */
        unsigned long ready = s->evtchn_pending[word] & ~s->evtchn_mask[word];
        for (; ready; ready &= ready - 1) {
            unsigned int bit = __builtin_ctzl(ready);
            __atomic_fetch_and(&s->evtchn_pending[word], ~(1UL << bit), __ATOMIC_SEQ_CST);
            if (sdk_port_hook) {
                sdk_port_hook(word * BITS_PER_WORD + bit);
            }
        }
    }
    sdk_upcall_selectors |= sel;
    if (sdk_upcall_hook) {
        sdk_upcall_hook(sel);
    }
}

/* update_va_mapping of the fixed address to start_info's shared_info frame. */
static long map_shared_info(void)
{
    if (sdk_shared_info) {
        return 0;
    }
    uint64_t pte = (sdk_start_info->shared_info & ~(uint64_t)(SDK_PAGE_SIZE - 1)) | PTE_PRESENT_RW | PTE_NX;
    long rc = HYPERVISOR_update_va_mapping(SDK_SHARED_INFO_VA, pte, UVMF_INVLPG | UVMF_LOCAL);
    if (rc == 0) {
        sdk_shared_info = (struct shared_info *)SDK_SHARED_INFO_VA;
    }
    return rc;
}

long sdk_events_init(void)
{
    long mapped = map_shared_info();
    if (mapped) {
        return mapped;
    }
    /* The SDK writes the console ring without waiting for the backends' notifications: mask them. */
    sdk_evtchn_mask(sdk_start_info->console.domU.evtchn);
    sdk_evtchn_mask(sdk_start_info->store_evtchn);
    struct vcpu_register_vcpu_info info = {
        .mfn = pfn_to_mfn(virt_to_pfn(&vcpu_info_page)),
        .offset = (unsigned long)&vcpu_info_page & (SDK_PAGE_SIZE - 1),
    };
    long rc = HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 0, &info);
    if (rc) {
        return rc;
    }
    sdk_vcpu_info = &vcpu_info_page;
    callback_register_t cb = { .type = CALLBACKTYPE_event, .flags = CALLBACKF_mask_events,
                               .address = (unsigned long)sdk_event_entry };
    return HYPERVISOR_callback_op(CALLBACKOP_register, &cb);
}

/* True for a bound port (EVTCHNOP_status other than closed; a port past the valid range is not). */
static int port_in_use(evtchn_port_t port)
{
    struct evtchn_status st = { .dom = DOMID_SELF, .port = port };
    return sdk_evtchn_op(EVTCHNOP_status, &st) == 0 && st.status != EVTCHNSTAT_closed;
}

long sdk_events_use_fifo(void *control_page, event_word_t *array_page)
{
    /*
     * Every port the SDK does not use starts masked, as Linux masks its event words: only a port
     * bound now and unmasked under the 2-level ABI stays unmasked. A port bound later is
     * unmasked by its user (EVTCHNOP_unmask).
     */
    for (uint32_t port = 0; port < SDK_FIFO_PORTS; port++) {
        array_page[port] = port_in_use(port) && !sdk_evtchn_masked(port) ? 0 : FIFO_BIT(EVTCHN_FIFO_MASKED);
    }
    struct evtchn_init_control init = {
        .control_gfn = pfn_to_mfn(virt_to_pfn(control_page)),
        .offset = 0,
        .vcpu = 0,
    };
    long rc = sdk_evtchn_op(EVTCHNOP_init_control, &init);
    if (rc) {
        return rc;
    }
    sdk_fifo_control = (struct evtchn_fifo_control_block *)control_page;
    sdk_fifo_words = array_page;
    sdk_fifo = 1;
    struct evtchn_expand_array expand = { .array_gfn = pfn_to_mfn(virt_to_pfn(array_page)) };
    return sdk_evtchn_op(EVTCHNOP_expand_array, &expand);
}

long sdk_evtchn_set_priority(evtchn_port_t port, uint32_t priority)
{
    struct evtchn_set_priority set = { .port = port, .priority = priority };
    return sdk_evtchn_op(EVTCHNOP_set_priority, &set);
}

void sdk_events_enable(void)
{
    sdk_vcpu_info->evtchn_upcall_mask = 0;
    barrier();
    if (sdk_vcpu_info->evtchn_upcall_pending) {
        (void)HYPERVISOR_xen_version(XENVER_version, NULL);
    }
}

void sdk_events_disable(void)
{
    sdk_vcpu_info->evtchn_upcall_mask = 1;
    barrier();
}

unsigned long sdk_block_until_upcall(unsigned long before, unsigned long max_blocks)
{
    for (unsigned long blocks = 0; max_blocks == 0 || blocks < max_blocks; blocks++) {
        sdk_events_disable();
        if (sdk_upcalls != before) {
            break;
        }
        sdk_block();
    }
    sdk_events_enable();
    return sdk_upcalls - before;
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

uint64_t sdk_system_time(void)
{
    const volatile struct vcpu_time_info *t = &sdk_vcpu_info->time;
    uint32_t version;
    uint64_t ns;

    do {
        version = t->version;
        barrier();
        uint64_t delta = rdtsc() - t->tsc_timestamp;
        if (t->tsc_shift >= 0) {
            delta <<= t->tsc_shift;
        } else {
            delta >>= -t->tsc_shift;
        }
        ns = t->system_time + (uint64_t)(((unsigned __int128)delta * t->tsc_to_system_mul) >> 32);
        barrier();
    } while ((version & 1) || version != t->version);
    return ns;
}

long sdk_evtchn_op(int cmd, void *arg)
{
    return HYPERVISOR_event_channel_op(cmd, arg);
}

long sdk_bind_virq(uint32_t virq, uint32_t vcpu)
{
    struct evtchn_bind_virq bind = { .virq = virq, .vcpu = vcpu };
    long rc = sdk_evtchn_op(EVTCHNOP_bind_virq, &bind);
    return rc ? rc : (long)bind.port;
}

long sdk_bind_ipi(uint32_t vcpu)
{
    struct evtchn_bind_ipi bind = { .vcpu = vcpu };
    long rc = sdk_evtchn_op(EVTCHNOP_bind_ipi, &bind);
    return rc ? rc : (long)bind.port;
}

long sdk_evtchn_send(evtchn_port_t port)
{
    struct evtchn_send send = { .port = port };
    return sdk_evtchn_op(EVTCHNOP_send, &send);
}

long sdk_evtchn_close(evtchn_port_t port)
{
    struct evtchn_close close = { .port = port };
    return sdk_evtchn_op(EVTCHNOP_close, &close);
}

static long tick_port;

long sdk_tick_start(uint64_t period_ns)
{
    long port = sdk_bind_virq(VIRQ_TIMER, 0);
    if (port < 0) {
        return port;
    }
    struct vcpu_set_periodic_timer set = { .period_ns = period_ns };
    long rc = HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, &set);
    if (rc) {
        sdk_evtchn_close(port);
        return rc;
    }
    tick_port = port;
    return port;
}

long sdk_tick_stop(void)
{
    long rc = HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);
    if (tick_port > 0) {
        sdk_evtchn_close(tick_port);
        tick_port = 0;
    }
    return rc;
}

long sdk_alloc_unbound(domid_t remote)
{
    struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = remote };
    long rc = sdk_evtchn_op(EVTCHNOP_alloc_unbound, &a);
    return rc ? rc : (long)a.port;
}

long sdk_bind_interdomain(domid_t remote, evtchn_port_t remote_port)
{
    struct evtchn_bind_interdomain b = { .remote_dom = remote, .remote_port = remote_port };
    long rc = sdk_evtchn_op(EVTCHNOP_bind_interdomain, &b);
    return rc ? rc : (long)b.local_port;
}

static inline int test_port(const volatile xen_ulong_t *bits, evtchn_port_t port)
{
    return (int)((bits[port / BITS_PER_WORD] >> (port % BITS_PER_WORD)) & 1);
}

static inline int fifo_test(evtchn_port_t port, unsigned int bit)
{
    return port < SDK_FIFO_PORTS && (sdk_fifo_words[port] & FIFO_BIT(bit)) != 0;
}

int sdk_evtchn_pending(evtchn_port_t port)
{
    return sdk_fifo ? fifo_test(port, EVTCHN_FIFO_PENDING) : test_port(sdk_shared_info->evtchn_pending, port);
}

int sdk_evtchn_masked(evtchn_port_t port)
{
    return sdk_fifo ? fifo_test(port, EVTCHN_FIFO_MASKED) : test_port(sdk_shared_info->evtchn_mask, port);
}

void sdk_evtchn_clear(evtchn_port_t port)
{
    if (sdk_fifo) {
        if (port < SDK_FIFO_PORTS) {
            __atomic_fetch_and(&sdk_fifo_words[port], ~FIFO_BIT(EVTCHN_FIFO_PENDING), __ATOMIC_SEQ_CST);
        }
        return;
    }
    __atomic_fetch_and(&sdk_shared_info->evtchn_pending[port / BITS_PER_WORD], ~(1UL << (port % BITS_PER_WORD)),
                       __ATOMIC_SEQ_CST);
}

void sdk_evtchn_mask(evtchn_port_t port)
{
    if (sdk_fifo) {
        if (port < SDK_FIFO_PORTS) {
            __atomic_fetch_or(&sdk_fifo_words[port], FIFO_BIT(EVTCHN_FIFO_MASKED), __ATOMIC_SEQ_CST);
        }
        return;
    }
    __atomic_fetch_or(&sdk_shared_info->evtchn_mask[port / BITS_PER_WORD], 1UL << (port % BITS_PER_WORD), __ATOMIC_SEQ_CST);
}

long sdk_evtchn_unmask(evtchn_port_t port)
{
    struct evtchn_unmask u = { .port = port };
    return sdk_evtchn_op(EVTCHNOP_unmask, &u);
}
