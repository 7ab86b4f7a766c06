package dev.trufflexen.xen.pv;

import java.util.Map;
import java.util.TreeMap;

import dev.trufflexen.xen.abi.Hypercalls;
import dev.trufflexen.xen.abi.PhysdevOp;
import dev.trufflexen.xen.abi.XenErrno;
import dev.trufflexen.xen.hypercall.GuestStruct;
import dev.trufflexen.xen.hypercall.Hypercall;
import dev.trufflexen.xen.hypercall.HypercallContext;

/**
 * {@code physdev_op(int cmd, void *arg)}: the sub-operations that shape a PV guest's I/O
 * permissions, as Xen's {@code do_physdev_op} (arch/x86/physdev.c).
 * <ul>
 * <li>{@code PHYSDEVOP_set_iopl}: the virtual IOPL, 0-3 (-EINVAL above).
 * <li>{@code PHYSDEVOP_set_iobitmap}: the guest address of an I/O bitmap and how many ports it
 * covers; the address must be one a guest may name (only its start is checked, as Xen's
 * {@code guest_handle_okay} does) and {@code nr_ports} at most 65536, else -EINVAL.
 * </ul>
 * An unreadable argument is -EFAULT; every other command is -ENOSYS (the interrupt, PCI and
 * MSI commands need devices, which a domU here does not have).
 */
public final class PhysdevOpHypercall implements Hypercall {
    private static final int MAX_IOPL = 3;
    private static final long MAX_PORTS = 65536;
    /** Why every other command is -ENOSYS (HypercallCoverageTest lists the same). */
    public static final String NO_DEVICES = "-ENOSYS because interrupts, PCI and MSI need passed-through devices, which domains here do not have";

    @Override
    public int number() {
        return Hypercalls.__HYPERVISOR_physdev_op;
    }

    @Override
    public Map<Integer, String> subOps() {
        Map<Integer, String> ops = new TreeMap<>();
        for (int cmd : new int[] {PhysdevOp.PHYSDEVOP_IRQ_UNMASK_NOTIFY, PhysdevOp.PHYSDEVOP_irq_status_query,
                PhysdevOp.PHYSDEVOP_apic_read, PhysdevOp.PHYSDEVOP_apic_write, PhysdevOp.PHYSDEVOP_alloc_irq_vector,
                PhysdevOp.PHYSDEVOP_free_irq_vector, PhysdevOp.PHYSDEVOP_eoi, PhysdevOp.PHYSDEVOP_map_pirq,
                PhysdevOp.PHYSDEVOP_unmap_pirq, PhysdevOp.PHYSDEVOP_manage_pci_add, PhysdevOp.PHYSDEVOP_manage_pci_remove,
                PhysdevOp.PHYSDEVOP_pirq_eoi_gmfn_v1, PhysdevOp.PHYSDEVOP_restore_msi, PhysdevOp.PHYSDEVOP_manage_pci_add_ext,
                PhysdevOp.PHYSDEVOP_setup_gsi, PhysdevOp.PHYSDEVOP_get_free_pirq, PhysdevOp.PHYSDEVOP_pci_mmcfg_reserved,
                PhysdevOp.PHYSDEVOP_pci_device_add, PhysdevOp.PHYSDEVOP_pci_device_remove, PhysdevOp.PHYSDEVOP_restore_msi_ext,
                PhysdevOp.PHYSDEVOP_pirq_eoi_gmfn_v2, PhysdevOp.PHYSDEVOP_dbgp_op, PhysdevOp.PHYSDEVOP_prepare_msix,
                PhysdevOp.PHYSDEVOP_release_msix, PhysdevOp.PHYSDEVOP_pci_device_reset}) {
            ops.put(cmd, NO_DEVICES);
        }
        ops.put(PhysdevOp.PHYSDEVOP_set_iopl, HANDLED);
        ops.put(PhysdevOp.PHYSDEVOP_set_iobitmap, HANDLED);
        return ops;
    }

    @Override
    public long invoke(HypercallContext context) {
        PvVcpu pv = PvEntry.pvVcpu(context.cpu());
        switch (context.intArg(0)) {
            case PhysdevOp.PHYSDEVOP_set_iopl -> {
                GuestStruct set = context.copyIn(context.handleArg(1), PhysdevOp.SET_IOPL_LAYOUT);
                long iopl = set.get(PhysdevOp.SET_IOPL_IOPL);
                if (iopl > MAX_IOPL) {
                    return -XenErrno.EINVAL;
                }
                pv.setIopl((int) iopl);
                return 0;
            }
            case PhysdevOp.PHYSDEVOP_set_iobitmap -> {
                GuestStruct set = context.copyIn(context.handleArg(1), PhysdevOp.SET_IOBITMAP_LAYOUT);
                long bitmap = set.get(PhysdevOp.SET_IOBITMAP_BITMAP);
                long ports = set.get(PhysdevOp.SET_IOBITMAP_NR_PORTS);
                if (!HypercallContext.accessOk(bitmap) || ports > MAX_PORTS) {
                    return -XenErrno.EINVAL;
                }
                pv.setIoBitmap(bitmap, (int) ports);
                return 0;
            }
            default -> {
                return -XenErrno.ENOSYS;
            }
        }
    }
}
