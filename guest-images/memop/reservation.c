/*
 * memop: increase_reservation, decrease_reservation and populate_physmap. Their result is the
 * number of extents done; a bad argument stops at the start extent.
 */
#include "memop.h"

#define XENMEMF_node(n)          ((n) + 1)
#define XENMEMF_address_bits(b)  ((b) << 8)

static unsigned long a[4], order4, node_frame, low_frame, m2p_frame;
unsigned long m2p_frame_for_exchange;
unsigned long reservation_max;

static int distinct_machine_frames(const unsigned long *mfns, int n)
{
    for (int i = 0; i < n; i++) {
        if (mfns[i] >= max_ram_page || mfn_to_pfn(mfns[i]) != ~0UL) {
            return 0;
        }
        for (int j = 0; j < i; j++) {
            if (mfns[i] == mfns[j]) {
                return 0;
            }
        }
    }
    return 1;
}

void increase_tests(void)
{
    static unsigned long list[4];
    unsigned long nr = si->nr_pages;
    struct xen_machphys_mfn_list xmml = { .max_extents = 1, .extent_start = &m2p_frame };

    memory_op(XENMEM_machphys_mfn_list, &xmml);
    m2p_frame_for_exchange = m2p_frame;
    reservation_max = nr + 256;
    kt_group("increase_reservation");
    kt_eq(reservation(XENMEM_increase_reservation, a, 4, 0, 0, DOMID_SELF), 4, "four frames", "nr_done");
    kt_check(distinct_machine_frames(a, 4), "four distinct machine frames, M2P untouched", "no physmap for increase",
             "bad frames");
    kt_eq(current_reservation(DOMID_SELF), nr + 4, "tot_pages grows by four", "domain_adjust_tot_pages");
    kt_eq(reservation(XENMEM_increase_reservation, NULL, 2, 0, 0, DOMID_SELF), 2, "two frames, no list",
          "a null extent list is allowed");
    kt_eq(reservation(XENMEM_increase_reservation, list, 1, 10, 0, DOMID_SELF), 0, "extent order 10",
          "max_order(domU) is 9");
    kt_eq(reservation(XENMEM_increase_reservation, list, 1, 9, 0, DOMID_SELF), 0, "order 9 past max_pages",
          "assign_pages: over-allocation");
    kt_eq(reservation(XENMEM_increase_reservation, list, 1, 4, 0, DOMID_SELF), 1, "one order-4 extent", "contiguous");
    order4 = list[0];
    kt_check(order4 % 16 == 0 && order4 < max_ram_page, "aligned to its size", "buddy allocator", "unaligned");
    kt_eq(reservation(XENMEM_increase_reservation, list, 1, 0, XENMEMF_node(0) | XENMEMF_exact_node_request, DOMID_SELF),
          0, "an exact node request", "propagate_node: unprivileged");
    kt_eq(reservation(XENMEM_increase_reservation, list, 1, 0, XENMEMF_node(0), DOMID_SELF), 1, "a node hint",
          "ignored for a domU");
    node_frame = list[0];
    kt_eq(reservation(XENMEM_increase_reservation, list, 1, 0, XENMEMF_address_bits(12), DOMID_SELF), 0,
          "12 address bits", "address_bits <= PAGE_SHIFT");
    kt_eq(reservation(XENMEM_increase_reservation, list, 1, 0, XENMEMF_address_bits(20), DOMID_SELF), 1,
          "20 address bits", "MEMF_bits");
    low_frame = list[0];
    kt_check(low_frame < (1UL << 8), "a frame below 1 MiB", "MEMF_bits(20)", "too high");
    kt_eq(reservation(XENMEM_increase_reservation, list, (0xffffffffUL >> EXTENT_SHIFT) + 1, 0, 0, DOMID_SELF), 0,
          "nr_extents past the continuation encoding", "UINT_MAX >> MEMOP_EXTENT_SHIFT");
    kt_eq(reservation(XENMEM_increase_reservation | 5UL << EXTENT_SHIFT, list, 3, 0, 0, DOMID_SELF), 5,
          "start extent past nr_extents", "returns start_extent");
    kt_eq(reservation(XENMEM_increase_reservation, (unsigned long *)HYPERVISOR_VA, 1, 0, 0, DOMID_SELF), 0,
          "extent list in the hypervisor's range", "guest_handle_subrange_okay");
    kt_eq(reservation(XENMEM_increase_reservation, (unsigned long *)NON_CANONICAL_VA, 1, 0, 0, DOMID_SELF), 0,
          "non-canonical extent list", "guest_handle_subrange_okay");
    kt_eq(reservation(XENMEM_increase_reservation, (unsigned long *)UNMAPPED_VA, 1, 0, 0, DOMID_SELF), 0,
          "unmapped extent list", "the copy back fails");
    kt_eq(current_reservation(DOMID_SELF), nr + 25, "the frame of the failed copy stays the domain's",
          "allocated before __copy_mfn_to_guest_offset");
    kt_eq(reservation(XENMEM_increase_reservation, list, 1, 0, 0, other_domid), 0, "another domain",
          "xsm_memory_adjust_reservation");
    kt_eq(reservation(XENMEM_increase_reservation, list, 1, 0, 0, NO_SUCH_DOMAIN), 0, "no domain",
          "rcu_lock_domain_by_any_id");
    kt_eq(reservation(XENMEM_increase_reservation, NULL, 1000, 0, 0, DOMID_SELF), 256 - 25,
          "1000 frames stop at max_pages", "over-reservation");
    kt_eq(current_reservation(DOMID_SELF), reservation_max, "tot_pages is max_pages", "never more than the maximum");
    kt_eq(reservation(XENMEM_increase_reservation, list, 1, 0, 0, DOMID_SELF), 0, "one more frame", "none");
}

