package dev.trufflexen.xen.pv;

import dev.trufflexen.xen.abi.Hypercalls;
import dev.trufflexen.xen.abi.VmAssist;
import dev.trufflexen.xen.abi.XenErrno;
import dev.trufflexen.xen.hypercall.Hypercall;
import dev.trufflexen.xen.hypercall.HypercallContext;

/**
 * {@code vm_assist(unsigned int cmd, unsigned int type)}, as Xen's {@code do_vm_assist}: a type
 * outside the mask Xen offers a 64-bit PV guest is -EINVAL (checked first), enable and disable
 * set and clear it for the domain, any other command is -ENOSYS. The flags live in
 * {@link PvMmu#vmAssist}; writable_pagetables and m2p_strict change how the MMU treats the guest.
 */
public final class VmAssistHypercall implements Hypercall {
    /** Xen's PV64_VM_ASSIST_MASK. */
    static final long PV64_VALID = 1L << VmAssist.VMASST_TYPE_4gb_segments | 1L << VmAssist.VMASST_TYPE_4gb_segments_notify
            | 1L << VmAssist.VMASST_TYPE_writable_pagetables | 1L << VmAssist.VMASST_TYPE_pae_extended_cr3
            | 1L << VmAssist.VMASST_TYPE_architectural_iopl | 1L << VmAssist.VMASST_TYPE_runstate_update_flag
            | 1L << VmAssist.VMASST_TYPE_m2p_strict;

    @Override
    public int number() {
        return Hypercalls.__HYPERVISOR_vm_assist;
    }

    @Override
    public long invoke(HypercallContext context) {
        long cmd = context.uintArg(0);
        long type = context.uintArg(1);
        if (type >= 64 || (PV64_VALID & (1L << type)) == 0) {
            return -XenErrno.EINVAL;
        }
        PvMmu mmu = PvMmu.of(context.domain());
        if (cmd == VmAssist.VMASST_CMD_enable || cmd == VmAssist.VMASST_CMD_disable) {
            mmu.setVmAssist((int) type, cmd == VmAssist.VMASST_CMD_enable);
            return 0;
        }
        return -XenErrno.ENOSYS;
    }
}
