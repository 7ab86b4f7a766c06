/*
 * events, "fifo": the FIFO event-channel ABI. Before the switch: expand_array
 * and set_priority refused; init_control's control block checked (vCPU,
 * offset, alignment, frames that are not the domain's or not writable). Then
 * the switch with a port bound and pending under the 2-level ABI (kept, and
 * raised once its event word exists), delivery through the queues: order
 * within a queue, priorities across queues, masking in the event word, the
 * timer VIRQ, a channel to the domain itself, SCHEDOP_poll, the port limit;
 * and EVTCHNOP_reset back to the 2-level ABI.
 */
#include "events.h"

#define CONTROL_BLOCK_SIZE  sizeof(struct evtchn_fifo_control_block)
#define BAD_MFN             (1UL << 40)

static char spare_page[SDK_PAGE_SIZE] __attribute__((aligned(SDK_PAGE_SIZE)));
static char control_page[SDK_PAGE_SIZE] __attribute__((aligned(SDK_PAGE_SIZE)));
static event_word_t array_page[SDK_FIFO_PORTS] __attribute__((aligned(SDK_PAGE_SIZE)));

static evtchn_port_t order[16];
static volatile unsigned int norder;

static void record(evtchn_port_t port)
{
    if (norder < ARRAY_SIZE(order)) {
        order[norder] = port;
    }
    norder++;
}

static long op(int cmd, void *arg)
{
    return HYPERVISOR_event_channel_op(cmd, arg);
}

static long init_control(unsigned long mfn, uint32_t offset, uint32_t vcpu, uint8_t *link_bits)
{
    struct evtchn_init_control init = { .control_gfn = mfn, .offset = offset, .vcpu = vcpu, .link_bits = 0xa5 };
    long rc = op(EVTCHNOP_init_control, &init);
    if (link_bits) {
        *link_bits = init.link_bits;
    }
    return rc;
}

static long expand(unsigned long mfn)
{
    struct evtchn_expand_array e = { .array_gfn = mfn };
    return op(EVTCHNOP_expand_array, &e);
}

static long status_of(uint32_t port)
{
    struct evtchn_status st = { .dom = DOMID_SELF, .port = port };
    long rc = op(EVTCHNOP_status, &st);
    return rc ? rc : (long)st.status;
}

static unsigned long mfn_of(const void *va)
{
    return pfn_to_mfn(virt_to_pfn(va));
}

static unsigned long l4_mfn(void)
{
    return mfn_of((const void *)sdk_start_info->pt_base);
}

/* Sends on each port with upcalls masked, then lets the one upcall take them; how many came. */
static unsigned int deliver(const long *ports, unsigned int n)
{
    norder = 0;
    sdk_events_disable();
    for (unsigned int i = 0; i < n; i++) {
        sdk_evtchn_send((evtchn_port_t)ports[i]);
    }
    sdk_events_enable();
    return norder;
}

static void before_switch_tests(void)
{
    kt_group("fifo: before init_control");
    long ipi = sdk_bind_ipi(0);
    kt_eq(sdk_evtchn_set_priority((evtchn_port_t)ipi, 3), -XEN_ENOSYS, "set_priority under the 2-level ABI",
          "no set_priority in the port ops: -ENOSYS");
    kt_eq(expand(mfn_of(spare_page)), -XEN_EOPNOTSUPP, "expand_array before init_control", "-EOPNOTSUPP");
    kt_eq(op(EVTCHNOP_expand_array, (void *)UNMAPPED_VA), -XEN_EFAULT, "expand_array, unmapped argument", "-EFAULT");
    kt_eq(op(EVTCHNOP_set_priority, (void *)UNMAPPED_VA), -XEN_EFAULT, "set_priority, unmapped argument", "-EFAULT");
    sdk_evtchn_close((evtchn_port_t)ipi);

    kt_group("fifo: init_control checks");
    unsigned long good = mfn_of(spare_page);
    uint8_t bits = 0;
    kt_eq(init_control(good, 0, 1, NULL), -XEN_ENOENT, "vCPU 1", "domain_vcpu: -ENOENT");
    kt_eq(init_control(good, 0, ALL_ONES, NULL), -XEN_ENOENT, "vCPU 2^32-1", "-ENOENT");
    kt_eq(init_control(good, SDK_PAGE_SIZE - CONTROL_BLOCK_SIZE + 8, 0, NULL), -XEN_EINVAL,
          "block crossing the page", "offset > PAGE_SIZE - sizeof: -EINVAL");
    kt_eq(init_control(good, ALL_ONES, 0, NULL), -XEN_EINVAL, "offset 2^32-1", "-EINVAL");
    kt_eq(init_control(good, 4, 0, NULL), -XEN_EINVAL, "offset not 8-byte aligned", "-EINVAL");
    kt_eq(init_control(l4_mfn(), 0, 0, NULL), -XEN_EINVAL, "block in the L4 page table", "get_page_type(writable) fails: -EINVAL");
    kt_eq(init_control(BAD_MFN, 0, 0, NULL), -XEN_EINVAL, "block in a frame past memory", "get_page_from_gfn: -EINVAL");
    kt_eq(init_control(0, 0, 0, NULL), -XEN_EINVAL, "block in frame 0 (not the domain's)", "-EINVAL");
    kt_eq(op(EVTCHNOP_init_control, (void *)UNMAPPED_VA), -XEN_EFAULT, "unmapped argument", "-EFAULT");
    kt_eq(init_control(good, SDK_PAGE_SIZE - CONTROL_BLOCK_SIZE, 0, &bits), 0,
          "block at the last offset that fits", "the domain switches to FIFO");
    kt_eq(bits, EVTCHN_FIFO_LINK_BITS, "link_bits returned", "17");
    kt_eq(init_control(good, 0, 0, NULL), -XEN_EINVAL, "a second block for vCPU 0", "map_control_block: -EINVAL");
    struct evtchn_reset r = { .dom = DOMID_SELF };
    kt_eq(op(EVTCHNOP_reset, &r), 0, "reset", "back to the 2-level ABI");
    kt_eq(expand(good), -XEN_EOPNOTSUPP, "expand_array after the reset", "-EOPNOTSUPP: 2-level again");
}

