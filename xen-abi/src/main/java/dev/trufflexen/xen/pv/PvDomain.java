package dev.trufflexen.xen.pv;

import dev.trufflexen.xen.abi.VmAssist;
import dev.trufflexen.xen.domain.DomainPart;

/**
 * The x86 PV state Xen keeps per domain rather than per vCPU: which {@code vm_assist} bits a
 * 64-bit PV domain may set (the bits themselves live on
 * {@link dev.trufflexen.xen.domain.Domain#vmAssist}, as {@code d->vm_assist} lives in Xen's common
 * {@code struct domain}) and the two latches a domain without devices still has on its emulated
 * I/O ports (PCI CONFIG_ADDRESS at 0xcf8, {@code d->arch.pci_cf8}; the RTC index at 0x70,
 * {@code d->arch.cmos_idx}). Touched by the domain's vCPU threads; each field is one volatile word.
 */
public final class PvDomain {
    public static final DomainPart<PvDomain> PART = DomainPart.declare("x86 PV domain state", PvDomain.class);

    /**
     * The assists Xen offers a 64-bit PV domain (PV64_VM_ASSIST_MASK): 4gb_segments,
     * 4gb_segments_notify, writable_pagetables, pae_extended_cr3, architectural_iopl,
     * runstate_update_flag and m2p_strict.
     */
    public static final long VALID_ASSISTS = 1L << VmAssist.VMASST_TYPE_4gb_segments | 1L << VmAssist.VMASST_TYPE_4gb_segments_notify
            | 1L << VmAssist.VMASST_TYPE_writable_pagetables | 1L << VmAssist.VMASST_TYPE_pae_extended_cr3
            | 1L << VmAssist.VMASST_TYPE_architectural_iopl | 1L << VmAssist.VMASST_TYPE_runstate_update_flag
            | 1L << VmAssist.VMASST_TYPE_m2p_strict;

    private volatile int pciConfigAddress;
    private volatile int cmosIndex;

    int pciConfigAddress() {
        return pciConfigAddress;
    }

    void setPciConfigAddress(int value) {
        pciConfigAddress = value;
    }

    int cmosIndex() {
        return cmosIndex;
    }

    void setCmosIndex(int value) {
        cmosIndex = value;
    }
}
