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

void kernel_main(start_info_t *si)
{
    unsigned long batch = sdk_cmdline_ulong((const char *)si->cmd_line, "hypercalls", DEFAULT_BATCH);
    long version = HYPERVISOR_xen_version(XENVER_version, NULL);

    for (;;) {
        unsigned long matches = 0;
        for (unsigned long i = 0; i < batch; i++) {
            matches += HYPERVISOR_xen_version(XENVER_version, NULL) == version;
        }
        HYPERVISOR_sched_op(SCHEDOP_yield, (void *)matches);
    }
}
