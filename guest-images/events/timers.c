/*
 * events: upcall delivery (vcpu_info placement, masking, re-delivery after
 * unmask), the guest's clocks, timers, SCHEDOP_block and SCHEDOP_poll.
 */
#include "events.h"

static struct vcpu_info spare_info __attribute__((aligned(64)));
static vcpu_runstate_info_t runstate_area;

static long register_vcpu_info(unsigned long mfn, unsigned int offset)
{
    struct vcpu_register_vcpu_info info = { .mfn = mfn, .offset = offset };
    return HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 0, &info);
}

static long singleshot(uint64_t deadline, uint32_t flags)
{
    struct vcpu_set_singleshot_timer set = { .timeout_abs_ns = deadline, .flags = flags };
    return HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &set);
}

static long periodic(uint64_t period)
{
    struct vcpu_set_periodic_timer set = { .period_ns = period };
    return HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, &set);
}

static long poll(evtchn_port_t *ports, unsigned int n, uint64_t timeout)
{
    struct sched_poll p = { .ports = ports, .nr_ports = n, .timeout = timeout };
    return HYPERVISOR_sched_op(SCHEDOP_poll, &p);
}

/* What the per-port hook saw: ports in order, and how deep in nested upcalls. */
static evtchn_port_t seen[8];
static volatile unsigned int nseen;
static volatile unsigned int depth, max_depth;
static evtchn_port_t chained_from, chained_to;

static void record_port(evtchn_port_t port)
{
    depth++;
    if (depth > max_depth) {
        max_depth = depth;
    }
    if (nseen < ARRAY_SIZE(seen)) {
        seen[nseen] = port;
    }
    nseen++;
    if (port == chained_from && chained_to) {
        /* Raised inside the handler (events masked): delivered when the upcall's iret unmasks. */
        sdk_evtchn_send(chained_to);
    }
    depth--;
}

/* The per-port mask bit, unmask delivering a pending event, delivery on the upcall's iret. */
static void port_mask_tests(void)
{
    kt_group("shared_info and the port mask");
    kt_check(sdk_shared_info != NULL, "shared_info mapped at its fixed address", "update_va_mapping of start_info's frame", "");
    kt_eq(sdk_shared_info->vcpu_info[0].time.tsc_to_system_mul, sdk_vcpu_info->time.tsc_to_system_mul,
          "its vcpu_info[0] time is the registered copy's", "same domain clock");
    kt_eq(sdk_shared_info->wc_version & 1, 0, "wall clock version even", "wc_version");
    kt_check(sdk_shared_info->wc_sec > 1600000000U, "wall clock seconds are a real date", "wc_sec", "");
    sdk_port_hook = record_port;
    long a = sdk_bind_ipi(0), b = sdk_bind_ipi(0);
    unsigned long before = sdk_upcalls;
    nseen = 0;
    sdk_evtchn_mask(a);
    kt_eq(sdk_evtchn_masked(a), 1, "mask bit set", "evtchn_mask in shared_info");
    kt_eq(sdk_evtchn_send(a), 0, "send on the masked port", "");
    kt_eq(sdk_upcalls, before, "no upcall for a masked port", "evtchn_2l_set_pending: masked");
    kt_eq(sdk_evtchn_pending(a), 1, "its pending bit is set", "");
    kt_eq(sdk_vcpu_info->evtchn_upcall_pending, 0, "no upcall pending", "selector untouched while masked");
    sdk_evtchn_send(b);
    kt_eq(sdk_upcalls, before + 1, "another port still delivers", "mask is per port");
    kt_eq(nseen, 1, "the scan handled one port", "");
    kt_eq(seen[0], b, "the unmasked one", "pending & ~mask");
    kt_eq(sdk_evtchn_pending(a), 1, "the masked port stays pending", "");
    kt_eq(sdk_evtchn_unmask(a), 0, "EVTCHNOP_unmask of the pending port", "evtchn_2l_unmask");
    kt_eq(sdk_upcalls, before + 2, "delivers it on the hypercall's return", "");
    kt_eq(seen[1], a, "the handler saw the unmasked port", "");
    kt_eq(sdk_evtchn_masked(a), 0, "mask bit clear", "");
    kt_eq(sdk_evtchn_pending(a), 0, "pending bit cleared by the handler", "");
    sdk_evtchn_mask(a);
    sdk_evtchn_send(a);
    sdk_evtchn_clear(a);
    kt_eq(sdk_evtchn_unmask(a), 0, "unmask after the guest cleared pending", "");
    kt_eq(sdk_upcalls, before + 2, "nothing delivered", "not pending");
    sdk_events_disable();
    sdk_evtchn_mask(a);
    sdk_evtchn_send(a);
    sdk_evtchn_unmask(a);
    kt_eq(sdk_upcalls, before + 2, "unmask while upcalls are masked", "upcall pending, not delivered");
    kt_eq(sdk_vcpu_info->evtchn_upcall_pending, 1, "upcall pending flag set by the unmask", "");
    sdk_events_enable();
    kt_eq(sdk_upcalls, before + 3, "delivered when the upcall mask clears", "");

    kt_group("delivery on iret");
    nseen = 0;
    max_depth = 0;
    chained_from = a;
    chained_to = b;
    sdk_evtchn_send(a);
    kt_eq(sdk_upcalls, before + 5, "an event raised inside the handler is a second upcall", "");
    kt_eq(nseen, 2, "two ports handled", "");
    kt_eq(seen[0], a, "first the sent port", "");
    kt_eq(seen[1], b, "then the one raised in its handler", "delivered on the iret hypercall's return");
    kt_eq(max_depth, 1, "never nested", "events masked during the upcall");
    chained_to = 0;
    sdk_port_hook = NULL;
    sdk_evtchn_close(a);
    sdk_evtchn_close(b);
}

