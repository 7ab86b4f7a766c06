package dev.trufflexen.xen.pv;

import dev.trufflexen.xen.abi.Hypercalls;
import dev.trufflexen.xen.abi.XenErrno;
import dev.trufflexen.xen.hypercall.Hypercall;
import dev.trufflexen.xen.hypercall.HypercallContext;

/**
 * {@code set_debugreg(int reg, unsigned long value)}, as Xen's {@code do_set_debugreg} (the
 * register number is taken as unsigned, so a negative one is -ENODEV): see
 * {@link PvDebugRegisters} for the validation.
 */
public final class SetDebugregHypercall implements Hypercall {
    @Override
    public int number() {
        return Hypercalls.__HYPERVISOR_set_debugreg;
    }

    @Override
    public long invoke(HypercallContext context) {
        PvVcpu pv = PvEntry.pvVcpu(context.cpu());
        long reg = context.uintArg(0);
        if (reg > 7) {
            return -XenErrno.ENODEV;
        }
        return pv.debugRegisters().set(context.cpu(), (int) reg, context.ulongArg(1), pv.cr4());
    }
}