void decrease_tests(void)
{
    static unsigned long list[2];
    unsigned long shared = si->shared_info >> 12;
    unsigned long l4 = pfn_to_mfn(virt_to_pfn((void *)si->pt_base));
    unsigned long max = reservation_max;

    kt_group("decrease_reservation");
    printf("# l4_frame=%#lx\n", l4);
    kt_eq(reservation(XENMEM_decrease_reservation, a, 4, 0, 0, DOMID_SELF), 4, "four frames back", "guest_remove_page");
    kt_eq(current_reservation(DOMID_SELF), max - 4, "tot_pages shrinks by four", "freed");
    kt_eq(reservation(XENMEM_decrease_reservation, a, 1, 0, 0, DOMID_SELF), 0, "a frame given back twice",
          "get_page fails: -ENXIO");
    kt_eq(reservation(XENMEM_decrease_reservation, &m2p_frame, 1, 0, 0, DOMID_SELF), 0, "a frame of the M2P",
          "not owned: -ENXIO");
    kt_eq(reservation(XENMEM_decrease_reservation, &victim_frame, 1, 0, 0, DOMID_SELF), 0,
          "a frame of another domain", "get_page(page, d) fails: -ENXIO");
    list[0] = max_ram_page + 5;
    kt_eq(reservation(XENMEM_decrease_reservation, list, 1, 0, 0, DOMID_SELF), 0, "a frame past machine memory",
          "mfn_valid: -EINVAL");
    kt_eq(reservation(XENMEM_decrease_reservation, &order4, 1, 10, 0, DOMID_SELF), 0, "extent order 10",
          "max_order");
    kt_eq(reservation(XENMEM_decrease_reservation, &order4, 1, 4, 0, DOMID_SELF), 1, "the order-4 extent",
          "sixteen frames");
    kt_eq(current_reservation(DOMID_SELF), max - 20, "tot_pages shrinks by sixteen", "freed");
    kt_eq(reservation(XENMEM_decrease_reservation, (unsigned long *)UNMAPPED_VA, 1, 0, 0, DOMID_SELF), 0,
          "unmapped extent list", "__copy_from_guest_offset");
    kt_eq(reservation(XENMEM_decrease_reservation, (unsigned long *)HYPERVISOR_VA, 1, 0, 0, DOMID_SELF), 0,
          "extent list in the hypervisor's range", "guest_handle_subrange_okay");
    list[0] = max_ram_page + 1;
    list[1] = node_frame;
    kt_eq(reservation(XENMEM_decrease_reservation | 1UL << EXTENT_SHIFT, list, 2, 0, 0, DOMID_SELF), 2,
          "a start extent skips the bad first entry", "args.nr_done = start_extent");
    kt_eq(reservation(XENMEM_decrease_reservation, &low_frame, 1, 0, 0, other_domid), 0, "another domain's reservation",
          "-EPERM stops at the start");
    kt_eq(reservation(XENMEM_decrease_reservation, &low_frame, 1, 0, 0, DOMID_SELF), 1, "the low frame", "freed");
    kt_eq(current_reservation(DOMID_SELF), max - 22, "tot_pages", "two more freed");
    kt_eq(reservation(XENMEM_decrease_reservation, &shared, 1, 0, 0, DOMID_SELF), 1, "the shared_info frame",
          "a xenheap page is never freed to the heap");
    kt_eq(reservation(XENMEM_decrease_reservation, &l4, 1, 0, 0, DOMID_SELF), 1, "its own L4, in use",
          "allocation reference dropped, the frame lives on");
    kt_eq(reservation(XENMEM_decrease_reservation, &l4, 1, 0, 0, DOMID_SELF), 1, "its own L4 again",
          "get_page still succeeds");
    kt_eq(current_reservation(DOMID_SELF), max - 22, "referenced frames still count", "freed only when unused");
}