static vcpu_time_info_t time_area, first_copy;

static long register_time_area(uint64_t address)
{
    struct vcpu_register_time_memory_area area = { .addr.p = address };
    return HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_time_memory_area, 0, &area);
}

/* A second copy of vcpu_info's time, written at once with an even version (compared once shared_info is mapped). */
static void time_area_registered(void)
{
    kt_group("register_vcpu_time_memory_area");
    kt_eq(register_time_area(HYPERVISOR_VA), -XEN_EFAULT, "an address in the hypervisor's range", "guest_handle_okay: -EFAULT");
    kt_eq(HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_time_memory_area, 0, (void *)UNMAPPED_VA), -XEN_EFAULT,
          "unmapped argument", "-EFAULT");
    kt_eq(HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_time_memory_area, 1, &time_area), -XEN_ENOENT, "vCPU 1", "-ENOENT");
    kt_eq(register_time_area(UNMAPPED_VA), 0, "an unmapped address", "accepted; the copy is skipped");
    memset(&time_area, 0xa5, sizeof(time_area));
    kt_eq(register_time_area((unsigned long)&time_area), 0, "a kernel variable", "");
    kt_eq(time_area.version & 1, 0, "the copy's version is even", "update_secondary_system_time");
    kt_eq(time_area.flags, XEN_PVCLOCK_TSC_STABLE_BIT, "the copy's flags", "TSC_STABLE");
    first_copy = time_area;
    memset(&time_area, 0, sizeof(time_area));
}

/* The first copy was vcpu_info's boot time; moving vcpu_info rewrites its time and the copy follows. */
static void time_area_follows_vcpu_info(void)
{
    const struct vcpu_time_info *boot = &sdk_shared_info->vcpu_info[0].time;
    kt_check(memcmp(&first_copy, boot, sizeof(first_copy)) == 0, "the first copy was vcpu_info's time",
             "every field, version included", "");
    kt_check(memcmp(&time_area, &sdk_vcpu_info->time, sizeof(time_area)) == 0, "the copy follows vcpu_info's new time",
             "kept updated", "");
    kt_eq(register_time_area(0), 0, "address 0", "unregisters");
}

