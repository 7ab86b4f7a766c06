/*
 * memop: XENMEM_exchange, chunk by chunk, with nr_exchanged the only field written back.
 */
#include "memop.h"

extern unsigned long reservation_max;
extern unsigned long m2p_frame_for_exchange;

static long exchange(unsigned long *in, unsigned long in_nr, unsigned int in_order, unsigned long *out,
                     unsigned long out_nr, unsigned int out_order, unsigned long *exchanged)
{
    struct xen_memory_exchange e = {
        .in = { .extent_start = in, .nr_extents = in_nr, .extent_order = in_order, .domid = DOMID_SELF },
        .out = { .extent_start = out, .nr_extents = out_nr, .extent_order = out_order, .domid = DOMID_SELF },
        .nr_exchanged = *exchanged,
    };
    long rc = memory_op(XENMEM_exchange, &e);

    *exchanged = e.nr_exchanged;
    return rc;
}

static long exchange_raw(struct xen_memory_exchange *e)
{
    return memory_op(XENMEM_exchange, e);
}

void exchange_tests(void)
{
    static unsigned long in[2], out[2], one[1];
    unsigned long nr = si->nr_pages;
    unsigned long done = 0;
    unsigned long shared = si->shared_info >> 12;
    unsigned long kernel = pfn_to_mfn(0);
    long before;

    kt_group("exchange");
    reservation(XENMEM_increase_reservation, in, 2, 0, 0, DOMID_SELF);
    before = current_reservation(DOMID_SELF);
    out[0] = nr + 40;
    kt_eq(exchange(in, 2, 0, out, 1, 1, &done), 0, "two frames for one order-1 extent", "memory_exchange");
    kt_eq(done, 2, "nr_exchanged counts input extents", "nr_exchanged = in.nr_extents");
    kt_check(out[0] % 2 == 0 && mfn_to_pfn(out[0]) == nr + 40 && mfn_to_pfn(out[0] + 1) == nr + 41,
             "the new extent is aligned and in the M2P at the gpfn asked for", "guest_physmap_add_page", "wrong");
    kt_eq(current_reservation(DOMID_SELF), before, "tot_pages unchanged", "MEMF_no_refcount");
    kt_eq(reservation(XENMEM_decrease_reservation, in, 1, 0, 0, DOMID_SELF), 0, "an input frame is gone",
          "stolen and freed");
    one[0] = out[0];
    out[0] = nr + 50;
    out[1] = nr + 51;
    done = 0;
    kt_eq(exchange(one, 1, 1, out, 2, 0, &done), 0, "an order-1 extent for two frames", "out_chunk_order 1");
    kt_check(done == 1 && mfn_to_pfn(out[0]) == nr + 50 && mfn_to_pfn(out[1]) == nr + 51, "both frames mapped",
             "nr_exchanged 1", "wrong");
    done = 0;
    kt_eq(exchange(out, 2, 0, in, 1, 0, &done), -XEN_EINVAL, "two frames for one", "sizes must match: -EINVAL");
    kt_eq(done, 0, "nothing exchanged", "nr_exchanged written back");
    done = 3;
    kt_eq(exchange(out, 2, 0, in, 2, 0, &done), -XEN_EINVAL, "nr_exchanged past in.nr_extents", "-EINVAL");
    done = 2;
    kt_eq(exchange(out, 2, 0, in, 2, 0, &done), 0, "nr_exchanged already in.nr_extents", "nothing to do");
    done = 0;
    kt_eq(exchange(out, 1, 10, in, 1, 10, &done), -XEN_EPERM, "extent order 10", "max_order: -EPERM");
    kt_eq(exchange(&m2p_frame_for_exchange, 1, 0, in, 1, 0, &done), -XEN_EINVAL, "a frame of the M2P",
          "steal_page: not owned");
    kt_eq(done, 0, "nothing exchanged", "nr_exchanged 0");
    kt_eq(exchange(&shared, 1, 0, in, 1, 0, &done), -XEN_EINVAL, "the shared_info frame", "is_special_page");
    kt_eq(exchange(&victim_frame, 1, 0, in, 1, 0, &done), -XEN_EINVAL, "a frame of another domain",
          "steal_page: owner != d");
    kt_eq(exchange(&kernel, 1, 0, in, 1, 0, &done), -XEN_EINVAL, "a mapped kernel frame",
          "steal_page: more references than the allocation");
    kt_eq(exchange((unsigned long *)HYPERVISOR_VA, 1, 0, in, 1, 0, &done), -XEN_EFAULT,
          "input list in the hypervisor's range", "guest_handle_subrange_okay: -EFAULT");
    kt_eq(exchange(out, 1, 0, (unsigned long *)HYPERVISOR_VA, 1, 0, &done), -XEN_EFAULT,
          "output list in the hypervisor's range", "-EFAULT");
    kt_eq(exchange((unsigned long *)UNMAPPED_VA, 1, 0, in, 1, 0, &done), -XEN_EFAULT, "unmapped input list",
          "__copy_from_guest_offset: -EFAULT");
    kt_eq(memory_op(XENMEM_exchange, (void *)UNMAPPED_VA), -XEN_EFAULT, "unmapped argument", "-EFAULT");

    struct xen_memory_exchange e = {
        .in = { .extent_start = out, .nr_extents = 1, .domid = DOMID_SELF },
        .out = { .extent_start = in, .nr_extents = 1, .domid = other_domid },
    };
    kt_eq(exchange_raw(&e), -XEN_EINVAL, "input and output domains differ", "-EINVAL");
    e.in.domid = other_domid;
    kt_eq(exchange_raw(&e), OTHER_OR(-XEN_EPERM, -XEN_ESRCH), "another domain's frames", "xsm_memory_exchange: -EPERM");
    e.in.domid = e.out.domid = NO_SUCH_DOMAIN;
    kt_eq(exchange_raw(&e), -XEN_ESRCH, "no domain", "-ESRCH");
    e.in.domid = e.out.domid = DOMID_SELF;
    e.out.mem_flags = 1 | XENMEMF_exact_node_request;
    kt_eq(exchange_raw(&e), -XEN_EINVAL, "an exact node request", "propagate_node: -EINVAL");
    kt_eq(memory_op(XENMEM_exchange | 1UL << EXTENT_SHIFT, &e), -XEN_EINVAL, "a start extent", "-EINVAL");
    e.out.mem_flags = 12 << 8;
    kt_eq(exchange_raw(&e), -XEN_ENOMEM, "output below 4 KiB", "MEMF_bits(12): -ENOMEM");
    kt_eq(e.nr_exchanged, 0, "nothing exchanged", "nr_exchanged 0");
    kt_eq(reservation(XENMEM_decrease_reservation, out, 2, 0, 0, DOMID_SELF), 2, "the inputs of the failed exchange stay",
          "reassigned");
    kt_eq(current_reservation(DOMID_SELF), before - 2, "tot_pages", "two fewer");
}
