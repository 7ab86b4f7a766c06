package dev.trufflexen.xen.hypercall;

import java.nio.ByteBuffer;

import dev.trufflexen.xen.abi.EventChannelOp;
import dev.trufflexen.xen.abi.XenErrno;
import dev.trufflexen.xen.core.XenVcpu;

/**
 * event_channel_op(cmd, arg). This slice implements EVTCHNOP_send, which is how a guest notifies
 * a backend (its console or xenstore daemon) that a shared ring has new data; the rest of the
 * event-channel interface returns -ENOSYS and is logged until it is implemented.
 */
final class EventChannelHypercall implements Hypercall {
    private final RateLimitedLog log;

    EventChannelHypercall(RateLimitedLog log) {
        this.log = log;
    }

    @Override
    public long invoke(XenVcpu vcpu, long cmdArg, long arg, long unused3, long unused4, long unused5) {
        int cmd = (int) cmdArg;
        if (cmd == EventChannelOp.EVTCHNOP_send) {
            ByteBuffer send = GuestMemory.read(vcpu, arg, EventChannelOp.EVTCHN_SEND_SIZE);
            if (send == null) {
                return -XenErrno.EFAULT;
            }
            return vcpu.domain().eventChannels().send(Integer.toUnsignedLong(send.getInt(0)));
        }
        log.log(() -> String.format("d%dv%d: event_channel_op %d not implemented", vcpu.domain().id(), vcpu.id(), cmd));
        return -XenErrno.ENOSYS;
    }
}
