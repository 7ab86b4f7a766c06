/*
 * sched: workloads for the hypervisor's scheduler, chosen by "mode=" on the
 * command line.
 *
 *   mode=spin          one tight loop, forever: CPU-bound guest code that only
 *                      preemption takes the CPU from (the domain is destroyed)
 *   mode=work rounds=N N rounds of a fixed integer workload, then its checksum
 *                      and poweroff: the benchmark a victim domain runs
 *   mode=sleep         SCHEDOP_poll on no port without a timeout: blocked until
 *                      the domain is destroyed, holding no host CPU
 *   mode=wake count=N period=US
 *                      N waits on the single-shot timer (SCHEDOP_block), each
 *                      US microseconds ahead; reports how late each wake-up
 *                      was (median and maximum, in guest system time)
 *   mode=yield count=N N rounds of a little work and SCHEDOP_yield, each of
 *                      which must return 0
 *
 * "sink=hv" writes the console with console_io only (no PV console ring), for
 * hosts that run no console backend. Results are ktest lines; figures are
 * "# name=value" comments.
 */
#include <sdk/kernel.h>
#include <sdk/events.h>
#include <sdk/ktest.h>

#define MAX_WAKES 512

static volatile unsigned long spins;
static uint64_t lateness[MAX_WAKES];

static unsigned long option(const char *key, unsigned long fallback)
{
    return sdk_cmdline_ulong((const char *)sdk_start_info->cmd_line, key, fallback);
}

static int mode_is(const char *mode)
{
    const char *value = sdk_cmdline_option("mode=");
    size_t n = strlen(mode);
    return value && strncmp(value, mode, n) == 0 && (value[n] == 0 || value[n] == ' ');
}

/* A fixed integer workload: an xorshift stream folded into a checksum. */
static uint64_t work_round(uint64_t seed)
{
    uint64_t x = seed | 1;
    for (int i = 0; i < 100000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    return x;
}

static void spin(void)
{
    printf("sched: spinning\n");
    for (;;) {
        spins++;
    }
}

static void work(void)
{
    unsigned long rounds = option("rounds", 100);
    uint64_t sum = 0;
    if (sdk_events_init() != 0) {
        sdk_panic("sched: no vcpu_info for the clock\n");
    }
    uint64_t start = sdk_system_time();
    for (unsigned long r = 0; r < rounds; r++) {
        sum += work_round(sum + r);
    }
    printf("# work_rounds=%#lx\n", rounds);
    printf("# work_ns=%#lx\n", (unsigned long)(sdk_system_time() - start));
    printf("sched: work done %lx\n", (unsigned long)sum);
}

static void sleep_forever(void)
{
    struct sched_poll poll = { .nr_ports = 0, .timeout = 0 };
    printf("sched: sleeping\n");
    for (;;) {
        HYPERVISOR_sched_op(SCHEDOP_poll, &poll);
    }
}

static void wake(void)
{
    unsigned long count = option("count", 50);
    uint64_t period = option("period", 2000) * 1000;
    if (count > MAX_WAKES) {
        count = MAX_WAKES;
    }
    kt_group("wake-up");
    kt_eq(sdk_events_init(), 0, "events set up", "VCPUOP_register_vcpu_info, set_callbacks");
    kt_eq(HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0, "periodic timer stopped", "");
    long timer = sdk_bind_virq(VIRQ_TIMER, 0);
    kt_check(timer > 0, "VIRQ_TIMER bound", "EVTCHNOP_bind_virq", "");
    sdk_events_enable();
    int early = 0;
    for (unsigned long i = 0; i < count; i++) {
        unsigned long before = sdk_upcalls;
        uint64_t deadline = sdk_system_time() + period;
        HYPERVISOR_set_timer_op(deadline);
        sdk_block_until_upcall(before, 0);
        uint64_t now = sdk_system_time();
        early |= now < deadline;
        lateness[i] = now < deadline ? 0 : now - deadline;
    }
    kt_check(!early, "no wake-up before its deadline", "set_timer_op fires at or after the deadline", "");
    sdk_sort_u64(lateness, count);
    printf("# wakeups=%#lx\n", count);
    printf("# wake_lateness_median_ns=%#lx\n", (unsigned long)lateness[count / 2]);
    printf("# wake_lateness_max_ns=%#lx\n", (unsigned long)lateness[count - 1]);
    kt_summary();
}

static void yield(void)
{
    unsigned long count = option("count", 1000);
    unsigned long failures = 0;
    uint64_t sum = 0;
    kt_group("yield");
    for (unsigned long i = 0; i < count; i++) {
        for (int k = 0; k < 1000; k++) {
            sum += (sum << 3) ^ (uint64_t)k;
        }
        failures += HYPERVISOR_sched_op(SCHEDOP_yield, NULL) != 0;
    }
    kt_eq(failures, 0, "every SCHEDOP_yield returned 0", "do_sched_op: yield returns 0");
    printf("# yields=%#lx\n", count);
    printf("# checksum=%#lx\n", (unsigned long)sum);
    kt_summary();
}

void kernel_main(start_info_t *si)
{
    const char *sink = sdk_cmdline_option("sink=");
    if (sink && strncmp(sink, "hv", 2) == 0) {
        console_set_sinks(CONSOLE_SINK_HYPERVISOR);
    }
    if (mode_is("spin")) {
        spin();
    } else if (mode_is("work")) {
        work();
    } else if (mode_is("sleep")) {
        sleep_forever();
    } else if (mode_is("wake")) {
        wake();
    } else if (mode_is("yield")) {
        yield();
    } else {
        sdk_panic("sched: unknown mode in command line '%s'\n", (const char *)si->cmd_line);
    }
}
