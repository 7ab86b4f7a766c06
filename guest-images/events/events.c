/*
 * events: the event-channel operations (2-level ABI) checked case by case
 * against Xen's rules, including hostile ports and arguments; then upcall
 * delivery, time and timers (timers.c). See ktest.h for the output.
 */
#include "events.h"

static unsigned int self_id;

static long op(int cmd, void *arg)
{
    return HYPERVISOR_event_channel_op(cmd, arg);
}

static long alloc_unbound(unsigned int dom, unsigned int remote)
{
    struct evtchn_alloc_unbound a = { .dom = dom, .remote_dom = remote };
    long rc = op(EVTCHNOP_alloc_unbound, &a);
    return rc ? rc : (long)a.port;
}

static long status(unsigned int dom, uint32_t port, struct evtchn_status *st)
{
    memset(st, 0xa5, sizeof(*st));
    st->dom = dom;
    st->port = port;
    return op(EVTCHNOP_status, st);
}

static long status_of(uint32_t port)
{
    struct evtchn_status st;
    long rc = status(DOMID_SELF, port, &st);
    return rc ? rc : (long)st.status;
}

static long bind_interdomain(unsigned int dom, uint32_t remote_port)
{
    struct evtchn_bind_interdomain b = { .remote_dom = dom, .remote_port = remote_port };
    long rc = op(EVTCHNOP_bind_interdomain, &b);
    return rc ? rc : (long)b.local_port;
}

static long bind_vcpu(uint32_t port, uint32_t vcpu)
{
    struct evtchn_bind_vcpu b = { .port = port, .vcpu = vcpu };
    return op(EVTCHNOP_bind_vcpu, &b);
}


static long bind_pirq(uint32_t pirq)
{
    struct evtchn_bind_pirq b = { .pirq = pirq };
    return op(EVTCHNOP_bind_pirq, &b);
}

static void alloc_and_status_tests(start_info_t *si)
{
    struct evtchn_status st;

    kt_group("status");
    kt_eq(status(DOMID_SELF, si->console.domU.evtchn, &st), 0, "console port", "evtchn_status");
    kt_check(st.status == EVTCHNSTAT_interdomain || st.status == EVTCHNSTAT_unbound, "console port is a channel to dom0",
             "interdomain once the backend binds it, unbound before", "");
    kt_eq(st.u.interdomain.dom, 0, "console port's remote is dom0", "u.interdomain.dom / u.unbound.dom");
    printf("# console_port_status=%#x\n", st.status);
    kt_eq(status_of(si->store_evtchn), EVTCHNSTAT_unbound, "xenstore port, no daemon bound", "unbound for dom0");
    kt_eq(status_of(0), EVTCHNSTAT_closed, "port 0", "ECS_RESERVED reads as closed");
    kt_eq(status_of(63), EVTCHNSTAT_closed, "free port 63 in the first bucket", "ECS_FREE: closed");
    kt_eq(status_of(64), -XEN_EINVAL, "port 64 beyond the valid buckets", "port_is_valid: -EINVAL");
    kt_eq(status_of(4095), -XEN_EINVAL, "port 4095", "-EINVAL");
    kt_eq(status_of(ALL_ONES), -XEN_EINVAL, "port 2^32-1", "-EINVAL");
    kt_eq(status(NO_SUCH_DOMID, 1, &st), -XEN_ESRCH, "status in no such domain", "rcu_lock_domain_by_any_id: -ESRCH");
    kt_eq(op(EVTCHNOP_status, (void *)UNMAPPED_VA), -XEN_EFAULT, "status with an unmapped argument", "-EFAULT");
    kt_eq(op(EVTCHNOP_status, (void *)HYPERVISOR_VA), -XEN_EFAULT, "status with a hypervisor-range argument", "-EFAULT");

    kt_group("alloc_unbound");
    long self = alloc_unbound(DOMID_SELF, DOMID_SELF);
    kt_check(self > 2, "alloc for DOMID_SELF", "lowest free port after console and xenstore", "");
    status(DOMID_SELF, self, &st);
    self_id = st.u.unbound.dom;
    kt_eq(st.status, EVTCHNSTAT_unbound, "new port is unbound", "ECS_UNBOUND");
    kt_check(self_id != 0 && self_id < DOMID_FIRST_RESERVED, "remote DOMID_SELF becomes the caller's id", "", "");
    kt_eq(status(self_id, self, &st), 0, "status naming the own domain id", "same as DOMID_SELF");
    kt_eq(alloc_unbound(NO_SUCH_DOMID, 0), -XEN_ESRCH, "alloc in no such domain", "-ESRCH");
    kt_eq(op(EVTCHNOP_alloc_unbound, (void *)UNMAPPED_VA), -XEN_EFAULT, "unmapped argument", "-EFAULT");
    kt_eq(op(EVTCHNOP_alloc_unbound, (void *)HYPERVISOR_VA), -XEN_EFAULT, "hypervisor-range argument", "-EFAULT");
    long again = alloc_unbound(DOMID_SELF, 0);
    kt_eq(again, self + 1, "next allocation", "get_free_port: lowest free");
    kt_eq(sdk_evtchn_close(again), 0, "close it", "evtchn_close");
    kt_eq(alloc_unbound(DOMID_SELF, 0), again, "a closed port is reused", "lowest free");
    sdk_evtchn_close(again);
    sdk_evtchn_close(self);
}

