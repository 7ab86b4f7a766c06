package dev.trufflexen.xen.pv;

import dev.trufflexen.xen.abi.Hypercalls;
import dev.trufflexen.xen.abi.VmAssist;
import dev.trufflexen.xen.abi.XenErrno;
import dev.trufflexen.xen.hypercall.Hypercall;
import dev.trufflexen.xen.hypercall.HypercallContext;

/**
 * {@code vm_assist(unsigned int cmd, unsigned int type)}, as Xen's {@code do_vm_assist}: a type
 * outside the set a 64-bit PV domain may use ({@link PvDomain#VALID_ASSISTS}) is -EINVAL whatever
 * the command; then enable sets it, disable clears it, any other command is -ENOSYS. Of the
 * assists, TruffleXen acts on architectural_iopl (the guest kernel's virtual IOPL is compared as
 * ring 0 rather than ring 1); the others are recorded for the subsystems that read them.
 */
public final class VmAssistHypercall implements Hypercall {
    @Override
    public int number() {
        return Hypercalls.__HYPERVISOR_vm_assist;
    }

    @Override
    public long invoke(HypercallContext context) {
        long cmd = context.uintArg(0);
        long type = context.uintArg(1);
        if (type >= Long.SIZE || (PvDomain.VALID_ASSISTS & 1L << type) == 0) {
            return -XenErrno.EINVAL;
        }
        dev.trufflexen.xen.domain.Domain domain = context.domain();
        if (cmd == VmAssist.VMASST_CMD_enable) {
            domain.setVmAssist((int) type, true);
            return 0;
        }
        if (cmd == VmAssist.VMASST_CMD_disable) {
            domain.setVmAssist((int) type, false);
            return 0;
        }
        return -XenErrno.ENOSYS;
    }
}
