package dev.trufflexen.xen.abi;

/** memory_op commands, their sub-operations and the add_to_physmap spaces ({@code memory.h}). */
public final class MemoryOp {
    public static final int XENMEM_increase_reservation = 0;
    public static final int XENMEM_decrease_reservation = 1;
    public static final int XENMEM_maximum_ram_page = 2;
    public static final int XENMEM_current_reservation = 3;
    public static final int XENMEM_maximum_reservation = 4;
    public static final int XENMEM_machphys_mfn_list = 5;
    public static final int XENMEM_populate_physmap = 6;
    public static final int XENMEM_add_to_physmap = 7;
    public static final int XENMEM_memory_map = 9;
    public static final int XENMEM_machine_memory_map = 10;
    public static final int XENMEM_exchange = 11;
    public static final int XENMEM_machphys_mapping = 12;
    public static final int XENMEM_set_memory_map = 13;
    public static final int XENMEM_maximum_gpfn = 14;
    public static final int XENMEM_remove_from_physmap = 15;
    public static final int XENMEM_set_pod_target = 16;
    public static final int XENMEM_get_pod_target = 17;
    public static final int XENMEM_get_sharing_freed_pages = 18;
    public static final int XENMEM_get_sharing_shared_pages = 19;
    public static final int XENMEM_paging_op = 20;
    public static final int XENMEM_access_op = 21;
    public static final int XENMEM_sharing_op = 22;
    public static final int XENMEM_add_to_physmap_batch = 23;
    public static final int XENMEM_claim_pages = 24;
    public static final int XENMEM_machphys_compat_mfn_list = 25;
    public static final int XENMEM_get_vnumainfo = 26;
    public static final int XENMEM_reserved_device_memory_map = 27;
    public static final int XENMEM_acquire_resource = 28;

    public static final int XENMEMF_populate_on_demand = 1 << 16;
    public static final int XENMEMF_exact_node_request = 1 << 17;
    public static final int XENMEMF_vnode = 1 << 18;

    public static final int XENMAPSPACE_shared_info = 0;
    public static final int XENMAPSPACE_grant_table = 1;
    public static final int XENMAPSPACE_gmfn = 2;
    public static final int XENMAPSPACE_gmfn_range = 3;
    public static final int XENMAPSPACE_gmfn_foreign = 4;
    public static final int XENMAPSPACE_dev_mmio = 5;

    /** Xen-internal (xen/hypercall.h), not public ABI: the command is the low 6 bits of memory_op's first argument; the rest is a continuation start extent. */
    public static final int MEMOP_CMD_MASK = (1 << 6) - 1;
    public static final int MEMOP_EXTENT_SHIFT = 6;

    private MemoryOp() {
    }
}
