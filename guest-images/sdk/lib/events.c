/*
 * TruffleXen guest SDK: events and time (see sdk/events.h).
 */
#include <sdk/events.h>
#include <xen/callback.h>

struct vcpu_info *sdk_vcpu_info;
volatile unsigned long sdk_upcalls;
volatile unsigned long sdk_upcall_selectors;
void (*volatile sdk_upcall_hook)(unsigned long selector);

static struct vcpu_info vcpu_info_page __attribute__((aligned(64)));

extern char sdk_event_entry[];

/* Called by sdk_event_entry with events masked. */
void sdk_event_dispatch(void);
void sdk_event_dispatch(void)
{
    struct vcpu_info *vi = sdk_vcpu_info;

    vi->evtchn_upcall_pending = 0;
    barrier();
    unsigned long sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    sdk_upcalls++;
    sdk_upcall_selectors |= sel;
    if (sdk_upcall_hook) {
        sdk_upcall_hook(sel);
    }
}

long sdk_events_init(void)
{
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
