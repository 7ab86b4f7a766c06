/*
 * memop: the sub-operations Xen refuses a PV domU, each with the error Xen reaches first.
 */
#include "memop.h"

struct add_to_physmap_batch {
    unsigned short domid, space, size, foreign_domid;
    void *idxs, *gpfns, *errs;
};

struct remove_from_physmap {
    unsigned short domid;
    unsigned long gpfn;
};

struct pod_target {
    unsigned long target_pages, tot_pages, pod_cache_pages, pod_entries;
    unsigned short domid;
};

struct vnuma_topology_info {
    unsigned short domid, pad;
    unsigned int nr_vnodes, nr_vcpus, nr_vmemranges;
    void *vdistance, *vcpu_to_vnode, *vmemrange;
};

struct mem_access_op {
    unsigned char op, access;
    unsigned short domid;
    unsigned int nr;
    unsigned long pfn;
    void *pfn_list, *access_list;
};

struct acquire_resource {
    unsigned short domid, type;
    unsigned int id, nr_frames, pad;
    unsigned long frame;
    void *frame_list;
};

struct reserved_device_memory_map {
    unsigned int flags, nr_entries;
    void *buffer;
    unsigned long dev;
};

_Static_assert(sizeof(struct add_to_physmap_batch) == 32, "xen_add_to_physmap_batch");
_Static_assert(sizeof(struct remove_from_physmap) == 16, "xen_remove_from_physmap");
_Static_assert(sizeof(struct pod_target) == 40, "xen_pod_target");
_Static_assert(sizeof(struct vnuma_topology_info) == 40, "xen_vnuma_topology_info");
_Static_assert(sizeof(struct mem_access_op) == 32, "xen_mem_access_op");
_Static_assert(sizeof(struct acquire_resource) == 32, "xen_mem_acquire_resource");
_Static_assert(sizeof(struct reserved_device_memory_map) == 24, "xen_reserved_device_memory_map");

static void physmap_tests(void)
{
    struct xen_add_to_physmap xatp = { .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info, .gpfn = 0x1000 };
    struct add_to_physmap_batch batch = { .domid = DOMID_SELF, .space = XENMAPSPACE_gmfn, .size = 1 };
    struct remove_from_physmap xrfp = { .domid = DOMID_SELF, .gpfn = 5 };

    kt_group("physmap");
    kt_eq(memory_op(XENMEM_add_to_physmap, &xatp), -XEN_EACCES, "add_to_physmap of shared_info",
          "PV maps it with update_va_mapping: -EACCES");
    xatp.space = XENMAPSPACE_grant_table;
    kt_eq(memory_op(XENMEM_add_to_physmap, &xatp), -XEN_EACCES, "add_to_physmap of a grant frame", "-EACCES");
    xatp.space = XENMAPSPACE_gmfn_foreign;
    kt_eq(memory_op(XENMEM_add_to_physmap, &xatp), -XEN_ENOSYS, "add_to_physmap of a foreign frame",
          "only through the batch: -ENOSYS");
    xatp.space = XENMAPSPACE_shared_info;
    kt_eq(memory_op(XENMEM_add_to_physmap | 1UL << (EXTENT_SHIFT + 16), &xatp), -XEN_EDOM,
          "add_to_physmap with a start extent past its 16-bit size", "-EDOM");
    xatp.domid = NO_SUCH_DOMAIN;
    kt_eq(memory_op(XENMEM_add_to_physmap, &xatp), -XEN_ESRCH, "add_to_physmap for no domain", "-ESRCH");
    kt_eq(memory_op(XENMEM_add_to_physmap, (void *)UNMAPPED_VA), -XEN_EFAULT, "add_to_physmap from an unmapped argument",
          "-EFAULT");
    kt_eq(memory_op(XENMEM_add_to_physmap_batch, &batch), -XEN_EACCES, "add_to_physmap_batch", "-EACCES");
    batch.space = XENMAPSPACE_gmfn_range;
    kt_eq(memory_op(XENMEM_add_to_physmap_batch, &batch), -XEN_EOPNOTSUPP, "add_to_physmap_batch of a gmfn range",
          "-EOPNOTSUPP");
    kt_eq(memory_op(XENMEM_remove_from_physmap, &xrfp), -XEN_EACCES, "remove_from_physmap", "not translated: -EACCES");
    kt_eq(memory_op(XENMEM_remove_from_physmap | 1UL << EXTENT_SHIFT, &xrfp), -XEN_EINVAL,
          "remove_from_physmap with a start extent", "-EINVAL");
}