static void switch_tests(void)
{
    kt_group("fifo: switch with ports kept");
    kt_eq(sdk_events_init(), 0, "events and shared_info", "");
    sdk_port_hook = record;
    long kept = sdk_bind_ipi(0);
    sdk_evtchn_mask((evtchn_port_t)kept);
    sdk_evtchn_send((evtchn_port_t)kept);
    kt_eq(sdk_evtchn_pending((evtchn_port_t)kept), 1, "an IPI pending and masked under 2-level", "");
    kt_eq(sdk_events_use_fifo(control_page, array_page), 0, "init_control and expand_array", "FIFO ABI");
    kt_eq(status_of((evtchn_port_t)kept), EVTCHNSTAT_ipi, "the IPI port is still bound", "ports kept");
    kt_eq(sdk_evtchn_pending((evtchn_port_t)kept), 1, "and still pending, in its event word", "re-raised when its page came");
    kt_eq(sdk_evtchn_masked((evtchn_port_t)kept), 1, "masked", "the SDK keeps its mask");
    kt_eq(sdk_fifo_words[kept] & (1U << EVTCHN_FIFO_LINKED), 0, "not linked while masked", "");
    kt_eq(expand(mfn_of(spare_page)), 0, "a second page of event words", "ports 1024-2047");
    kt_eq(expand(l4_mfn()), -XEN_EINVAL, "the L4 page table as event words", "-EINVAL");
    kt_eq(expand(BAD_MFN), -XEN_EINVAL, "a frame past memory", "-EINVAL");
    sdk_events_enable();
    norder = 0;
    kt_eq(sdk_evtchn_unmask((evtchn_port_t)kept), 0, "unmask it", "EVTCHNOP_unmask");
    kt_eq(norder, 1, "its event arrives", "linked and the queue made ready");
    kt_eq(order[0], kept, "on the kept port", "");
    kt_eq(sdk_fifo_words[kept] & (1U << EVTCHN_FIFO_PENDING | 1U << EVTCHN_FIFO_LINKED), 0, "handled and unlinked", "");
    sdk_evtchn_mask((evtchn_port_t)kept);
    sdk_evtchn_close((evtchn_port_t)kept);
}

