package dev.trufflexen.xen.pv;

import dev.trufflexen.xen.abi.CallbackOp;
import dev.trufflexen.xen.abi.Hypercalls;
import dev.trufflexen.xen.hypercall.Hypercall;
import dev.trufflexen.xen.hypercall.HypercallContext;

/**
 * {@code set_callbacks(event, failsafe, syscall)}, the legacy form of {@code callback_op}: each
 * address is registered as {@code CALLBACKOP_register} would with no flags (so the failsafe and
 * syscall callbacks no longer mask events), a non-canonical one is skipped, and the result is
 * always 0, as in Xen's {@code do_set_callbacks}.
 */
public final class SetCallbacksHypercall implements Hypercall {
    @Override
    public int number() {
        return Hypercalls.__HYPERVISOR_set_callbacks;
    }

    @Override
    public long invoke(HypercallContext context) {
        PvVcpu pv = PvEntry.pvVcpu(context.cpu());
        Callbacks.register(pv, CallbackOp.CALLBACKTYPE_event, 0, context.ulongArg(0));
        Callbacks.register(pv, CallbackOp.CALLBACKTYPE_failsafe, 0, context.ulongArg(1));
        Callbacks.register(pv, CallbackOp.CALLBACKTYPE_syscall, 0, context.ulongArg(2));
        return 0;
    }
}
