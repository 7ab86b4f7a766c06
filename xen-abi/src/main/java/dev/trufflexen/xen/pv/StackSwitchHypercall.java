package dev.trufflexen.xen.pv;

import dev.trufflexen.xen.abi.Hypercalls;
import dev.trufflexen.xen.hypercall.Hypercall;
import dev.trufflexen.xen.hypercall.HypercallContext;

/**
 * {@code stack_switch(unsigned long ss, unsigned long esp)}, as Xen's {@code do_stack_switch}:
 * registers the kernel stack on which the next event from guest user mode builds its bounce
 * frame. Nothing is checked (a bad stack crashes the domain only when it is used); the selector's
 * RPL is raised to the guest kernel's, 3. Always 0.
 */
public final class StackSwitchHypercall implements Hypercall {
    private static final int GUEST_KERNEL_RPL = 3;

    @Override
    public int number() {
        return Hypercalls.__HYPERVISOR_stack_switch;
    }

    @Override
    public long invoke(HypercallContext context) {
        long ss = context.ulongArg(0);
        if ((ss & 3) < GUEST_KERNEL_RPL) {
            ss = ss & ~3 | GUEST_KERNEL_RPL;
        }
        PvEntry.pvVcpu(context.cpu()).setKernelStack(ss, context.ulongArg(1));
        return 0;
    }
}
