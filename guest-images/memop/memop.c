/*
 * memop: memory_op for a PV domU, checked case by case against Xen's do_memory_op,
 * arch_memory_op and subarch_memory_op (see ktest.h for the output). The command line
 * names another live domain ("other=<domid>") for the privilege cases.
 */
#include "memop.h"

start_info_t *si;
unsigned short other_domid = NO_SUCH_DOMAIN;
unsigned long max_ram_page;
unsigned long victim_frame = ~0UL;
static unsigned long fuzz_seed, bench_rounds, limits_asked;

long reservation(unsigned long cmd, unsigned long *list, unsigned long nr, unsigned int order, unsigned int flags,
                 unsigned short domid)
{
    struct xen_memory_reservation r = {
        .extent_start = list, .nr_extents = nr, .extent_order = order, .mem_flags = flags, .domid = domid,
    };

    return memory_op(cmd, &r);
}

long current_reservation(unsigned short domid)
{
    struct xen_memory_domain d = { .domid = domid };

    return memory_op(XENMEM_current_reservation, &d);
}

static unsigned long number(const char *p)
{
    unsigned long n = 0;

    for (; *p >= '0' && *p <= '9'; p++) {
        n = n * 10 + (unsigned long)(*p - '0');
    }
    return n;
}

static void parse_options(void)
{
    const char *p = (const char *)si->cmd_line;

    for (; *p; p++) {
        if (strncmp(p, "other=", 6) == 0) {
            other_domid = (unsigned short)number(p + 6);
        } else if (strncmp(p, "victim_frame=", 13) == 0) {
            victim_frame = number(p + 13);
        } else if (strncmp(p, "fuzz=", 5) == 0) {
            fuzz_seed = number(p + 5);
        } else if (strncmp(p, "bench=", 6) == 0) {
            bench_rounds = number(p + 6);
        } else if (strncmp(p, "limits=", 7) == 0) {
            limits_asked = number(p + 7);
        }
    }
}

void query_tests(void)
{
    struct xen_memory_domain self = { .domid = DOMID_SELF };
    struct xen_memory_domain other = { .domid = other_domid };
    struct xen_memory_domain none = { .domid = NO_SUCH_DOMAIN };
    struct xen_memory_domain invalid = { .domid = DOMID_INVALID };

    kt_group("queries");
    max_ram_page = (unsigned long)memory_op(XENMEM_maximum_ram_page, NULL);
    kt_check((long)max_ram_page > 0, "maximum_ram_page", "max_page", "not positive");
    printf("# max_ram_page=%#lx\n", max_ram_page);
    kt_eq(memory_op(XENMEM_maximum_ram_page | 1UL << EXTENT_SHIFT, NULL), -XEN_EINVAL,
          "maximum_ram_page with a start extent", "-EINVAL");
    kt_eq(memory_op(XENMEM_current_reservation, &self), si->nr_pages, "current_reservation is nr_pages",
          "domain_tot_pages");
    kt_eq(memory_op(XENMEM_maximum_reservation, &self), si->nr_pages + 256, "maximum_reservation",
          "max_pages: memory plus libxl's 1 MiB");
    kt_eq(memory_op(XENMEM_maximum_gpfn, &self), 0, "maximum_gpfn before the guest sets arch.max_pfn",
          "(max_pfn ?: 1) - 1");
    kt_eq(memory_op(XENMEM_current_reservation, &other), OTHER_OR(-XEN_EPERM, -XEN_ESRCH), "current_reservation of another domain",
          "XSM_TARGET: -EPERM");
    kt_eq(memory_op(XENMEM_maximum_reservation, &other), OTHER_OR(-XEN_EPERM, -XEN_ESRCH), "maximum_reservation of another domain",
          "-EPERM");
    kt_eq(memory_op(XENMEM_current_reservation, &none), -XEN_ESRCH, "current_reservation of no domain", "-ESRCH");
    kt_eq(memory_op(XENMEM_maximum_gpfn, &invalid), -XEN_ESRCH, "maximum_gpfn of DOMID_INVALID", "-ESRCH");
    kt_eq(memory_op(XENMEM_current_reservation | 1UL << EXTENT_SHIFT, &self), -XEN_EINVAL,
          "current_reservation with a start extent", "-EINVAL");
    kt_eq(memory_op(XENMEM_current_reservation, (void *)UNMAPPED_VA), -XEN_EFAULT,
          "current_reservation from an unmapped page", "copy_from_guest: -EFAULT");
    kt_eq(memory_op(XENMEM_current_reservation, (void *)HYPERVISOR_VA), -XEN_EFAULT,
          "current_reservation from the hypervisor's range", "access_ok: -EFAULT");
    kt_eq(memory_op(XENMEM_maximum_reservation, (void *)NON_CANONICAL_VA), -XEN_EFAULT,
          "maximum_reservation from a non-canonical address", "-EFAULT");
}