void populate_tests(void)
{
    static unsigned long list[20];
    unsigned long nr = si->nr_pages;
    unsigned long max = reservation_max;
    unsigned long ext;
    int ok = 1;

    kt_group("populate_physmap");
    for (int i = 0; i < 3; i++) {
        list[i] = nr + 10 + i;
    }
    kt_eq(reservation(XENMEM_populate_physmap, list, 3, 0, 0, DOMID_SELF), 3, "three frames", "nr_done");
    for (int i = 0; i < 3; i++) {
        ok &= list[i] < max_ram_page && mfn_to_pfn(list[i]) == nr + 10 + i;
    }
    kt_check(ok, "the list holds machine frames the M2P maps to the pseudo-physical frames asked for",
             "guest_physmap_add_page", "wrong M2P");
    kt_eq(reservation(XENMEM_decrease_reservation, list, 3, 0, 0, DOMID_SELF), 3, "given back", "freed");
    kt_check(mfn_to_pfn(list[0]) == ~0UL, "the M2P forgets a frame given back", "INVALID_M2P_ENTRY", "stale M2P");
    ext = nr + 16;
    kt_eq(reservation(XENMEM_populate_physmap, &ext, 1, 2, 0, DOMID_SELF), 1, "an order-2 extent", "contiguous");
    kt_check(ext % 4 == 0 && mfn_to_pfn(ext + 3) == nr + 19, "aligned, and its last frame maps to gpfn + 3",
             "set_gpfn_from_mfn per frame", "wrong");
    kt_eq(reservation(XENMEM_decrease_reservation, &ext, 1, 2, 0, DOMID_SELF), 1, "given back", "freed");
    list[0] = nr + 30;
    kt_eq(reservation(XENMEM_populate_physmap, list, 1, 0, XENMEMF_populate_on_demand, DOMID_SELF), 0,
          "populate-on-demand on itself", "disallowed");
    kt_eq(reservation(XENMEM_populate_physmap, list, 1, 19, XENMEMF_populate_on_demand, DOMID_SELF), 0,
          "populate-on-demand of order 19", "MAX_ORDER");
    kt_eq(reservation(XENMEM_populate_physmap, NULL, 1, 0, 0, DOMID_SELF), 0, "no extent list",
          "__copy_from_guest_offset fails");
    kt_eq(reservation(XENMEM_populate_physmap, (unsigned long *)HYPERVISOR_VA, 1, 0, 0, DOMID_SELF), 0,
          "extent list in the hypervisor's range", "guest_handle_subrange_okay");
    kt_eq(reservation(XENMEM_populate_physmap, list, 1, 10, 0, DOMID_SELF), 0, "extent order 10", "max_order");
    kt_eq(reservation(XENMEM_populate_physmap, list, 1, 0, 0, other_domid), 0, "another domain", "-EPERM");
    for (int i = 0; i < 20; i++) {
        list[i] = nr + 100 + i;
    }
    kt_eq(reservation(XENMEM_populate_physmap, list, 20, 0, 0, DOMID_SELF), 20, "20 frames with room for 22",
          "all twenty");
    static unsigned long more[5];
    for (int i = 0; i < 5; i++) {
        more[i] = nr + 200 + i;
    }
    kt_eq(reservation(XENMEM_populate_physmap, more, 5, 0, 0, DOMID_SELF), 2, "five frames with room for two",
          "stops at max_pages");
    kt_eq(current_reservation(DOMID_SELF), max, "tot_pages is max_pages", "never more");
    kt_eq(reservation(XENMEM_decrease_reservation, list, 20, 0, 0, DOMID_SELF), 20, "twenty given back", "freed");
    kt_eq(reservation(XENMEM_decrease_reservation, more, 2, 0, 0, DOMID_SELF), 2, "two given back", "freed");
    kt_eq(current_reservation(DOMID_SELF), max - 22, "tot_pages", "back where it was");
}

/*
 * "limits=<n>": the limits the toolstack set, as the guest sees them. Reports max_pages and
 * tot_pages, then asks populate_physmap for n frames above its memory and reports how many it
 * got before giving them back; the host judges the figures against the max_pages it set.
 */
void limits(unsigned long n)
{
    static unsigned long list[64];
    struct xen_memory_domain self = { .domid = DOMID_SELF };
    long done;

    if (n > 64) {
        n = 64;
    }
    printf("# max_pages=0x%lx\n", (unsigned long)memory_op(XENMEM_maximum_reservation, &self));
    printf("# tot_pages=0x%lx\n", (unsigned long)current_reservation(DOMID_SELF));
    for (unsigned long i = 0; i < n; i++) {
        list[i] = si->nr_pages + 10 + i;
    }
    done = reservation(XENMEM_populate_physmap, list, n, 0, 0, DOMID_SELF);
    printf("# populated=0x%lx\n", (unsigned long)done);
    if (done > 0) {
        printf("# given_back=0x%lx\n", (unsigned long)reservation(XENMEM_decrease_reservation, list, done, 0, 0,
                                                                  DOMID_SELF));
    }
    printf("# tot_pages_after=0x%lx\n", (unsigned long)current_reservation(DOMID_SELF));
}
