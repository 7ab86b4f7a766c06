/*
 * The benchmark driver as a TruffleXen PV guest: the command line comes from
 * start_info's cmd_line, output goes to the PV console ring, rounds are timed
 * with Xen's pvclock (the vCPU's time info, extrapolated with RDTSC), and the
 * domain powers off when the rounds are done.
 */
#include <sdk/events.h>
#include <sdk/kernel.h>

#include "bench.h"

void bench_write(const char *s, size_t n)
{
    console_write(s, n);
}

void bench_flush(void)
{
    console_flush();
}

/* Set when the vCPU's time info is registered; until then the guest has no clock. */
static int clock_ready;

uint64_t bench_clock_ns(void)
{
    return clock_ready ? sdk_system_time() : 0;
}

void kernel_main(start_info_t *si)
{
    /* vcpu_info (and its pvclock) in the guest's own page; event upcalls stay masked. */
    clock_ready = sdk_events_init() == 0;
    /* One sink: each marker reaches the host once, as soon as it is written. */
    if (console_ring() != NULL) {
        console_set_sinks(CONSOLE_SINK_RING);
    }
    bench_main((const char *)si->cmd_line);
    sdk_shutdown(SHUTDOWN_poweroff);
}
