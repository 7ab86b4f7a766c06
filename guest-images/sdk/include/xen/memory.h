/*
 * TruffleXen guest SDK: memory_op command numbers and flags (Xen's memory.h
 * names and values). Prototype: long memory_op(unsigned int cmd, void *arg).
 */
#ifndef TRUFFLEXEN_SDK_XEN_MEMORY_H
#define TRUFFLEXEN_SDK_XEN_MEMORY_H

#define XENMEM_increase_reservation        0
#define XENMEM_decrease_reservation        1
#define XENMEM_maximum_ram_page            2
#define XENMEM_current_reservation         3
#define XENMEM_maximum_reservation         4
#define XENMEM_machphys_mfn_list           5
#define XENMEM_populate_physmap            6
#define XENMEM_add_to_physmap              7
#define XENMEM_memory_map                  9
#define XENMEM_machine_memory_map         10
#define XENMEM_exchange                   11
#define XENMEM_machphys_mapping           12
#define XENMEM_set_memory_map             13
#define XENMEM_maximum_gpfn               14
#define XENMEM_remove_from_physmap        15
#define XENMEM_set_pod_target             16
#define XENMEM_get_pod_target             17
#define XENMEM_get_sharing_freed_pages    18
#define XENMEM_get_sharing_shared_pages   19
#define XENMEM_paging_op                  20
#define XENMEM_access_op                  21
#define XENMEM_sharing_op                 22
#define XENMEM_add_to_physmap_batch       23
#define XENMEM_claim_pages                24
#define XENMEM_machphys_compat_mfn_list   25
#define XENMEM_get_vnumainfo              26
#define XENMEM_reserved_device_memory_map 27
#define XENMEM_acquire_resource           28

/* Flags of a memory reservation (mem_flags). */
#define XENMEMF_populate_on_demand (1 << 16)
#define XENMEMF_exact_node_request (1 << 17)
#define XENMEMF_vnode              (1 << 18)

/* Spaces of XENMEM_add_to_physmap. */
#define XENMAPSPACE_shared_info  0
#define XENMAPSPACE_grant_table  1
#define XENMAPSPACE_gmfn         2
#define XENMAPSPACE_gmfn_range   3
#define XENMAPSPACE_gmfn_foreign 4
#define XENMAPSPACE_dev_mmio     5

/* reserved_device_memory_map: every device. */
#define XENMEM_RDM_ALL 1

/* Guest handles are plain pointers (8 bytes). */
struct xen_memory_reservation {
    unsigned long *extent_start; /* IN/OUT: frame numbers */
    unsigned long nr_extents;
    unsigned int extent_order;
    unsigned int mem_flags;
    unsigned short domid;
};

struct xen_memory_exchange {
    struct xen_memory_reservation in;
    struct xen_memory_reservation out;
    unsigned long nr_exchanged; /* IN/OUT: input extents exchanged so far */
};

struct xen_memory_domain {
    unsigned short domid;
};

struct xen_machphys_mfn_list {
    unsigned int max_extents;
    unsigned long *extent_start;
    unsigned int nr_extents; /* OUT */
};

struct xen_machphys_mapping {
    unsigned long v_start, v_end; /* OUT: the read-only M2P */
    unsigned long max_mfn;
};

struct e820entry {
    unsigned long long addr;
    unsigned long long size;
    unsigned int type;
} __attribute__((packed));

struct xen_memory_map {
    unsigned int nr_entries; /* IN: room in buffer; OUT: entries written */
    void *buffer;            /* struct e820entry[] */
};

struct xen_foreign_memory_map {
    unsigned short domid;
    struct xen_memory_map map;
};

struct xen_add_to_physmap {
    unsigned short domid;
    unsigned short size;
    unsigned int space;
    unsigned long idx;
    unsigned long gpfn;
};

#endif /* TRUFFLEXEN_SDK_XEN_MEMORY_H */
