package dev.trufflexen.xen.abi;

/** physdev_op commands ({@code physdev.h}). */
public final class PhysdevOp {
    public static final int PHYSDEVOP_IRQ_UNMASK_NOTIFY = 4;
    public static final int PHYSDEVOP_irq_status_query = 5;
    public static final int PHYSDEVOP_set_iopl = 6;
    public static final int PHYSDEVOP_set_iobitmap = 7;
    public static final int PHYSDEVOP_apic_read = 8;
    public static final int PHYSDEVOP_apic_write = 9;
    public static final int PHYSDEVOP_alloc_irq_vector = 10;
    public static final int PHYSDEVOP_free_irq_vector = 11;
    public static final int PHYSDEVOP_eoi = 12;
    public static final int PHYSDEVOP_map_pirq = 13;
    public static final int PHYSDEVOP_unmap_pirq = 14;
    public static final int PHYSDEVOP_manage_pci_add = 15;
    public static final int PHYSDEVOP_manage_pci_remove = 16;
    public static final int PHYSDEVOP_pirq_eoi_gmfn_v1 = 17;
    public static final int PHYSDEVOP_restore_msi = 19;
    public static final int PHYSDEVOP_manage_pci_add_ext = 20;
    public static final int PHYSDEVOP_setup_gsi = 21;
    public static final int PHYSDEVOP_get_free_pirq = 23;
    public static final int PHYSDEVOP_pci_mmcfg_reserved = 24;
    public static final int PHYSDEVOP_pci_device_add = 25;
    public static final int PHYSDEVOP_pci_device_remove = 26;
    public static final int PHYSDEVOP_restore_msi_ext = 27;
    public static final int PHYSDEVOP_pirq_eoi_gmfn_v2 = 28;
    public static final int PHYSDEVOP_dbgp_op = 29;
    public static final int PHYSDEVOP_prepare_msix = 30;
    public static final int PHYSDEVOP_release_msix = 31;
    public static final int PHYSDEVOP_pci_device_reset = 32;

    /** struct physdev_set_iopl. */
    public static final AbiStruct SET_IOPL_LAYOUT = new AbiStruct("struct physdev_set_iopl", 4);
    public static final AbiField SET_IOPL_IOPL = SET_IOPL_LAYOUT.in(AbiType.U32, "iopl", 0);

    /** struct physdev_set_iobitmap. */
    public static final AbiStruct SET_IOBITMAP_LAYOUT = new AbiStruct("struct physdev_set_iobitmap", 16);
    public static final AbiField SET_IOBITMAP_BITMAP = SET_IOBITMAP_LAYOUT.in(AbiType.ULONG, "bitmap", 0);
    public static final AbiField SET_IOBITMAP_NR_PORTS = SET_IOBITMAP_LAYOUT.in(AbiType.U32, "nr_ports", 8);

    private PhysdevOp() {
    }
}