static void interdomain_tests(void)
{
    struct evtchn_status st;

    kt_group("bind_interdomain");
    long a = alloc_unbound(DOMID_SELF, DOMID_SELF);
    long b = bind_interdomain(DOMID_SELF, a);
    kt_check(b > 0 && b != a, "loopback bind to an own unbound port", "evtchn_bind_interdomain", "");
    status(DOMID_SELF, a, &st);
    kt_eq(st.status, EVTCHNSTAT_interdomain, "remote end is interdomain", "");
    kt_eq(st.u.interdomain.port, b, "remote end points at the local port", "u.interdomain.port");
    kt_eq(st.u.interdomain.dom, self_id, "remote end points at this domain", "u.interdomain.dom");
    kt_eq(bind_interdomain(DOMID_SELF, a), -XEN_EINVAL, "bind a port that is already bound", "not ECS_UNBOUND: -EINVAL");
    kt_eq(bind_interdomain(NO_SUCH_DOMID, 1), -XEN_ESRCH, "bind to no such domain", "-ESRCH");
    kt_eq(bind_interdomain(DOMID_SELF, 4095), -XEN_EINVAL, "remote port 4095", "-EINVAL");
    kt_eq(bind_interdomain(DOMID_SELF, ALL_ONES), -XEN_EINVAL, "remote port 2^32-1", "-EINVAL");
    long for_dom0 = alloc_unbound(DOMID_SELF, 0);
    kt_eq(bind_interdomain(DOMID_SELF, for_dom0), -XEN_EINVAL, "bind a port reserved for dom0", "remote_domid != caller: -EINVAL");
    sdk_evtchn_close(for_dom0);
    kt_eq(op(EVTCHNOP_bind_interdomain, (void *)UNMAPPED_VA), -XEN_EFAULT, "unmapped argument", "-EFAULT");
    kt_eq(sdk_evtchn_send(b), 0, "send on a bound interdomain port", "evtchn_send");

    kt_group("close");
    kt_eq(sdk_evtchn_close(a), 0, "close one end while the other is bound", "evtchn_close");
    status(DOMID_SELF, b, &st);
    kt_eq(st.status, EVTCHNSTAT_unbound, "the other end becomes unbound", "ECS_UNBOUND");
    kt_eq(st.u.unbound.dom, self_id, "for the domain that closed", "u.unbound.dom");
    kt_eq(sdk_evtchn_send(b), 0, "send on the now-unbound end", "silently dropped");
    kt_eq(sdk_evtchn_close(b), 0, "close the other end", "");
    kt_eq(sdk_evtchn_close(b), -XEN_EINVAL, "close a free port", "ECS_FREE: -EINVAL");
    kt_eq(sdk_evtchn_close(0), -XEN_EINVAL, "close port 0", "ECS_RESERVED: -EINVAL");
    kt_eq(sdk_evtchn_close(4095), -XEN_EINVAL, "close port 4095", "-EINVAL");
    kt_eq(sdk_evtchn_close(ALL_ONES), -XEN_EINVAL, "close port 2^32-1", "-EINVAL");
    kt_eq(op(EVTCHNOP_close, (void *)HYPERVISOR_VA), -XEN_EFAULT, "hypervisor-range argument", "-EFAULT");
}

