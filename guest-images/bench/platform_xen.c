/*
 * The benchmark driver as a TruffleXen PV guest: the command line comes from
 * start_info's cmd_line, output goes to the PV console ring, and the domain
 * powers off when the rounds are done.
 */
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

void kernel_main(start_info_t *si)
{
    /* One sink: each marker reaches the host once, as soon as it is written. */
    if (console_ring() != NULL) {
        console_set_sinks(CONSOLE_SINK_RING);
    }
    bench_main((const char *)si->cmd_line);
    sdk_shutdown(SHUTDOWN_poweroff);
}