void upcall_tests(void)
{
    unsigned long spare_mfn = pfn_to_mfn(virt_to_pfn(&spare_info));
    unsigned int spare_off = (unsigned long)&spare_info & (SDK_PAGE_SIZE - 1);

    kt_group("register_vcpu_info");
    kt_eq(register_vcpu_info(spare_mfn, 4096), -XEN_EINVAL, "offset 4096", "address leaves the frame: -EINVAL");
    kt_eq(register_vcpu_info(spare_mfn, 4090), -XEN_ENXIO, "offset 4090", "crosses a page: -ENXIO");
    kt_eq(register_vcpu_info(~0UL, 0), -XEN_EINVAL, "mfn 2^64-1", "gaddr overflows: -EINVAL");
    kt_eq(register_vcpu_info(sdk_start_info->shared_info >> 12 ^ 0x100000, 0), -XEN_EINVAL, "a frame not the domain's",
          "get_page_from_gfn fails: -EINVAL");
    kt_eq(HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 0, (void *)UNMAPPED_VA), -XEN_EFAULT, "unmapped argument", "-EFAULT");
    kt_eq(HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 1, &spare_info), -XEN_ENOENT, "vCPU 1", "-ENOENT");
    time_area_registered();
    kt_eq(sdk_events_init(), 0, "move vcpu_info into a guest page", "VCPUOP_register_vcpu_info");
    time_area_follows_vcpu_info();
    kt_eq(register_vcpu_info(spare_mfn, spare_off), -XEN_EBUSY, "move it twice", "-EBUSY");
    kt_eq(sdk_vcpu_info->evtchn_upcall_pending, 1, "an upcall is pending after the move", "vcpu_info_populate");
    kt_eq(sdk_vcpu_info->evtchn_upcall_mask, 1, "events still masked (the boot state)", "copied from the old vcpu_info");

    kt_group("upcall");
    kt_eq(sdk_upcalls, 0, "nothing delivered while masked", "evtchn_upcall_mask");
    sdk_events_enable();
    kt_eq(sdk_upcalls, 1, "unmask, then a hypercall, delivers", "test_guest_events on hypercall return");
    kt_eq(sdk_upcall_selectors, ~0UL, "selector word as the move set it", "evtchn_pending_sel = ~0");
    kt_eq(sdk_vcpu_info->evtchn_upcall_mask, 0, "iret restored the unmasked state", "iret: mask = !IF");
    long ipi = sdk_bind_ipi(0);
    sdk_upcall_selectors = 0;
    kt_eq(sdk_evtchn_send(ipi), 0, "send on an IPI port", "");
    kt_eq(sdk_upcalls, 2, "IPI delivered on the send's return", "");
    kt_eq(sdk_upcall_selectors, 1UL << (ipi / 64), "selector bit of the port's word", "evtchn_2l_set_pending");
    kt_eq(sdk_evtchn_pending(ipi), 0, "the handler cleared the port's pending bit", "2-level scan clears before handling");
    sdk_evtchn_send(ipi);
    kt_eq(sdk_upcalls, 3, "so a second send is a second upcall", "");
    sdk_events_disable();
    sdk_evtchn_send(ipi);
    kt_eq(sdk_upcalls, 3, "send with events masked", "no upcall while masked");
    kt_eq(sdk_vcpu_info->evtchn_upcall_pending, 1, "upcall pending flag set", "vcpu_mark_events_pending");
    sdk_evtchn_send(ipi);
    kt_eq(sdk_evtchn_pending(ipi), 1, "send while still pending", "pending bit stays set");
    sdk_events_enable();
    kt_eq(sdk_upcalls, 4, "unmask delivers the pending event once", "already pending: no second upcall");
    kt_eq(unmask(ipi), 0, "EVTCHNOP_unmask of an unmasked port", "");
    kt_eq(sdk_upcalls, 4, "no second upcall", "");
    sdk_evtchn_close(ipi);

    port_mask_tests();

    kt_group("loopback interdomain");
    struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
    HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &a);
    unsigned long before = sdk_upcalls;
    struct evtchn_bind_interdomain b = { .remote_dom = DOMID_SELF, .remote_port = a.port };
    kt_eq(HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &b), 0, "bind", "");
    kt_eq(sdk_upcalls, before + 1, "binding raises the local port", "lost notifications are replayed");
    sdk_evtchn_send(b.local_port);
    kt_eq(sdk_upcalls, before + 2, "send on one end raises the other", "evtchn_send");
    sdk_evtchn_close(a.port);
    sdk_evtchn_close(b.local_port);
}

/* Blocks until an upcall after `before` has been taken, at most 10 times. */
static unsigned long wait_upcall(unsigned long before)
{
    return sdk_block_until_upcall(before, 10);
}