/*
 * A closed end's number bound again must not hear from the end that lost it (the send must not
 * find the old binding). Needs shared_info mapped for the pending bits: runs after the upcall tests.
 */
static void rebind_tests(void)
{
    kt_group("close, then bind the number again");
    long a = alloc_unbound(DOMID_SELF, DOMID_SELF);
    long b = bind_interdomain(DOMID_SELF, a);
    kt_eq(sdk_evtchn_close(a), 0, "close one end", "");
    long c = alloc_unbound(DOMID_SELF, DOMID_SELF);
    kt_eq(c, a, "the closed end's number is handed out again", "lowest free");
    long d = bind_interdomain(DOMID_SELF, c);
    kt_check(d > 0, "and bound again, to a new port", "evtchn_bind_interdomain", "");
    sdk_evtchn_mask((evtchn_port_t)c);
    sdk_evtchn_clear((evtchn_port_t)c);
    kt_eq(sdk_evtchn_send(b), 0, "send on the end that lost its peer", "unbound: dropped");
    kt_eq(sdk_evtchn_pending((evtchn_port_t)c), 0, "the number's new binding is not raised", "the close took the old binding");
    kt_eq(sdk_evtchn_send(d), 0, "send on its new peer", "");
    kt_eq(sdk_evtchn_pending((evtchn_port_t)c), 1, "raises it", "");
    sdk_evtchn_clear((evtchn_port_t)c);
    sdk_evtchn_unmask((evtchn_port_t)c);
    sdk_evtchn_close(d);
    sdk_evtchn_close(c);
    sdk_evtchn_close(b);
}

