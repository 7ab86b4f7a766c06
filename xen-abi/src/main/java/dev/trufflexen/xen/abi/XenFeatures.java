package dev.trufflexen.xen.abi;

/** Feature bits reported by XENVER_get_features ({@code features.h}). */
public final class XenFeatures {
    public static final int XENFEAT_writable_page_tables = 0;
    public static final int XENFEAT_writable_descriptor_tables = 1;
    public static final int XENFEAT_auto_translated_physmap = 2;
    public static final int XENFEAT_supervisor_mode_kernel = 3;
    public static final int XENFEAT_pae_pgdir_above_4gb = 4;
    public static final int XENFEAT_mmu_pt_update_preserve_ad = 5;
    public static final int XENFEAT_highmem_assist = 6;
    public static final int XENFEAT_gnttab_map_avail_bits = 7;
    public static final int XENFEAT_hvm_callback_vector = 8;
    public static final int XENFEAT_hvm_safe_pvclock = 9;
    public static final int XENFEAT_hvm_pirqs = 10;
    public static final int XENFEAT_dom0 = 11;
    public static final int XENFEAT_grant_map_identity = 12;
    public static final int XENFEAT_memory_op_vnode_supported = 13;
    public static final int XENFEAT_NR_SUBMAPS = 1;

    private XenFeatures() {
    }
}