static void delivery_tests(void)
{
    kt_group("fifo: queues");
    long p[3];
    for (unsigned int i = 0; i < 3; i++) {
        p[i] = sdk_bind_ipi(0);
        kt_eq(sdk_evtchn_masked((evtchn_port_t)p[i]), 1, "a new port starts masked", "the SDK masks the ports it does not use");
        sdk_evtchn_unmask((evtchn_port_t)p[i]);
    }
    long sent[3] = { p[2], p[0], p[1] };
    kt_eq(deliver(sent, 3), 3, "three events on one queue", "");
    kt_check(order[0] == p[2] && order[1] == p[0] && order[2] == p[1], "in the order they were raised", "FIFO within a queue", "");
    kt_eq(sdk_fifo_control->ready, 0, "no queue ready afterwards", "ready bit cleared by the guest");

    kt_eq(sdk_evtchn_set_priority((evtchn_port_t)p[0], 9), 0, "priority 9", "");
    kt_eq(sdk_evtchn_set_priority((evtchn_port_t)p[1], EVTCHN_FIFO_PRIORITY_MAX), 0, "priority 0 (highest)", "");
    kt_eq(sdk_evtchn_set_priority((evtchn_port_t)p[2], EVTCHN_FIFO_PRIORITY_MIN), 0, "priority 15 (lowest)", "");
    kt_eq(sdk_evtchn_set_priority((evtchn_port_t)p[2], EVTCHN_FIFO_PRIORITY_MIN + 1), -XEN_EINVAL, "priority 16", "-EINVAL");
    kt_eq(sdk_evtchn_set_priority((evtchn_port_t)p[2], ALL_ONES), -XEN_EINVAL, "priority 2^32-1", "-EINVAL");
    kt_eq(sdk_evtchn_set_priority(4095, 1), -XEN_EINVAL, "port 4095", "not valid: -EINVAL");
    kt_eq(sdk_evtchn_set_priority(ALL_ONES, 1), -XEN_EINVAL, "port 2^32-1", "-EINVAL");
    long mixed[3] = { p[2], p[0], p[1] };
    kt_eq(deliver(mixed, 3), 3, "three events on three queues", "");
    kt_check(order[0] == p[1] && order[1] == p[0] && order[2] == p[2], "highest priority first", "ready bits, lowest number first", "");

    kt_group("fifo: masking");
    sdk_evtchn_mask((evtchn_port_t)p[0]);
    norder = 0;
    sdk_evtchn_send((evtchn_port_t)p[0]);
    kt_eq(norder, 0, "a masked port is not delivered", "MASKED in its event word");
    kt_eq(sdk_evtchn_pending((evtchn_port_t)p[0]), 1, "but is pending", "PENDING");
    kt_eq(sdk_fifo_words[p[0]] & (1U << EVTCHN_FIFO_LINKED), 0, "and not linked", "");
    sdk_evtchn_unmask((evtchn_port_t)p[0]);
    kt_eq(norder, 1, "unmask delivers it", "evtchn_fifo_unmask relinks a pending port");
    sdk_evtchn_send((evtchn_port_t)p[0]);
    kt_eq(norder, 2, "and the next send arrives at once", "");

    kt_group("fifo: channels and timers");
    long self_unbound = sdk_alloc_unbound(DOMID_SELF);
    long self_bound = sdk_bind_interdomain(DOMID_SELF, (evtchn_port_t)self_unbound);
    sdk_evtchn_unmask((evtchn_port_t)self_unbound);
    sdk_evtchn_unmask((evtchn_port_t)self_bound);
    norder = 0;
    sdk_evtchn_send((evtchn_port_t)self_bound);
    kt_check(norder >= 1 && order[norder - 1] == self_unbound, "a channel to the domain itself", "send raises the other end", "");
    long timer = sdk_bind_virq(VIRQ_TIMER, 0);
    sdk_evtchn_unmask((evtchn_port_t)timer);
    norder = 0;
    struct vcpu_set_singleshot_timer set = { .timeout_abs_ns = sdk_system_time() + 2000000 };
    HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &set);
    for (sdk_events_disable(); norder == 0; sdk_events_disable()) {
        sdk_block();
    }
    sdk_events_enable();
    kt_eq(order[0], timer, "VIRQ_TIMER through a queue", "block wakes on it");

    kt_group("fifo: poll");
    evtchn_port_t polled = (evtchn_port_t)p[1];
    sdk_evtchn_mask(polled);
    sdk_evtchn_send(polled);
    struct sched_poll poll = { .ports = &polled, .nr_ports = 1, .timeout = 0 };
    kt_eq(HYPERVISOR_sched_op(SCHEDOP_poll, &poll), 0, "poll of a pending masked port", "returns at once");
    sdk_evtchn_clear(polled);
    poll.timeout = sdk_system_time() + 2000000;
    uint64_t start = sdk_system_time();
    kt_eq(HYPERVISOR_sched_op(SCHEDOP_poll, &poll), 0, "poll of an idle port", "");
    kt_check(sdk_system_time() - start >= 2000000, "times out", "poll_timer", "");
    evtchn_port_t beyond = 1024;
    poll.ports = &beyond;
    /* With upcalls masked: a deliverable upcall would end the poll before its ports are looked at. */
    sdk_events_disable();
    kt_eq(HYPERVISOR_sched_op(SCHEDOP_poll, &poll), -XEN_EINVAL, "poll of port 1024", "beyond the valid ports: -EINVAL");
    sdk_events_enable();

    kt_group("fifo: port limit");
    long last = 0, rc;
    unsigned int count = 0;
    while ((rc = sdk_alloc_unbound(0)) > 0) {
        last = rc;
        count++;
    }
    kt_eq(rc, -XEN_ENOSPC, "allocation past the limit", "-ENOSPC");
    kt_eq(last, 1023, "the last port is max_event_channels", "FIFO allows 2^17, the domain's limit is 1023");
    for (long port = last; count > 0; port--, count--) {
        sdk_evtchn_close((evtchn_port_t)port);
    }
}

static void reset_tests(void)
{
    kt_group("fifo: reset");
    struct evtchn_reset r = { .dom = DOMID_SELF };
    kt_eq(op(EVTCHNOP_reset, &r), 0, "reset of the own domain", "closes every port");
    sdk_fifo = 0;
    kt_eq(sdk_evtchn_set_priority(1, 1), -XEN_ENOSYS, "set_priority afterwards", "2-level port ops: -ENOSYS");
    kt_eq(expand(mfn_of(spare_page)), -XEN_EOPNOTSUPP, "expand_array afterwards", "2-level again: -EOPNOTSUPP");
    long ipi = sdk_bind_ipi(0);
    kt_eq(sdk_evtchn_set_priority((evtchn_port_t)ipi, 1), -XEN_ENOSYS, "set_priority on a bound port", "-ENOSYS");
}

void fifo_tests(void)
{
    before_switch_tests();
    switch_tests();
    delivery_tests();
    reset_tests();
}
