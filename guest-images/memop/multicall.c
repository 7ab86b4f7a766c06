/*
 * memop: memory_op inside a multicall, long enough to be continued there: populate_physmap and
 * decrease_reservation of 100 frames each, both carried on by the batch's continuation.
 */
#include "memop.h"

void multicall_tests(void)
{
    static unsigned long list[100];
    static struct xen_memory_reservation populate, decrease;
    multicall_entry_t calls[2];
    long before = current_reservation(DOMID_SELF);

    for (int i = 0; i < 100; i++) {
        list[i] = si->nr_pages + 500 + i;
    }
    populate = (struct xen_memory_reservation){ .extent_start = list, .nr_extents = 100, .domid = DOMID_SELF };
    decrease = populate;
    calls[0] = (multicall_entry_t){ .op = __HYPERVISOR_memory_op, .args = { XENMEM_populate_physmap, (unsigned long)&populate } };
    calls[1] = (multicall_entry_t){ .op = __HYPERVISOR_memory_op, .args = { XENMEM_decrease_reservation, (unsigned long)&decrease } };

    kt_group("multicall");
    kt_eq(HYPERVISOR_multicall(calls, 2), 0, "populate and give back 100 frames in one batch", "do_multicall");
    kt_eq(calls[0].result, 100, "populate_physmap did all 100", "continued inside the batch");
    kt_eq(calls[1].result, 100, "decrease_reservation did all 100", "continued inside the batch");
    kt_eq(current_reservation(DOMID_SELF), before, "tot_pages as before", "every frame back");
}
