package dev.trufflexen.xen.pv;

import dev.trufflexen.xen.abi.Hypercalls;
import dev.trufflexen.xen.abi.XenErrno;
import dev.trufflexen.xen.hypercall.Hypercall;
import dev.trufflexen.xen.hypercall.HypercallContext;

/**
 * {@code get_debugreg(int reg)}, as Xen's {@code do_get_debugreg}: the register's value, or
 * -ENODEV for one that does not exist (DR4/DR5 while CR4.DE is set, anything outside 0-7).
 */
public final class GetDebugregHypercall implements Hypercall {
    @Override
    public int number() {
        return Hypercalls.__HYPERVISOR_get_debugreg;
    }

    @Override
    public long invoke(HypercallContext context) {
        PvVcpu pv = PvEntry.pvVcpu(context.cpu());
        int reg = context.intArg(0);
        if (!pv.debugRegisters().readable(reg, pv.cr4())) {
            return -XenErrno.ENODEV;
        }
        return pv.debugRegisters().read(reg);
    }
}
