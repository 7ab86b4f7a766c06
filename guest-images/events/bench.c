/*
 * events bench modes ("bench=timer", "bench=spin", "bench=upcall" on the
 * command line): timings printed as "# key=0x..." lines for the host, not
 * judged here.
 *
 *   timer   100 Hz single-shot timer, idle in SCHEDOP_block between ticks:
 *           lateness of each VIRQ_TIMER upcall after its deadline.
 *   timer1k the same at 1 kHz.
 *   spin    the same deadlines 1 ms apart while the vCPU spins: how late a
 *           running vCPU notices an event raised by another thread.
 *   upcall  EVTCHNOP_send on an IPI port to the first C line of the handler.
 *   idle    one 2 s block on a single-shot timer (the host measures its CPU).
 *   tick    an idle kernel's tick: 250 Hz kept with the single-shot timer as
 *           Linux's tick is (the next deadline armed in the handler's wake,
 *           one period after the last), SCHEDOP_block between ticks, for
 *           TICKS ticks, a minute (the host measures what idle ticks cost
 *           once their code is compiled, and destroys the domain).
 *   sleep   "bench: sleeping" and then SCHEDOP_block with no timer and no
 *           port bound, forever: a domain that stays idle until it is
 *           destroyed (the host counts what an idle domain costs).
 *   race    RACE_ROUNDS single-shot timers, each armed RACE_LEAD_NS ahead
 *           (longer than a worker keeps a running vCPU's timers in its care,
 *           so another worker fires it); the vCPU spins until a moment swept
 *           across the RACE_SWEEP_NS around the deadline, then checks for the
 *           upcall with events masked and blocks, the check and the block
 *           0, 10 or 20 us apart (a host thread preempted between them). The
 *           timer fires about as the vCPU checks and blocks, on another host
 *           thread: every round must end with its upcall, or the domain never
 *           finishes. (Checked with events unmasked, the same rounds lose an
 *           upcall taken between the check and the block, and the vCPU stays
 *           blocked for good, in Xen as here.)
 */
#include "events.h"

#define SAMPLES 200
#define TICKS 15000
#define TICK_PERIOD_NS 4000000UL
#define RACE_ROUNDS 3000
#define RACE_LEAD_NS 400000UL
#define RACE_SWEEP_NS 200000UL
#define RACE_GAP_NS 10000UL

static uint64_t samples[SAMPLES];
static volatile uint64_t handler_time;

static void stamp(unsigned long selector)
{
    (void)selector;
    handler_time = sdk_system_time();
}

static void report(const char *name, unsigned int n)
{
    sdk_sort_u64(samples, n);
    printf("# %s_median_ns=%#lx\n# %s_p90_ns=%#lx\n# %s_max_ns=%#lx\n", name, samples[n / 2], name, samples[n * 9 / 10], name,
           samples[n - 1]);
}

static void timer_bench(const char *name, int spin, uint64_t period)
{
    long port = sdk_bind_virq(VIRQ_TIMER, 0);
    uint64_t deadline = sdk_system_time() + period;

    for (unsigned int i = 0; i < SAMPLES; i++, deadline += period) {
        unsigned long before = sdk_upcalls;
        HYPERVISOR_set_timer_op(deadline);
        if (spin) {
            while (sdk_upcalls == before) {
            }
        } else {
            sdk_block_until_upcall(before, 0);
        }
        samples[i] = handler_time - deadline;
        sdk_evtchn_close(port);
        port = sdk_bind_virq(VIRQ_TIMER, 0);
    }
    sdk_evtchn_close(port);
    report(name, SAMPLES);
}

static void upcall_bench(void)
{
    for (unsigned int i = 0; i < SAMPLES; i++) {
        long port = sdk_bind_ipi(0);
        uint64_t sent = sdk_system_time();
        sdk_evtchn_send(port);
        samples[i] = handler_time - sent;
        sdk_evtchn_close(port);
    }
    report("upcall", SAMPLES);
}

static void tick_bench(void)
{
    long port = sdk_bind_virq(VIRQ_TIMER, 0);
    uint64_t deadline = sdk_system_time();

    for (unsigned int i = 0; i < TICKS; i++) {
        unsigned long before = sdk_upcalls;
        deadline += TICK_PERIOD_NS;
        uint64_t now = sdk_system_time();
        if (deadline <= now) {
            /* Late ticks are not made up: the next one is a period from now, as a tickless kernel does. */
            deadline = now + TICK_PERIOD_NS;
        }
        HYPERVISOR_set_timer_op(deadline);
        sdk_block_until_upcall(before, 0);
    }
    sdk_evtchn_close(port);
}

static void race_bench(void)
{
    long port = sdk_bind_virq(VIRQ_TIMER, 0);
    unsigned long early = 0;

    for (unsigned long i = 0; i < RACE_ROUNDS; i++) {
        unsigned long before = sdk_upcalls;
        uint64_t deadline = sdk_system_time() + RACE_LEAD_NS;
        HYPERVISOR_set_timer_op(deadline);
        /* 997 ns steps: the checks fall at ever different points before and after the timer fires. */
        uint64_t until = deadline - (i * 997) % RACE_SWEEP_NS + RACE_SWEEP_NS / 2;
        while (sdk_upcalls == before && sdk_system_time() < until) {
        }
        early += sdk_upcalls != before;
        uint64_t gap = (i % 3) * RACE_GAP_NS;
        for (;;) {
            sdk_events_disable();
            if (sdk_upcalls != before) {
                sdk_events_enable();
                break;
            }
            for (uint64_t from = sdk_system_time(); sdk_system_time() - from < gap;) {
            }
            sdk_block();
        }
    }
    sdk_evtchn_close(port);
    printf("# race_rounds=%#lx\n# race_fired_while_spinning=%#lx\n", (unsigned long)RACE_ROUNDS, early);
}

void run_bench(const char *which)
{
    if (sdk_events_init() != 0) {
        printf("bench: events unavailable\n");
        return;
    }
    sdk_upcall_hook = stamp;
    HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);
    sdk_events_enable();
    if (strncmp(which, "timer1k", 7) == 0) {
        timer_bench("timer1k_lateness", 0, 1000000);
    } else if (strncmp(which, "timer", 5) == 0) {
        timer_bench("timer_lateness", 0, 10000000);
    } else if (strncmp(which, "spin", 4) == 0) {
        timer_bench("spin_lateness", 1, 1000000);
    } else if (strncmp(which, "upcall", 6) == 0) {
        upcall_bench();
    } else if (strncmp(which, "race", 4) == 0) {
        race_bench();
    } else if (strncmp(which, "tick", 4) == 0) {
        tick_bench();
    } else if (strncmp(which, "idle", 4) == 0) {
        long port = sdk_bind_virq(VIRQ_TIMER, 0);
        unsigned long before = sdk_upcalls;
        HYPERVISOR_set_timer_op(sdk_system_time() + 2000000000UL);
        sdk_block_until_upcall(before, 0);
        sdk_evtchn_close(port);
    } else if (strncmp(which, "sleep", 5) == 0) {
        printf("bench: sleeping\n");
        for (;;) {
            sdk_block();
        }
    }
    printf("bench: %s done\n", which);
}
