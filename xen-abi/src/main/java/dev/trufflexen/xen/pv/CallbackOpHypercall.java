package dev.trufflexen.xen.pv;

import java.util.Map;

import dev.trufflexen.xen.abi.CallbackOp;
import dev.trufflexen.xen.abi.Hypercalls;
import dev.trufflexen.xen.abi.XenErrno;
import dev.trufflexen.xen.hypercall.GuestStruct;
import dev.trufflexen.xen.hypercall.Hypercall;
import dev.trufflexen.xen.hypercall.HypercallContext;

/**
 * {@code callback_op(int cmd, const void *arg)}, as Xen's {@code do_callback_op}: register
 * (event, failsafe, syscall, syscall32, sysenter, nmi; CALLBACKF_mask_events where Xen keeps it)
 * and unregister (nmi only). An unreadable argument is -EFAULT, an unknown command -ENOSYS.
 */
public final class CallbackOpHypercall implements Hypercall {
    @Override
    public int number() {
        return Hypercalls.__HYPERVISOR_callback_op;
    }

    @Override
    public Map<Integer, String> subOps() {
        return Map.of(CallbackOp.CALLBACKOP_register, HANDLED, CallbackOp.CALLBACKOP_unregister, HANDLED);
    }

    @Override
    public long invoke(HypercallContext context) {
        PvVcpu pv = PvEntry.pvVcpu(context.cpu());
        switch (context.intArg(0)) {
            case CallbackOp.CALLBACKOP_register -> {
                GuestStruct reg = context.copyIn(context.handleArg(1), CallbackOp.REGISTER_LAYOUT);
                return Callbacks.register(pv, (int) reg.get(CallbackOp.REGISTER_TYPE), (int) reg.get(CallbackOp.REGISTER_FLAGS),
                        reg.get(CallbackOp.REGISTER_ADDRESS));
            }
            case CallbackOp.CALLBACKOP_unregister -> {
                GuestStruct unreg = context.copyIn(context.handleArg(1), CallbackOp.UNREGISTER_LAYOUT);
                return Callbacks.unregister(pv, (int) unreg.get(CallbackOp.UNREGISTER_TYPE));
            }
            default -> {
                return -XenErrno.ENOSYS;
            }
        }
    }
}