void map_tests(void)
{
    struct xen_machphys_mapping mapping;
    static unsigned long mfns[64];
    struct xen_machphys_mfn_list xmml = { .max_extents = 64, .extent_start = mfns };
    static struct e820entry e820[4];
    struct xen_memory_map map = { .nr_entries = 4, .buffer = e820 };
    unsigned long chunks;

    kt_group("machphys");
    memset(&mapping, 0, sizeof(mapping));
    kt_eq(memory_op(XENMEM_machphys_mapping, &mapping), 0, "machphys_mapping", "arch_memory_op");
    kt_eq(mapping.v_start, MACH2PHYS_VIRT_START, "v_start", "MACH2PHYS_VIRT_START");
    kt_eq(mapping.v_end, MACH2PHYS_VIRT_END, "v_end", "MACH2PHYS_VIRT_END");
    kt_eq(mapping.max_mfn, ((MACH2PHYS_VIRT_END - MACH2PHYS_VIRT_START) >> 3) - 1, "max_mfn",
          "MACH2PHYS_NR_ENTRIES - 1 for a domU");
    kt_eq(memory_op(XENMEM_machphys_mapping, (void *)HYPERVISOR_VA), -XEN_EFAULT,
          "machphys_mapping into the hypervisor's range", "copy_to_guest: -EFAULT");
    kt_eq(memory_op(XENMEM_machphys_mapping | 1UL << EXTENT_SHIFT, &mapping), -XEN_ENOSYS,
          "machphys_mapping with a start extent", "arch_memory_op matches the whole cmd: -ENOSYS");
    chunks = (max_ram_page * 8 + (2UL << 20) - 1) >> 21;
    kt_eq(memory_op(XENMEM_machphys_mfn_list, &xmml), 0, "machphys_mfn_list", "subarch_memory_op");
    kt_eq(xmml.nr_extents, chunks < 64 ? chunks : 64, "one M2P frame per 2 MiB of the table", "nr_extents");
    kt_check(mfns[0] != 0 && mfns[0] < max_ram_page && mfn_to_pfn(mfns[0]) == ~0UL, "the M2P frame is a machine frame of no domain",
             "RDWR_MPT frames", "bad frame");
    printf("# m2p_frame=%#lx\n", mfns[0]);
    xmml.max_extents = 0;
    xmml.extent_start = (unsigned long *)UNMAPPED_VA;
    kt_eq(memory_op(XENMEM_machphys_mfn_list, &xmml), 0, "machphys_mfn_list of no extents", "max_extents 0");
    kt_eq(xmml.nr_extents, 0, "no extents written", "nr_extents 0");
    xmml.max_extents = 1;
    kt_eq(memory_op(XENMEM_machphys_mfn_list, &xmml), -XEN_EFAULT, "machphys_mfn_list into an unmapped list",
          "copy_to_guest_offset: -EFAULT");

    kt_group("memory_map");
    kt_eq(memory_op(XENMEM_memory_map, &map), 0, "memory_map", "the map xl set");
    kt_eq(map.nr_entries, 1, "one entry", "xc_domain_set_memmap_limit");
    kt_eq(e820[0].addr, 0, "RAM from 0", "e820 addr");
    kt_eq(e820[0].size, 32UL << 20, "as much RAM as the domain's memory", "max_memkb");
    kt_eq(e820[0].type, 1, "type RAM", "E820_RAM");
    map.nr_entries = 0;
    kt_eq(memory_op(XENMEM_memory_map, &map), 0, "memory_map with no room", "min(nr_entries, nr_e820)");
    kt_eq(map.nr_entries, 0, "no entries written", "nr_entries 0");
    map.nr_entries = 1;
    map.buffer = (void *)UNMAPPED_VA;
    kt_eq(memory_op(XENMEM_memory_map, &map), -XEN_EFAULT, "memory_map into an unmapped buffer", "-EFAULT");
    kt_eq(memory_op(XENMEM_memory_map, (void *)UNMAPPED_VA), -XEN_EFAULT, "memory_map from an unmapped argument",
          "-EFAULT");
    kt_eq(memory_op(XENMEM_memory_map | 1UL << EXTENT_SHIFT, &map), -XEN_ENOSYS, "memory_map with a start extent",
          "-ENOSYS");
    kt_eq(memory_op(XENMEM_machine_memory_map, &map), -XEN_EPERM, "machine_memory_map", "XSM_PRIV: -EPERM");

    static struct e820entry mine[2] = { { 0, 0x9f000, 1 }, { 0x100000, 0x1f00000, 1 } };
    struct xen_foreign_memory_map fmap = { .domid = DOMID_SELF, .map = { .nr_entries = 2, .buffer = mine } };
    kt_eq(memory_op(XENMEM_set_memory_map, &fmap), 0, "set_memory_map of its own", "XSM_TARGET allows oneself");
    map.nr_entries = 4;
    map.buffer = e820;
    kt_eq(memory_op(XENMEM_memory_map, &map), 0, "memory_map after set_memory_map", "d->arch.e820");
    kt_check(map.nr_entries == 2 && e820[1].addr == 0x100000 && e820[1].size == 0x1f00000, "the map set comes back",
             "e820 copied", "different map");
    fmap.domid = other_domid;
    kt_eq(memory_op(XENMEM_set_memory_map, &fmap), OTHER_OR(-XEN_EPERM, -XEN_ESRCH), "set_memory_map of another domain",
          "-EPERM");
    fmap.domid = NO_SUCH_DOMAIN;
    kt_eq(memory_op(XENMEM_set_memory_map, &fmap), -XEN_ESRCH, "set_memory_map of no domain", "-ESRCH");
    fmap.domid = DOMID_SELF;
    fmap.map.nr_entries = 1025;
    kt_eq(memory_op(XENMEM_set_memory_map, &fmap), -XEN_EINVAL, "set_memory_map of 1025 entries", "E820MAX: -EINVAL");
    fmap.map.nr_entries = 2;
    fmap.map.buffer = (void *)UNMAPPED_VA;
    kt_eq(memory_op(XENMEM_set_memory_map, &fmap), -XEN_EFAULT, "set_memory_map from an unmapped buffer", "-EFAULT");
    fmap.map.nr_entries = 0;
    kt_eq(memory_op(XENMEM_set_memory_map, &fmap), 0, "set_memory_map of no entries", "nr_e820 = 0");
    kt_eq(memory_op(XENMEM_memory_map, &map), -XEN_ENOSYS, "memory_map without a map", "-ENOSYS");
    mine[0].size = 32UL << 20;
    fmap.map.nr_entries = 1;
    fmap.map.buffer = mine;
    memory_op(XENMEM_set_memory_map, &fmap);
}

void kernel_main(start_info_t *start_info)
{
    si = start_info;
    parse_options();
    if (bench_rounds) {
        bench(bench_rounds);
        sdk_shutdown(SHUTDOWN_poweroff);
    }
    if (fuzz_seed) {
        fuzz(fuzz_seed);
        sdk_shutdown(SHUTDOWN_poweroff);
    }
    if (limits_asked) {
        limits(limits_asked);
        sdk_shutdown(SHUTDOWN_poweroff);
    }
    printf("memop: start\n");
    multicall_tests();
    query_tests();
    map_tests();
    increase_tests();
    decrease_tests();
    populate_tests();
    exchange_tests();
    refused_tests();
    mapped_tests();
    printf("# final_reservation=%#lx\n", (unsigned long)current_reservation(DOMID_SELF));
    kt_summary();
    printf("memop: done\n");
    sdk_shutdown(SHUTDOWN_poweroff);
}
