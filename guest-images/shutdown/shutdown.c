/*
 * shutdown: stops with the SCHEDOP_shutdown reason given on the command line
 * as "reason=N" (default 0, poweroff), so tests can check every reason end to
 * end: guest, hypercall, domain state, txl exit status.
 */
#include <sdk/kernel.h>

static unsigned int reason_from_cmdline(const char *cmdline)
{
    const char *p = cmdline;
    unsigned int reason = SHUTDOWN_poweroff;

    while (*p) {
        if (strncmp(p, "reason=", 7) == 0) {
            reason = 0;
            for (p += 7; *p >= '0' && *p <= '9'; p++) {
                reason = reason * 10 + (unsigned int)(*p - '0');
            }
            break;
        }
        p++;
    }
    return reason;
}

void kernel_main(start_info_t *si)
{
    unsigned int reason = reason_from_cmdline((const char *)si->cmd_line);

    printf("shutdown: reason %u\n", reason);
    sdk_shutdown(reason);
}
