package dev.trufflexen.xen.event;

import java.util.HashMap;
import java.util.Map;

import dev.trufflexen.xen.abi.EventChannelOp;
import dev.trufflexen.xen.abi.Hypercalls;
import dev.trufflexen.xen.abi.XenErrno;
import dev.trufflexen.xen.hypercall.GuestStruct;
import dev.trufflexen.xen.hypercall.Hypercall;
import dev.trufflexen.xen.hypercall.HypercallContext;
import dev.trufflexen.xen.hypercall.XenError;

/**
 * {@code event_channel_op(int cmd, XEN_GUEST_HANDLE(void) arg)}. This slice implements
 * EVTCHNOP_send, which is how a guest notifies a backend (its console or xenstore daemon) that a
 * shared ring has new data; the rest of the interface is -ENOSYS until the event channel issue.
 */
public final class EventChannelHypercall implements Hypercall {
    private static final String LATER = "-ENOSYS because the event channel operations arrive with the event channel issue";

    @Override
    public int number() {
        return Hypercalls.__HYPERVISOR_event_channel_op;
    }

    @Override
    public Map<Integer, String> subOps() {
        Map<Integer, String> ops = new HashMap<>();
        for (int cmd = EventChannelOp.EVTCHNOP_bind_interdomain; cmd <= EventChannelOp.EVTCHNOP_reset_cont; cmd++) {
            ops.put(cmd, LATER);
        }
        ops.put(EventChannelOp.EVTCHNOP_send, HANDLED);
        return ops;
    }

    @Override
    public long invoke(HypercallContext context) {
        if (context.intArg(0) != EventChannelOp.EVTCHNOP_send) {
            throw new XenError(XenErrno.ENOSYS, "event_channel_op command not implemented");
        }
        GuestStruct send = context.copyIn(context.handleArg(1), EventChannelOp.SEND_LAYOUT);
        return context.domain().part(EventChannels.PART).send(send.get(EventChannelOp.SEND_PORT));
    }
}