void timer_tests(void)
{
    kt_group("time");
    const volatile struct vcpu_time_info *t = &sdk_vcpu_info->time;
    kt_eq(t->version & 1, 0, "time info version is even", "version protocol");
    kt_check(t->tsc_to_system_mul != 0, "tsc_to_system_mul set", "", "");
    kt_eq(t->flags & XEN_PVCLOCK_TSC_STABLE_BIT, XEN_PVCLOCK_TSC_STABLE_BIT, "TSC stable", "flags");
    uint64_t prev = sdk_system_time(), first = prev;
    int monotonic = 1;
    for (int i = 0; i < 2000; i++) {
        uint64_t now = sdk_system_time();
        monotonic &= now >= prev;
        prev = now;
    }
    kt_check(monotonic, "system time from rdtsc never goes back", "pvclock", "");
    kt_check(prev > first, "and advances", "", "");

    kt_group("timer hypercalls");
    kt_eq(periodic(999999), -XEN_EINVAL, "period under 1 ms", "-EINVAL");
    kt_eq(periodic(0), -XEN_EINVAL, "period 0", "-EINVAL");
    kt_eq(periodic(~0UL), -XEN_EINVAL, "period 2^64-1", "beyond STIME_DELTA_MAX: -EINVAL");
    kt_eq(HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0, "stop periodic", "");
    kt_eq(singleshot(1, VCPU_SSHOTTMR_future), -XEN_ETIME, "past deadline with VCPU_SSHOTTMR_future", "-ETIME");
    kt_eq(HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 1, NULL), -XEN_ENOENT, "vCPU 1", "-ENOENT");
    kt_eq(HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, (void *)HYPERVISOR_VA), -XEN_EFAULT, "hypervisor-range argument",
          "-EFAULT");
    kt_eq(HYPERVISOR_vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL), 0, "stop singleshot", "");
    kt_eq(HYPERVISOR_vcpu_op(VCPUOP_is_up, 0, NULL), 1, "is_up", "");
    kt_eq(HYPERVISOR_vcpu_op(VCPUOP_send_nmi, 0, (void *)0x1000), -XEN_EINVAL, "send_nmi with an argument",
          "!guest_handle_is_null: -EINVAL");
    kt_eq(HYPERVISOR_vcpu_op(99, 0, NULL), -XEN_ENOSYS, "vcpu_op 99", "-ENOSYS");

    long timer = sdk_bind_virq(VIRQ_TIMER, 0);
    unsigned long before = sdk_upcalls;
    kt_eq(singleshot(1, 0), 0, "past deadline without the flag", "fires at once");
    kt_eq(sdk_upcalls, before + 1, "VIRQ_TIMER delivered on return", "send_timer_event");
    sdk_evtchn_close(timer);

    kt_group("block");
    timer = sdk_bind_virq(VIRQ_TIMER, 0);
    before = sdk_upcalls;
    uint64_t start = sdk_system_time();
    kt_eq(HYPERVISOR_set_timer_op(start + 5000000), 0, "set_timer_op 5 ms ahead", "");
    unsigned long got = wait_upcall(before);
    uint64_t slept = sdk_system_time() - start;
    kt_eq(got, 1, "block wakes on the timer", "SCHEDOP_block");
    kt_check(slept >= 5000000, "not before the deadline", "", "");
    printf("# set_timer_op_lateness_ns=%#lx\n", slept - 5000000);
    sdk_evtchn_close(timer);
    timer = sdk_bind_virq(VIRQ_TIMER, 0);
    before = sdk_upcalls;
    start = sdk_system_time();
    kt_eq(singleshot(start + 3000000, VCPU_SSHOTTMR_future), 0, "singleshot 3 ms ahead", "");
    got = wait_upcall(before);
    kt_eq(got, 1, "block wakes on the single-shot timer", "");
    kt_check(sdk_system_time() - start >= 3000000, "not before the deadline", "", "");
    sdk_evtchn_close(timer);
    timer = sdk_bind_virq(VIRQ_TIMER, 0);
    before = sdk_upcalls;
    /* 1 s ahead: the stop must come before it even on a loaded host. */
    kt_eq(HYPERVISOR_set_timer_op(sdk_system_time() + 1000000000), 0, "set_timer_op", "");
    kt_eq(HYPERVISOR_set_timer_op(0), 0, "set_timer_op(0) stops it", "");
    kt_eq(singleshot(sdk_system_time() + 4000000, 0), 0, "a later singleshot", "");
    kt_eq(wait_upcall(before), 1, "only the later timer fires", "");
    sdk_evtchn_close(timer);

    kt_group("poll");
    evtchn_port_t ports[129];
    long idle = sdk_bind_ipi(0);
    ports[0] = idle;
    start = sdk_system_time();
    kt_eq(poll(ports, 1, start + 3000000), 0, "poll an idle port with a 3 ms timeout", "do_poll");
    kt_check(sdk_system_time() - start >= 3000000, "returns after the timeout", "poll_timer", "");
    for (int i = 0; i < 129; i++) {
        ports[i] = idle;
    }
    kt_eq(poll(ports, 129, 0), -XEN_EINVAL, "129 ports", "more than 128: -EINVAL");
    kt_eq(poll((evtchn_port_t *)UNMAPPED_VA, 1, 0), -XEN_EFAULT, "unmapped port array", "-EFAULT");
    ports[0] = 4096;
    kt_eq(poll(ports, 1, 0), -XEN_EINVAL, "port 4096", "beyond the 2-level ABI: -EINVAL");
    ports[0] = ALL_ONES;
    kt_eq(poll(ports, 1, 0), -XEN_EINVAL, "port 2^32-1", "-EINVAL");
    sdk_events_disable();
    sdk_evtchn_send(idle);
    ports[0] = idle;
    start = sdk_system_time();
    kt_eq(poll(ports, 1, 0), 0, "poll a pending port (events masked)", "returns at once");
    kt_eq(HYPERVISOR_sched_op(SCHEDOP_poll, (void *)UNMAPPED_VA), -XEN_EFAULT, "unmapped sched_poll", "-EFAULT");
    sdk_events_enable();
    sdk_evtchn_close(idle);

    kt_group("runstate");
    vcpu_runstate_info_t rs;
    /*
     * A block that ends before its vCPU is switched out (its timer already due by then, as when
     * the host's cores are busy compiling) counts no blocked time, as in Xen. So the blocks above
     * may all have been such; poll a quiet port, 20 ms at a time, until one wait has counted.
     */
    evtchn_port_t idle_port = sdk_bind_ipi(0);
    for (int tries = 0; tries < 5; tries++) {
        if (HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, &rs) != 0 || rs.time[RUNSTATE_blocked] > 0) {
            break;
        }
        poll(&idle_port, 1, sdk_system_time() + 20000000);
    }
    sdk_evtchn_close(idle_port);
    kt_eq(HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, &rs), 0, "get_runstate_info", "");
    kt_eq(rs.state, RUNSTATE_running, "running", "");
    kt_check(rs.time[RUNSTATE_running] > 0, "time running", "", "");
    kt_check(rs.time[RUNSTATE_blocked] > 0, "time blocked counts the blocks above", "or a 20 ms poll after them", "");
    kt_eq(HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, (void *)UNMAPPED_VA), -XEN_EFAULT, "unmapped", "-EFAULT");
    kt_eq(HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 1, &rs), -XEN_ENOENT, "vCPU 1", "-ENOENT");
    struct vcpu_register_runstate_memory_area area = { .addr.h = &runstate_area };
    runstate_area.state = 77;
    kt_eq(HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &area), 0, "register_runstate_memory_area", "");
    kt_eq(runstate_area.state, RUNSTATE_running, "written at once", "");
    uint64_t blocked_before = runstate_area.time[RUNSTATE_blocked];
    evtchn_port_t quiet = sdk_bind_ipi(0);
    poll(&quiet, 1, sdk_system_time() + 20000000);
    sdk_evtchn_close(quiet);
    kt_check(runstate_area.time[RUNSTATE_blocked] > blocked_before, "blocked time grows in the area after a poll",
             "update_runstate_area", "");
    kt_eq(runstate_area.state, RUNSTATE_running, "and the area says running again", "");
    area.addr.p = HYPERVISOR_VA;
    kt_eq(HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &area), -XEN_EFAULT, "area in the hypervisor's range",
          "guest_handle_okay: -EFAULT");

    kt_group("tick");
    long tick = sdk_tick_start(10000000);
    kt_check(tick > 0, "100 Hz tick started", "VIRQ_TIMER + set_periodic_timer", "");
    /* Setting the period raised an expired tick at once: take it and start with a clear port. */
    sdk_evtchn_close(tick);
    tick = sdk_bind_virq(VIRQ_TIMER, 0);
    start = sdk_system_time();
    unsigned long ticks = 0;
    while (ticks < 20) {
        /* Spin: the periodic timer runs only while the vCPU runs, as in Xen. */
        before = sdk_upcalls;
        uint64_t spin_start = sdk_system_time();
        while (sdk_upcalls == before && sdk_system_time() - spin_start < 5000000000UL) {
        }
        if (sdk_upcalls == before) {
            printf("# tick_stall pending=%d mask=%d sel=%#lx port=%ld\n", sdk_vcpu_info->evtchn_upcall_pending,
                   sdk_vcpu_info->evtchn_upcall_mask, sdk_vcpu_info->evtchn_pending_sel, tick);
            break;
        }
        ticks++;
        sdk_evtchn_close(tick);
        tick = sdk_bind_virq(VIRQ_TIMER, 0);
    }
    uint64_t elapsed = sdk_system_time() - start;
    kt_eq(ticks, 20, "20 ticks arrive in a spinning vCPU", "periodic timer, upcall at an instruction boundary");
    kt_check(elapsed >= 19 * 10000000UL, "never faster than the period", "", "");
    printf("# tick_20_elapsed_ns=%#lx\n", elapsed);
    kt_eq(sdk_tick_stop(), 0, "stop the tick", "");
}