static void virq_ipi_pirq_tests(void)
{
    struct evtchn_status st;

    kt_group("bind_virq");
    long timer = sdk_bind_virq(VIRQ_TIMER, 0);
    kt_check(timer > 0, "VIRQ_TIMER on vCPU 0", "evtchn_bind_virq", "");
    status(DOMID_SELF, timer, &st);
    kt_eq(st.status, EVTCHNSTAT_virq, "status virq", "");
    kt_eq(st.u.virq, VIRQ_TIMER, "status names the virq", "u.virq");
    kt_eq(sdk_bind_virq(VIRQ_TIMER, 0), -XEN_EEXIST, "VIRQ_TIMER twice", "-EEXIST");
    kt_eq(sdk_bind_virq(VIRQ_TIMER, 1), -XEN_ENOENT, "VIRQ_TIMER on vCPU 1", "no such vCPU: -ENOENT");
    kt_eq(sdk_bind_virq(VIRQ_TIMER, ALL_ONES), -XEN_ENOENT, "VIRQ_TIMER on vCPU 2^32-1", "-ENOENT");
    kt_eq(sdk_bind_virq(NR_VIRQS, 0), -XEN_EINVAL, "virq 24", "beyond NR_VIRQS: -EINVAL");
    kt_eq(sdk_bind_virq(ALL_ONES, 0), -XEN_EINVAL, "virq 2^32-1", "-EINVAL");
    kt_eq(sdk_bind_virq(VIRQ_CONSOLE, 0), -XEN_EBUSY, "global VIRQ_CONSOLE", "handled by the hardware domain: -EBUSY");
    kt_eq(sdk_bind_virq(VIRQ_DOM_EXC, 0), -XEN_EBUSY, "global VIRQ_DOM_EXC", "-EBUSY");
    kt_eq(sdk_bind_virq(VIRQ_CONSOLE, 1), -XEN_EINVAL, "global virq on vCPU 1", "not per-vCPU: -EINVAL");
    kt_eq(sdk_bind_virq(VIRQ_ARGO, 1), -XEN_EINVAL, "per-domain VIRQ_ARGO on vCPU 1", "-EINVAL");
    long argo = sdk_bind_virq(VIRQ_ARGO, 0);
    kt_check(argo > 0, "per-domain VIRQ_ARGO on vCPU 0", "VIRQ_DOMAIN", "");
    long debug = sdk_bind_virq(VIRQ_DEBUG, 0);
    kt_check(debug > 0, "per-vCPU VIRQ_DEBUG", "VIRQ_VCPU", "");
    kt_eq(sdk_evtchn_send(timer), -XEN_EINVAL, "send on a virq port", "-EINVAL");
    kt_eq(bind_vcpu(timer, 0), -XEN_EINVAL, "bind_vcpu of a per-vCPU virq", "-EINVAL");
    kt_eq(bind_vcpu(argo, 0), 0, "bind_vcpu of a per-domain virq", "notify_vcpu_id changes");
    kt_eq(sdk_evtchn_close(timer), 0, "close the VIRQ_TIMER port", "");
    long timer2 = sdk_bind_virq(VIRQ_TIMER, 0);
    kt_check(timer2 > 0, "VIRQ_TIMER binds again after close", "virq_to_evtchn cleared", "");
    sdk_evtchn_close(timer2);
    sdk_evtchn_close(argo);
    sdk_evtchn_close(debug);
    kt_eq(op(EVTCHNOP_bind_virq, (void *)UNMAPPED_VA), -XEN_EFAULT, "unmapped argument", "-EFAULT");

    kt_group("bind_ipi");
    long ipi = sdk_bind_ipi(0);
    kt_check(ipi > 0, "IPI on vCPU 0", "evtchn_bind_ipi", "");
    kt_eq(status_of(ipi), EVTCHNSTAT_ipi, "status ipi", "");
    kt_eq(sdk_bind_ipi(1), -XEN_ENOENT, "IPI on vCPU 1", "-ENOENT");
    kt_eq(sdk_bind_ipi(ALL_ONES), -XEN_ENOENT, "IPI on vCPU 2^32-1", "-ENOENT");
    kt_eq(bind_vcpu(ipi, 0), -XEN_EINVAL, "bind_vcpu of an IPI port", "ECS_IPI: -EINVAL");
    kt_eq(sdk_evtchn_close(ipi), 0, "close it", "");

    kt_group("bind_pirq");
    kt_eq(bind_pirq(0), -XEN_EPERM, "pirq 0 in a domU", "pirq_access_permitted: -EPERM");
    kt_eq(bind_pirq(1000), -XEN_EINVAL, "pirq 1000", "beyond nr_pirqs: -EINVAL");
    kt_eq(bind_pirq(ALL_ONES), -XEN_EINVAL, "pirq 2^32-1", "-EINVAL");

    kt_group("bind_vcpu");
    long u = alloc_unbound(DOMID_SELF, 0);
    kt_eq(bind_vcpu(u, 0), 0, "unbound port to vCPU 0", "");
    kt_eq(bind_vcpu(u, 1), -XEN_ENOENT, "to vCPU 1", "-ENOENT");
    kt_eq(bind_vcpu(ALL_ONES, 0), -XEN_EINVAL, "port 2^32-1", "-EINVAL");
    kt_eq(bind_vcpu(ALL_ONES, 1), -XEN_ENOENT, "port 2^32-1 to vCPU 1", "vCPU checked first: -ENOENT");
    kt_eq(bind_vcpu(63, 0), -XEN_EINVAL, "a free port", "ECS_FREE: -EINVAL");
    sdk_evtchn_close(u);
}

