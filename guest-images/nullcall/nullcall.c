/*
 * nullcall: null hypercalls in batches, for perf's HypercallRoundTripBenchmark.
 *
 * Makes xen_version(XENVER_version) "hypercalls=N" times (default 100000)
 * through the hypercall page, then SCHEDOP_yield, forever. The yield hands
 * the hypervisor's backend pollers a turn (the benchmark stops the vCPU
 * there); its argument, which Xen ignores, carries how many calls of the
 * batch returned the same version as the first call, so the benchmark can
 * check every hypercall of the batch really ran. Prints nothing.
 */
#include <sdk/kernel.h>

#define DEFAULT_BATCH 100000

/* The decimal value of "key=" in cmdline, or fallback. */
static unsigned long option(const char *cmdline, const char *key, unsigned long fallback)
{
    size_t key_length = strlen(key);
    const char *p = cmdline;
    while (*p != '\0') {
        while (*p == ' ') {
            p++;
        }
        if (strncmp(p, key, key_length) == 0 && p[key_length] == '=') {
            unsigned long value = 0;
            const char *q = p + key_length + 1;
            while (*q >= '0' && *q <= '9') {
                value = value * 10 + (unsigned long)(*q++ - '0');
            }
            return value > 0 ? value : fallback;
        }
        while (*p != ' ' && *p != '\0') {
            p++;
        }
    }
    return fallback;
}

void kernel_main(start_info_t *si)
{
    unsigned long batch = option((const char *)si->cmd_line, "hypercalls", DEFAULT_BATCH);
    long version = HYPERVISOR_xen_version(XENVER_version, NULL);

    for (;;) {
        unsigned long matches = 0;
        for (unsigned long i = 0; i < batch; i++) {
            matches += HYPERVISOR_xen_version(XENVER_version, NULL) == version;
        }
        HYPERVISOR_sched_op(SCHEDOP_yield, (void *)matches);
    }
}