static void privileged_tests(void)
{
    static unsigned long list[1];
    struct pod_target pod = { .domid = DOMID_SELF };
    struct vnuma_topology_info vnuma = { .domid = DOMID_SELF };
    struct mem_access_op mao = { .domid = DOMID_SELF };
    struct acquire_resource xmar = { .domid = other_domid, .nr_frames = 1 };
    struct reserved_device_memory_map rdm = { .flags = 1, .nr_entries = 7 };

    kt_group("refused");
    kt_eq(reservation(XENMEM_claim_pages, NULL, 10, 0, 0, DOMID_SELF), -XEN_EINVAL, "claim_pages for DOMID_SELF",
          "rcu_lock_domain_by_id: -EINVAL");
    kt_eq(reservation(XENMEM_claim_pages, NULL, 10, 0, 0, other_domid), OTHER_OR(-XEN_EPERM, -XEN_EINVAL), "claim_pages for another domain",
          "XSM_PRIV: -EPERM");
    kt_eq(reservation(XENMEM_claim_pages, list, 10, 0, 0, other_domid), -XEN_EINVAL, "claim_pages with an extent list",
          "-EINVAL");
    kt_eq(memory_op(XENMEM_set_pod_target, &pod), -XEN_EINVAL, "set_pod_target", "not HVM: -EINVAL");
    kt_eq(memory_op(XENMEM_get_pod_target, &pod), -XEN_EINVAL, "get_pod_target", "-EINVAL");
    pod.domid = NO_SUCH_DOMAIN;
    kt_eq(memory_op(XENMEM_get_pod_target, &pod), -XEN_ESRCH, "get_pod_target for no domain", "-ESRCH");
    kt_eq(memory_op(XENMEM_get_vnumainfo, &vnuma), -XEN_EOPNOTSUPP, "get_vnumainfo", "no vNUMA: -EOPNOTSUPP");
    vnuma.pad = 1;
    kt_eq(memory_op(XENMEM_get_vnumainfo, &vnuma), -XEN_EINVAL, "get_vnumainfo with padding", "-EINVAL");
    kt_eq(memory_op(XENMEM_access_op, &mao), -XEN_ESRCH, "access_op for DOMID_SELF", "by id only: -ESRCH");
    mao.domid = other_domid;
    kt_eq(memory_op(XENMEM_access_op, &mao), OTHER_OR(-XEN_EINVAL, -XEN_ESRCH), "access_op for another PV domain", "sanity check: -EINVAL");
    kt_eq(memory_op(XENMEM_acquire_resource, &xmar), OTHER_OR(-XEN_EPERM, -XEN_ESRCH), "acquire_resource of another domain",
          "XSM_DM_PRIV: -EPERM");
    xmar.pad = 1;
    kt_eq(memory_op(XENMEM_acquire_resource, &xmar), -XEN_EINVAL, "acquire_resource with padding", "-EINVAL");
    xmar.pad = 0;
    xmar.frame = 1UL << 32;
    kt_eq(memory_op(XENMEM_acquire_resource, &xmar), -XEN_EINVAL, "acquire_resource past 2^32 frames", "-EINVAL");
    kt_eq(memory_op(XENMEM_reserved_device_memory_map, &rdm), 0, "reserved_device_memory_map", "no device: 0");
    kt_eq(rdm.nr_entries, 0, "no reserved regions", "nr_entries 0");
    rdm.flags = 2;
    kt_eq(memory_op(XENMEM_reserved_device_memory_map, &rdm), -XEN_EINVAL, "reserved_device_memory_map flags",
          "-EINVAL");
    kt_eq(memory_op(XENMEM_get_sharing_freed_pages, NULL), 0, "get_sharing_freed_pages", "no sharing: 0");
    kt_eq(memory_op(XENMEM_get_sharing_shared_pages, NULL), 0, "get_sharing_shared_pages", "0");
    kt_eq(memory_op(XENMEM_machphys_compat_mfn_list, NULL), -XEN_EOPNOTSUPP, "machphys_compat_mfn_list",
          "no 32-bit PV: -EOPNOTSUPP");
    kt_eq(memory_op(XENMEM_paging_op, NULL), -XEN_ENOSYS, "paging_op", "no CONFIG_MEM_PAGING: -ENOSYS");
    kt_eq(memory_op(XENMEM_sharing_op, NULL), -XEN_ENOSYS, "sharing_op", "no CONFIG_MEM_SHARING: -ENOSYS");
    kt_eq(memory_op(8, NULL), -XEN_ENOSYS, "command 8", "undefined: -ENOSYS");
    kt_eq(memory_op(63, NULL), -XEN_ENOSYS, "command 63", "undefined: -ENOSYS");
}

void refused_tests(void)
{
    physmap_tests();
    privileged_tests();
}
