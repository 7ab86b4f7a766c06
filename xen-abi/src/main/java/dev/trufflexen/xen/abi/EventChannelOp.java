package dev.trufflexen.xen.abi;

import static dev.trufflexen.xen.abi.AbiType.U16;
import static dev.trufflexen.xen.abi.AbiType.U32;
import static dev.trufflexen.xen.abi.AbiType.U64;
import static dev.trufflexen.xen.abi.AbiType.U8;

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

    /** evtchn_status.status. */
    public static final int EVTCHNSTAT_closed = 0;
    public static final int EVTCHNSTAT_unbound = 1;
    public static final int EVTCHNSTAT_interdomain = 2;
    public static final int EVTCHNSTAT_pirq = 3;
    public static final int EVTCHNSTAT_virq = 4;
    public static final int EVTCHNSTAT_ipi = 5;

    /** struct evtchn_alloc_unbound { domid_t dom, remote_dom; evtchn_port_t port; }. */
    public static final AbiStruct ALLOC_UNBOUND_LAYOUT = new AbiStruct("struct evtchn_alloc_unbound", 8);
    public static final AbiField ALLOC_UNBOUND_DOM = ALLOC_UNBOUND_LAYOUT.in(U16, "dom", 0);
    public static final AbiField ALLOC_UNBOUND_REMOTE_DOM = ALLOC_UNBOUND_LAYOUT.in(U16, "remote_dom", 2);
    public static final AbiField ALLOC_UNBOUND_PORT = ALLOC_UNBOUND_LAYOUT.out(U32, "port", 4);

    /** struct evtchn_bind_interdomain { domid_t remote_dom; evtchn_port_t remote_port, local_port; }. */
    public static final AbiStruct BIND_INTERDOMAIN_LAYOUT = new AbiStruct("struct evtchn_bind_interdomain", 12);
    public static final AbiField BIND_INTERDOMAIN_REMOTE_DOM = BIND_INTERDOMAIN_LAYOUT.in(U16, "remote_dom", 0);
    public static final AbiField BIND_INTERDOMAIN_REMOTE_PORT = BIND_INTERDOMAIN_LAYOUT.in(U32, "remote_port", 4);
    public static final AbiField BIND_INTERDOMAIN_LOCAL_PORT = BIND_INTERDOMAIN_LAYOUT.out(U32, "local_port", 8);

    /** struct evtchn_bind_virq { uint32_t virq, vcpu; evtchn_port_t port; }. */
    public static final AbiStruct BIND_VIRQ_LAYOUT = new AbiStruct("struct evtchn_bind_virq", 12);
    public static final AbiField BIND_VIRQ_VIRQ = BIND_VIRQ_LAYOUT.in(U32, "virq", 0);
    public static final AbiField BIND_VIRQ_VCPU = BIND_VIRQ_LAYOUT.in(U32, "vcpu", 4);
    public static final AbiField BIND_VIRQ_PORT = BIND_VIRQ_LAYOUT.out(U32, "port", 8);

    /** struct evtchn_bind_pirq { uint32_t pirq, flags; evtchn_port_t port; }. */
    public static final AbiStruct BIND_PIRQ_LAYOUT = new AbiStruct("struct evtchn_bind_pirq", 12);
    public static final AbiField BIND_PIRQ_PIRQ = BIND_PIRQ_LAYOUT.in(U32, "pirq", 0);
    public static final AbiField BIND_PIRQ_FLAGS = BIND_PIRQ_LAYOUT.in(U32, "flags", 4);
    public static final AbiField BIND_PIRQ_PORT = BIND_PIRQ_LAYOUT.out(U32, "port", 8);

    /** struct evtchn_bind_ipi { uint32_t vcpu; evtchn_port_t port; }. */
    public static final AbiStruct BIND_IPI_LAYOUT = new AbiStruct("struct evtchn_bind_ipi", 8);
    public static final AbiField BIND_IPI_VCPU = BIND_IPI_LAYOUT.in(U32, "vcpu", 0);
    public static final AbiField BIND_IPI_PORT = BIND_IPI_LAYOUT.out(U32, "port", 4);

    /** struct evtchn_close { evtchn_port_t port; }. */
    public static final AbiStruct CLOSE_LAYOUT = new AbiStruct("struct evtchn_close", 4);
    public static final AbiField CLOSE_PORT = CLOSE_LAYOUT.in(U32, "port", 0);

    /** struct evtchn_status: dom and port in; status, vcpu and the union u out. */
    public static final AbiStruct STATUS_LAYOUT = new AbiStruct("struct evtchn_status", 24);
    public static final AbiField STATUS_DOM = STATUS_LAYOUT.in(U16, "dom", 0);
    public static final AbiField STATUS_PORT = STATUS_LAYOUT.in(U32, "port", 4);
    public static final AbiField STATUS_STATUS = STATUS_LAYOUT.out(U32, "status", 8);
    public static final AbiField STATUS_VCPU = STATUS_LAYOUT.out(U32, "vcpu", 12);
    /**
     * The union's first word: u.virq, u.pirq, or the domain id of u.unbound.dom and
     * u.interdomain.dom (a domid_t, zero-extended over the padding after it).
     */
    public static final AbiField STATUS_U_WORD = STATUS_LAYOUT.out(U32, "u.virq", 16);
    public static final AbiField STATUS_INTERDOMAIN_PORT = STATUS_LAYOUT.out(U32, "u.interdomain.port", 20);

    /** struct evtchn_bind_vcpu { evtchn_port_t port; uint32_t vcpu; }. */
    public static final AbiStruct BIND_VCPU_LAYOUT = new AbiStruct("struct evtchn_bind_vcpu", 8);
    public static final AbiField BIND_VCPU_PORT = BIND_VCPU_LAYOUT.in(U32, "port", 0);
    public static final AbiField BIND_VCPU_VCPU = BIND_VCPU_LAYOUT.in(U32, "vcpu", 4);

    /** struct evtchn_unmask { evtchn_port_t port; }. */
    public static final AbiStruct UNMASK_LAYOUT = new AbiStruct("struct evtchn_unmask", 4);
    public static final AbiField UNMASK_PORT = UNMASK_LAYOUT.in(U32, "port", 0);

    /** struct evtchn_reset { domid_t dom; }. */
    public static final AbiStruct RESET_LAYOUT = new AbiStruct("struct evtchn_reset", 2);
    public static final AbiField RESET_DOM = RESET_LAYOUT.in(U16, "dom", 0);

    /** struct evtchn_init_control { uint64_t control_gfn; uint32_t offset; uint32_t vcpu; uint8_t link_bits; uint8_t _pad[7]; }. */
    public static final AbiStruct INIT_CONTROL_LAYOUT = new AbiStruct("struct evtchn_init_control", 24);
    public static final AbiField INIT_CONTROL_GFN = INIT_CONTROL_LAYOUT.in(U64, "control_gfn", 0);
    public static final AbiField INIT_CONTROL_OFFSET = INIT_CONTROL_LAYOUT.in(U32, "offset", 8);
    public static final AbiField INIT_CONTROL_VCPU = INIT_CONTROL_LAYOUT.in(U32, "vcpu", 12);
    public static final AbiField INIT_CONTROL_LINK_BITS = INIT_CONTROL_LAYOUT.out(U8, "link_bits", 16);

    /** struct evtchn_expand_array { uint64_t array_gfn; }. */
    public static final AbiStruct EXPAND_ARRAY_LAYOUT = new AbiStruct("struct evtchn_expand_array", 8);
    public static final AbiField EXPAND_ARRAY_GFN = EXPAND_ARRAY_LAYOUT.in(U64, "array_gfn", 0);

    /** struct evtchn_set_priority { evtchn_port_t port; uint32_t priority; }. */
    public static final AbiStruct SET_PRIORITY_LAYOUT = new AbiStruct("struct evtchn_set_priority", 8);
    public static final AbiField SET_PRIORITY_PORT = SET_PRIORITY_LAYOUT.in(U32, "port", 0);
    public static final AbiField SET_PRIORITY_PRIORITY = SET_PRIORITY_LAYOUT.in(U32, "priority", 4);

    /** The FIFO ABI: queue priorities, event word bits, link width and the control block. */
    public static final int EVTCHN_FIFO_PRIORITY_MAX = 0;
    public static final int EVTCHN_FIFO_PRIORITY_DEFAULT = 7;
    public static final int EVTCHN_FIFO_PRIORITY_MIN = 15;
    public static final int EVTCHN_FIFO_MAX_QUEUES = EVTCHN_FIFO_PRIORITY_MIN + 1;
    public static final int EVTCHN_FIFO_PENDING = 31;
    public static final int EVTCHN_FIFO_MASKED = 30;
    public static final int EVTCHN_FIFO_LINKED = 29;
    public static final int EVTCHN_FIFO_BUSY = 28;
    public static final int EVTCHN_FIFO_LINK_BITS = 17;
    public static final int EVTCHN_FIFO_LINK_MASK = (1 << EVTCHN_FIFO_LINK_BITS) - 1;
    public static final int EVTCHN_FIFO_NR_CHANNELS = 1 << EVTCHN_FIFO_LINK_BITS;
    /** struct evtchn_fifo_control_block { uint32_t ready; uint32_t _rsvd; uint32_t head[16]; }. */
    public static final int FIFO_CONTROL_BLOCK_SIZE = 8 + 4 * EVTCHN_FIFO_MAX_QUEUES;
    public static final AbiStruct FIFO_CONTROL_BLOCK_LAYOUT = new AbiStruct("struct evtchn_fifo_control_block",
            FIFO_CONTROL_BLOCK_SIZE);
    public static final AbiField FIFO_CONTROL_READY = FIFO_CONTROL_BLOCK_LAYOUT.in(U32, "ready", 0);
    public static final AbiField FIFO_CONTROL_HEAD = FIFO_CONTROL_BLOCK_LAYOUT.in(U32, "head[0]", 8);
    public static final int FIFO_CONTROL_OFF_READY = 0;
    public static final int FIFO_CONTROL_OFF_HEAD = 8;

    private EventChannelOp() {
    }
}