static void send_unmask_fifo_tests(void)
{
    kt_group("send");
    kt_eq(sdk_evtchn_send(0), -XEN_EINVAL, "port 0", "ECS_RESERVED: -EINVAL");
    kt_eq(sdk_evtchn_send(63), -XEN_EINVAL, "a free port", "-EINVAL");
    kt_eq(sdk_evtchn_send(4095), -XEN_EINVAL, "port 4095", "-EINVAL");
    kt_eq(sdk_evtchn_send(ALL_ONES), -XEN_EINVAL, "port 2^32-1", "-EINVAL");
    kt_eq(sdk_evtchn_send(0x80000000U), -XEN_EINVAL, "port 2^31", "-EINVAL");
    kt_eq(sdk_evtchn_send(sdk_start_info->console.domU.evtchn), 0, "the console port", "notifies the backend");
    kt_eq(op(EVTCHNOP_send, (void *)UNMAPPED_VA), -XEN_EFAULT, "unmapped argument", "-EFAULT");

    kt_group("unmask");
    kt_eq(unmask(0), 0, "port 0", "a valid port: 0");
    kt_eq(unmask(63), 0, "a free port in the valid range", "0");
    kt_eq(unmask(4095), -XEN_EINVAL, "port 4095", "-EINVAL");
    kt_eq(unmask(ALL_ONES), -XEN_EINVAL, "port 2^32-1", "-EINVAL");

    kt_group("fifo and unknown commands");
    kt_eq(op(EVTCHNOP_init_control, NULL), -XEN_EFAULT, "init_control, NULL argument", "-EFAULT, 2-level stays");
    kt_eq(op(EVTCHNOP_expand_array, NULL), -XEN_EFAULT, "expand_array, NULL argument", "-EFAULT");
    kt_eq(op(EVTCHNOP_set_priority, NULL), -XEN_EFAULT, "set_priority, NULL argument", "-EFAULT");
    kt_eq(op(15, NULL), -XEN_ENOSYS, "command 15", "-ENOSYS");
    kt_eq(op((int)0x80000000, NULL), -XEN_ENOSYS, "command 2^31", "-ENOSYS");
}

static void limit_tests(void)
{
    kt_group("port limit");
    long last = 0, rc;
    unsigned int count = 0;
    while ((rc = alloc_unbound(DOMID_SELF, 0)) > 0) {
        last = rc;
        count++;
    }
    kt_eq(rc, -XEN_ENOSPC, "allocation past the limit", "get_free_port: -ENOSPC");
    kt_eq(last, 1023, "the last port is max_event_channels", "1023 by default");
    kt_eq(status_of(1023), EVTCHNSTAT_unbound, "port 1023 is valid now", "");
    kt_eq(status_of(1024), -XEN_EINVAL, "port 1024 never becomes valid", "-EINVAL");
    kt_eq(sdk_bind_ipi(0), -XEN_ENOSPC, "bind_ipi when full", "-ENOSPC");
    kt_eq(sdk_bind_virq(VIRQ_TIMER, 0), -XEN_ENOSPC, "bind_virq when full", "-ENOSPC");
    for (long p = last; count > 0; p--, count--) {
        sdk_evtchn_close(p);
    }
    kt_eq(status_of(1023), EVTCHNSTAT_closed, "closed again", "");
}

static long watchdog(uint32_t id, uint32_t timeout)
{
    struct sched_watchdog w = { .id = id, .timeout = timeout };
    return HYPERVISOR_sched_op(SCHEDOP_watchdog, &w);
}

