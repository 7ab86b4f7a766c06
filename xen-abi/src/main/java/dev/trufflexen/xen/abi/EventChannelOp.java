package dev.trufflexen.xen.abi;

import static dev.trufflexen.xen.abi.AbiType.U32;

/** event_channel_op commands ({@code event_channel.h}). */
public final class EventChannelOp {
    public static final int EVTCHNOP_bind_interdomain = 0;
    public static final int EVTCHNOP_bind_virq = 1;
    public static final int EVTCHNOP_bind_pirq = 2;
    public static final int EVTCHNOP_close = 3;
    public static final int EVTCHNOP_send = 4;
    public static final int EVTCHNOP_status = 5;
    public static final int EVTCHNOP_alloc_unbound = 6;
    public static final int EVTCHNOP_bind_ipi = 7;
    public static final int EVTCHNOP_bind_vcpu = 8;
    public static final int EVTCHNOP_unmask = 9;
    public static final int EVTCHNOP_reset = 10;
    public static final int EVTCHNOP_init_control = 11;
    public static final int EVTCHNOP_expand_array = 12;
    public static final int EVTCHNOP_set_priority = 13;
    public static final int EVTCHNOP_reset_cont = 14;

    /** struct evtchn_send { evtchn_port_t port; }. */
    public static final int EVTCHN_SEND_SIZE = 4;
    public static final AbiStruct SEND_LAYOUT = new AbiStruct("struct evtchn_send", EVTCHN_SEND_SIZE);
    public static final AbiField SEND_PORT = SEND_LAYOUT.in(U32, "port", 0);

    private EventChannelOp() {
    }
}
