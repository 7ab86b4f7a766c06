/*
 * ticker: a guest that lives for a while, for the host's life-cycle tests
 * and for watching domains with txl list and txl top.
 *
 * Command line (all optional):
 *   ticks=N      stop after N ticks (absent or 0: tick until destroyed)
 *   period_ms=P  one tick every P ms of system time (default 10)
 *   spin=1       busy-wait for each tick instead of blocking on VIRQ_TIMER,
 *                so the domain is always running (CPU-bound)
 *   reason=R     the SHUTDOWN_* reason to stop with (default 0, poweroff)
 *   every=E      print a line every E ticks (default 100)
 */
#include <sdk/kernel.h>
#include <sdk/events.h>

static void report(unsigned long tick, unsigned long every)
{
    if (tick % every == 0) {
        printf("ticker: tick %lu\n", tick);
    }
}

static unsigned long spin_ticks(unsigned long ticks, uint64_t period_ns, unsigned long every)
{
    unsigned long tick = 0;
    uint64_t next = sdk_system_time() + period_ns;

    while (ticks == 0 || tick < ticks) {
        if (sdk_system_time() >= next) {
            next += period_ns;
            report(++tick, every);
        }
    }
    return tick;
}

static unsigned long timer_ticks(unsigned long ticks, uint64_t period_ns, unsigned long every)
{
    unsigned long tick = 0;
    long port = sdk_tick_start(period_ns);

    if (port < 0) {
        sdk_panic("ticker: periodic timer refused: %ld\n", port);
    }
    unsigned long seen = sdk_upcalls;
    while (ticks == 0 || tick < ticks) {
        sdk_block();
        while (seen != sdk_upcalls && (ticks == 0 || tick < ticks)) {
            seen++;
            report(++tick, every);
        }
    }
    sdk_tick_stop();
    return tick;
}

void kernel_main(start_info_t *si)
{
    const char *cmdline = (const char *)si->cmd_line;
    unsigned long ticks = sdk_cmdline_ulong(cmdline, "ticks", 0);
    uint64_t period_ns = sdk_cmdline_ulong(cmdline, "period_ms", 10) * 1000000UL;
    unsigned long reason = sdk_cmdline_ulong(cmdline, "reason", SHUTDOWN_poweroff);
    unsigned long every = sdk_cmdline_ulong(cmdline, "every", 100);
    int spin = sdk_cmdline_ulong(cmdline, "spin", 0) != 0;

    long rc = sdk_events_init();
    if (rc) {
        sdk_panic("ticker: events refused: %ld\n", rc);
    }
    printf("ticker: start\n");
    unsigned long done = spin ? spin_ticks(ticks, period_ns, every) : timer_ticks(ticks, period_ns, every);
    printf("ticker: done after %lu ticks\n", done);
    sdk_shutdown((unsigned int)reason);
}