static void watchdog_tests(void)
{
    kt_group("watchdog");
    kt_eq(watchdog(3, 10), -XEN_EINVAL, "id 3", "beyond NR_DOMAIN_WATCHDOG_TIMERS: -EINVAL");
    kt_eq(watchdog(ALL_ONES, 10), -XEN_EINVAL, "id 2^32-1", "-EINVAL");
    kt_eq(watchdog(1, 10), -XEN_EINVAL, "poke an unused watchdog", "-EINVAL");
    kt_eq(watchdog(0, 3600), 1, "create the first", "returns id 1");
    kt_eq(watchdog(0, 3600), 2, "create the second", "returns id 2");
    kt_eq(watchdog(0, 3600), -XEN_ENOSPC, "a third", "-ENOSPC");
    kt_eq(watchdog(1, 3600), 0, "poke watchdog 1", "re-armed");
    kt_eq(watchdog(1, 0), 0, "destroy watchdog 1", "timeout 0");
    kt_eq(watchdog(1, 0), -XEN_EINVAL, "destroy it again", "-EINVAL");
    kt_eq(watchdog(0, 3600), 1, "id 1 is free again", "");
    kt_eq(watchdog(1, 0), 0, "destroy 1", "");
    kt_eq(watchdog(2, 0), 0, "destroy 2", "");
    kt_eq(HYPERVISOR_sched_op(SCHEDOP_watchdog, (void *)UNMAPPED_VA), -XEN_EFAULT, "unmapped argument", "-EFAULT");
}

static void reset_tests(start_info_t *si)
{
    struct evtchn_reset r = { .dom = NO_SUCH_DOMID };

    kt_group("reset");
    kt_eq(op(EVTCHNOP_reset, &r), -XEN_ESRCH, "reset of no such domain", "-ESRCH");
    kt_eq(op(EVTCHNOP_reset, (void *)UNMAPPED_VA), -XEN_EFAULT, "unmapped argument", "-EFAULT");
    long ipi = sdk_bind_ipi(0);
    r.dom = DOMID_SELF;
    kt_eq(op(EVTCHNOP_reset, &r), 0, "reset of the own domain", "evtchn_reset");
    kt_eq(status_of(ipi), EVTCHNSTAT_closed, "an IPI port is closed", "");
    kt_eq(status_of(si->console.domU.evtchn), EVTCHNSTAT_closed, "the console port is closed", "every port");
    kt_eq(alloc_unbound(DOMID_SELF, 0), 1, "allocation starts at port 1 again", "");
}

static const char *option(start_info_t *si, const char *name)
{
    size_t n = strlen(name);

    for (const char *p = (const char *)si->cmd_line; *p; p++) {
        if (strncmp(p, name, n) == 0) {
            return p + n;
        }
    }
    return NULL;
}

void kernel_main(start_info_t *si)
{
    const char *bench = option(si, "bench=");

    if (bench) {
        run_bench(bench);
        return;
    }
    const char *pingpong = option(si, "pingpong=");
    if (pingpong) {
        run_pingpong(si, pingpong);
        return;
    }
    if (option(si, "fifo")) {
        fifo_tests();
        kt_summary();
        return;
    }
    if (option(si, "no-callback")) {
        /* An event pending and no callback registered: block unmasks, and Xen bounces to address 0. */
        long ipi = sdk_bind_ipi(0);
        printf("no-callback: send %ld\n", sdk_evtchn_send((evtchn_port_t)ipi));
        sdk_block();
        printf("no-callback: still running\n");
        return;
    }
    if (option(si, "watchdog-expires")) {
        /* A 1 s watchdog nobody pokes: the domain must stop with SHUTDOWN_watchdog. */
        printf("watchdog armed: %ld\n", watchdog(0, 1));
        for (;;) {
            sdk_block();
        }
    }
    alloc_and_status_tests(si);
    interdomain_tests();
    virq_ipi_pirq_tests();
    send_unmask_fifo_tests();
    limit_tests();
    upcall_tests();
    rebind_tests();
    timer_tests();
    watchdog_tests();
    reset_tests(si);
    kt_summary();
}
