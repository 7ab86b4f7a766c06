package dev.trufflexen.xen.abi;

import static dev.trufflexen.xen.abi.AbiType.U16;
import static dev.trufflexen.xen.abi.AbiType.U32;
import static dev.trufflexen.xen.abi.AbiType.U64;
import static dev.trufflexen.xen.abi.AbiType.ULONG;

/**
 * memory_op commands, their sub-operations, the add_to_physmap spaces and the argument structures
 * of the sub-operations a PV guest uses ({@code memory.h}; guest handles are 8-byte pointers).
 */
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

    /** struct xen_memory_reservation: increase/decrease_reservation, populate_physmap, claim_pages. */
    public static final AbiStruct RESERVATION_LAYOUT = new AbiStruct("struct xen_memory_reservation", 32);
    public static final AbiField RES_EXTENT_START = RESERVATION_LAYOUT.in(ULONG, "extent_start", 0);
    public static final AbiField RES_NR_EXTENTS = RESERVATION_LAYOUT.in(ULONG, "nr_extents", 8);
    public static final AbiField RES_EXTENT_ORDER = RESERVATION_LAYOUT.in(U32, "extent_order", 16);
    public static final AbiField RES_MEM_FLAGS = RESERVATION_LAYOUT.in(U32, "mem_flags", 20);
    public static final AbiField RES_DOMID = RESERVATION_LAYOUT.in(U16, "domid", 24);

    /** struct xen_memory_exchange: two reservations and the count done, the only field written back. */
    public static final AbiStruct EXCHANGE_LAYOUT = new AbiStruct("struct xen_memory_exchange", 72);
    public static final AbiField EXCH_IN_EXTENT_START = EXCHANGE_LAYOUT.in(ULONG, "in.extent_start", 0);
    public static final AbiField EXCH_IN_NR_EXTENTS = EXCHANGE_LAYOUT.in(ULONG, "in.nr_extents", 8);
    public static final AbiField EXCH_IN_EXTENT_ORDER = EXCHANGE_LAYOUT.in(U32, "in.extent_order", 16);
    public static final AbiField EXCH_IN_MEM_FLAGS = EXCHANGE_LAYOUT.in(U32, "in.mem_flags", 20);
    public static final AbiField EXCH_IN_DOMID = EXCHANGE_LAYOUT.in(U16, "in.domid", 24);
    public static final AbiField EXCH_OUT_EXTENT_START = EXCHANGE_LAYOUT.in(ULONG, "out.extent_start", 32);
    public static final AbiField EXCH_OUT_NR_EXTENTS = EXCHANGE_LAYOUT.in(ULONG, "out.nr_extents", 40);
    public static final AbiField EXCH_OUT_EXTENT_ORDER = EXCHANGE_LAYOUT.in(U32, "out.extent_order", 48);
    public static final AbiField EXCH_OUT_MEM_FLAGS = EXCHANGE_LAYOUT.in(U32, "out.mem_flags", 52);
    public static final AbiField EXCH_OUT_DOMID = EXCHANGE_LAYOUT.in(U16, "out.domid", 56);
    public static final AbiField EXCH_NR_EXCHANGED = EXCHANGE_LAYOUT.inOut(ULONG, "nr_exchanged", 64);

    /** struct xen_memory_domain: current_reservation, maximum_reservation, maximum_gpfn. */
    public static final AbiStruct MEMORY_DOMAIN_LAYOUT = new AbiStruct("struct xen_memory_domain", 2);
    public static final AbiField MEMDOM_DOMID = MEMORY_DOMAIN_LAYOUT.in(U16, "domid", 0);

    /** struct xen_machphys_mfn_list: the frames of the M2P table, one per 2 MiB of it. */
    public static final AbiStruct MACHPHYS_MFN_LIST_LAYOUT = new AbiStruct("struct xen_machphys_mfn_list", 24);
    public static final AbiField MFNLIST_MAX_EXTENTS = MACHPHYS_MFN_LIST_LAYOUT.in(U32, "max_extents", 0);
    public static final AbiField MFNLIST_EXTENT_START = MACHPHYS_MFN_LIST_LAYOUT.in(ULONG, "extent_start", 8);
    public static final AbiField MFNLIST_NR_EXTENTS = MACHPHYS_MFN_LIST_LAYOUT.out(U32, "nr_extents", 16);

    /** struct xen_machphys_mapping: where the read-only M2P is mapped. */
    public static final AbiStruct MACHPHYS_MAPPING_LAYOUT = new AbiStruct("struct xen_machphys_mapping", 24);
    public static final AbiField MAPPING_V_START = MACHPHYS_MAPPING_LAYOUT.out(ULONG, "v_start", 0);
    public static final AbiField MAPPING_V_END = MACHPHYS_MAPPING_LAYOUT.out(ULONG, "v_end", 8);
    public static final AbiField MAPPING_MAX_MFN = MACHPHYS_MAPPING_LAYOUT.out(ULONG, "max_mfn", 16);

    /** struct xen_memory_map: memory_map (nr_entries in/out, then the E820 entries at buffer). */
    public static final AbiStruct MEMORY_MAP_LAYOUT = new AbiStruct("struct xen_memory_map", 16);
    public static final AbiField MAP_NR_ENTRIES = MEMORY_MAP_LAYOUT.inOut(U32, "nr_entries", 0);
    public static final AbiField MAP_BUFFER = MEMORY_MAP_LAYOUT.in(ULONG, "buffer", 8);

    /** struct xen_foreign_memory_map: set_memory_map. */
    public static final AbiStruct FOREIGN_MEMORY_MAP_LAYOUT = new AbiStruct("struct xen_foreign_memory_map", 24);
    public static final AbiField FMAP_DOMID = FOREIGN_MEMORY_MAP_LAYOUT.in(U16, "domid", 0);
    public static final AbiField FMAP_NR_ENTRIES = FOREIGN_MEMORY_MAP_LAYOUT.in(U32, "map.nr_entries", 8);
    public static final AbiField FMAP_BUFFER = FOREIGN_MEMORY_MAP_LAYOUT.in(ULONG, "map.buffer", 16);

    /** struct e820entry as Xen and Linux lay it out: packed, 20 bytes. */
    public static final AbiStruct E820_ENTRY_LAYOUT = new AbiStruct("struct e820entry", 20);
    public static final AbiField E820_ADDR = E820_ENTRY_LAYOUT.inOut(U64, "addr", 0);
    public static final AbiField E820_SIZE = E820_ENTRY_LAYOUT.inOut(U64, "size", 8);
    public static final AbiField E820_TYPE = E820_ENTRY_LAYOUT.inOut(U32, "type", 16);
    /** Xen's E820MAX: the most entries set_memory_map accepts. */
    public static final int E820MAX = 1024;
    public static final int E820_RAM = 1;

    /** struct xen_add_to_physmap. */
    public static final AbiStruct ADD_TO_PHYSMAP_LAYOUT = new AbiStruct("struct xen_add_to_physmap", 24);
    public static final AbiField XATP_DOMID = ADD_TO_PHYSMAP_LAYOUT.in(U16, "domid", 0);
    public static final AbiField XATP_SIZE = ADD_TO_PHYSMAP_LAYOUT.in(U16, "size", 2);
    public static final AbiField XATP_SPACE = ADD_TO_PHYSMAP_LAYOUT.in(U32, "space", 4);
    public static final AbiField XATP_IDX = ADD_TO_PHYSMAP_LAYOUT.in(ULONG, "idx", 8);
    public static final AbiField XATP_GPFN = ADD_TO_PHYSMAP_LAYOUT.in(ULONG, "gpfn", 16);

    /**
     * The sub-operations a PV domU is refused before any work: the size of each argument
     * structure and the offset of its domid (copy_from_guest of the whole structure comes
     * first, then the domain is looked up).
     */
    public static final int BATCH_SIZE = 32;
    public static final int BATCH_OFF_SPACE = 2;
    public static final int REMOVE_FROM_PHYSMAP_SIZE = 16;
    public static final int POD_TARGET_SIZE = 40;
    public static final int POD_TARGET_OFF_DOMID = 32;
    public static final int VNUMA_TOPOLOGY_SIZE = 40;
    public static final int VNUMA_OFF_PAD = 2;
    public static final int MEM_ACCESS_OP_SIZE = 32;
    public static final int MEM_ACCESS_OFF_DOMID = 2;
    public static final int ACQUIRE_RESOURCE_SIZE = 32;
    public static final int ACQUIRE_OFF_PAD = 12;
    public static final int ACQUIRE_OFF_FRAME = 16;
    public static final int ACQUIRE_OFF_NR_FRAMES = 8;
    public static final int RDM_MAP_SIZE = 24;
    public static final int RDM_OFF_NR_ENTRIES = 4;
    public static final int XENMEM_RDM_ALL = 1;

    private MemoryOp() {
    }
}
