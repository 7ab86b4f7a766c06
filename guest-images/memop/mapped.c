/*
 * memop: frames the guest maps with update_va_mapping while it gives them back. A mapped frame
 * cannot be stolen by exchange, and decrease_reservation drops only its allocation: it stays
 * readable and counted until its last mapping goes.
 */
#include "memop.h"

static unsigned char window[4096] __attribute__((aligned(4096)));

static long map_window(unsigned long mfn)
{
    return _hypercall3(long, update_va_mapping, (unsigned long)window, (mfn << 12) | 0x67, UVMF_INVLPG);
}

void mapped_tests(void)
{
    unsigned long own = pfn_to_mfn(virt_to_pfn(window));
    unsigned long nr = si->nr_pages;
    unsigned long mfn = nr + 300, out = nr + 301;
    long before;

    kt_group("mapped frames");
    kt_eq(reservation(XENMEM_populate_physmap, &mfn, 1, 0, 0, DOMID_SELF), 1, "a frame to map", "populate_physmap");
    before = current_reservation(DOMID_SELF);
    kt_eq(map_window(mfn), 0, "mapped over a page of the kernel", "update_va_mapping");
    kt_check(window[0] == 0 && window[100] == 0 && window[4095] == 0, "the new frame was scrubbed",
             "scrub_one_page", "stale bytes");
    window[0] = 0x5a;
    struct xen_memory_exchange e = {
        .in = { .extent_start = &mfn, .nr_extents = 1, .domid = DOMID_SELF },
        .out = { .extent_start = &out, .nr_extents = 1, .domid = DOMID_SELF },
    };
    kt_eq(memory_op(XENMEM_exchange, &e), -XEN_EINVAL, "exchange a mapped frame", "steal_page: -EINVAL");
    kt_eq(reservation(XENMEM_decrease_reservation, &mfn, 1, 0, 0, DOMID_SELF), 1, "give back a mapped frame",
          "put_page_alloc_ref");
    kt_eq(current_reservation(DOMID_SELF), before, "it still counts while mapped", "freed only at count 0");
    kt_eq(window[0], 0x5a, "and is still the frame the guest mapped", "not scrubbed while referenced");
    kt_eq(reservation(XENMEM_decrease_reservation, &mfn, 1, 0, 0, DOMID_SELF), 1, "give it back twice",
          "get_page still succeeds");
    kt_eq(map_window(own), 0, "map the kernel's own frame back", "the last reference goes");
    kt_eq(current_reservation(DOMID_SELF), before - 1, "freed with its last mapping", "free_domheap_page");
    kt_eq(reservation(XENMEM_decrease_reservation, &mfn, 1, 0, 0, DOMID_SELF), 0, "a third time", "-ENXIO: gone");
}
