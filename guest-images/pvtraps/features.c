/*
 * XENVER_get_features as the domain's VM assists change it (common/kernel.c):
 * pae_pgdir_above_4gb follows the pae_extended_cr3 assist; writable_page_tables
 * is announced only to translated domains, so a PV guest never sees it, whether
 * or not its writable_pagetables assist is on.
 */
#include "pvtraps.h"
#include <xen/features.h>

#define PV_FIXED_FEATURES ((1U << XENFEAT_memory_op_vnode_supported) | (1U << XENFEAT_mmu_pt_update_preserve_ad) \
                           | (1U << XENFEAT_highmem_assist) | (1U << XENFEAT_gnttab_map_avail_bits))

static unsigned long submap(unsigned int idx)
{
    xen_feature_info_t fi = { .submap_idx = idx, .submap = 0xdeadbeef };
    long rc = HYPERVISOR_xen_version(XENVER_get_features, &fi);

    return rc < 0 ? (unsigned long)rc : fi.submap;
}

void feature_assist_tests(void)
{
    kt_group("get_features and VM assists");
    kt_eq(submap(0), PV_FIXED_FEATURES, "submap 0 with no assist on", "the PV set only");
    kt_eq(submap(1), (unsigned long)-XEN_EINVAL, "submap 1", "default: -EINVAL");
    kt_eq(HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_pae_extended_cr3), 0, "enable pae_extended_cr3",
          "do_vm_assist");
    kt_eq(submap(0), PV_FIXED_FEATURES | 1U << XENFEAT_pae_pgdir_above_4gb, "submap 0 with pae_extended_cr3",
          "VM_ASSIST(d, pae_extended_cr3): XENFEAT_pae_pgdir_above_4gb");
    kt_eq(HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables), 0, "enable writable_pagetables",
          "do_vm_assist");
    kt_eq(submap(0) & 1U << XENFEAT_writable_page_tables, 0, "writable_page_tables with the assist on",
          "announced only when paging_mode_translate(d)");
    kt_eq(HYPERVISOR_vm_assist(VMASST_CMD_disable, VMASST_TYPE_pae_extended_cr3), 0, "disable pae_extended_cr3",
          "do_vm_assist");
    kt_eq(submap(0), PV_FIXED_FEATURES, "submap 0 after pae_extended_cr3 is off", "the bit goes with the assist");
    kt_eq(HYPERVISOR_vm_assist(VMASST_CMD_disable, VMASST_TYPE_writable_pagetables), 0,
          "disable writable_pagetables", "do_vm_assist");
}
