package dev.trufflexen.xen.event;

import java.util.HashMap;
import java.util.Map;

import dev.trufflexen.xen.abi.DomainIds;
import dev.trufflexen.xen.abi.EventChannelOp;
import dev.trufflexen.xen.abi.Hypercalls;
import dev.trufflexen.xen.abi.XenErrno;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.hypercall.GuestStruct;
import dev.trufflexen.xen.hypercall.Hypercall;
import dev.trufflexen.xen.hypercall.HypercallContext;
import dev.trufflexen.xen.hypercall.XenError;
import dev.trufflexen.xen.domain.StepParts;

/**
 * {@code event_channel_op(int cmd, XEN_GUEST_HANDLE(void) arg)}, as Xen's
 * {@code do_event_channel_op}: the argument is copied in (-EFAULT when it cannot be), the
 * operation runs on {@link EventChannels}, and the structure is copied back for the commands
 * that return a port or a status. A domain named in an argument is looked up first (DOMID_SELF
 * or the caller's own id is the caller; an unknown id is -ESRCH); acting on another domain needs
 * privilege over it, which no domU has (-EPERM, Xen's XSM_TARGET check). The FIFO ABI's
 * init_control, expand_array and set_priority act on the caller's own domain.
 */
public final class EventChannelHypercall implements Hypercall {
    @Override
    public int number() {
        return Hypercalls.__HYPERVISOR_event_channel_op;
    }

    @Override
    public Map<Integer, String> subOps() {
        Map<Integer, String> ops = new HashMap<>();
        for (int cmd = EventChannelOp.EVTCHNOP_bind_interdomain; cmd <= EventChannelOp.EVTCHNOP_reset_cont; cmd++) {
            ops.put(cmd, HANDLED);
        }
        return ops;
    }

    @Override
    public long invoke(HypercallContext context) {
        Domain domain = context.domain();
        EventChannels channels = domain.part(EventChannels.PART);
        long arg = context.handleArg(1);
        switch (context.intArg(0)) {
            case EventChannelOp.EVTCHNOP_alloc_unbound: {
                GuestStruct alloc = context.copyIn(arg, EventChannelOp.ALLOC_UNBOUND_LAYOUT);
                Domain target = targetDomain(domain, alloc.get(EventChannelOp.ALLOC_UNBOUND_DOM));
                int remote = (int) alloc.get(EventChannelOp.ALLOC_UNBOUND_REMOTE_DOM);
                int port = channels.allocUnbound(target, remote == DomainIds.DOMID_SELF ? domain.id() : remote);
                alloc.set(EventChannelOp.ALLOC_UNBOUND_PORT, port);
                return copyBack(context, arg, alloc);
            }
            case EventChannelOp.EVTCHNOP_bind_interdomain: {
                GuestStruct bind = context.copyIn(arg, EventChannelOp.BIND_INTERDOMAIN_LAYOUT);
                Domain remote = lookup(domain, bind.get(EventChannelOp.BIND_INTERDOMAIN_REMOTE_DOM));
                int port = EventChannels.bindInterdomain(domain, remote, bind.get(EventChannelOp.BIND_INTERDOMAIN_REMOTE_PORT));
                bind.set(EventChannelOp.BIND_INTERDOMAIN_LOCAL_PORT, port);
                return copyBack(context, arg, bind);
            }
            case EventChannelOp.EVTCHNOP_bind_virq: {
                GuestStruct bind = context.copyIn(arg, EventChannelOp.BIND_VIRQ_LAYOUT);
                int port = channels.bindVirq(domain, bind.get(EventChannelOp.BIND_VIRQ_VIRQ), bind.get(EventChannelOp.BIND_VIRQ_VCPU));
                bind.set(EventChannelOp.BIND_VIRQ_PORT, port);
                return copyBack(context, arg, bind);
            }
            case EventChannelOp.EVTCHNOP_bind_ipi: {
                GuestStruct bind = context.copyIn(arg, EventChannelOp.BIND_IPI_LAYOUT);
                int port = channels.bindIpi(domain, bind.get(EventChannelOp.BIND_IPI_VCPU));
                bind.set(EventChannelOp.BIND_IPI_PORT, port);
                return copyBack(context, arg, bind);
            }
            case EventChannelOp.EVTCHNOP_bind_pirq: {
                GuestStruct bind = context.copyIn(arg, EventChannelOp.BIND_PIRQ_LAYOUT);
                return EventChannels.bindPirq(bind.get(EventChannelOp.BIND_PIRQ_PIRQ));
            }
            case EventChannelOp.EVTCHNOP_close: {
                GuestStruct close = context.copyIn(arg, EventChannelOp.CLOSE_LAYOUT);
                EventChannels.close(domain, close.get(EventChannelOp.CLOSE_PORT));
                return 0;
            }
            case EventChannelOp.EVTCHNOP_send: {
                StepParts.stamp(StepParts.Step.SENT);
                GuestStruct send = context.copyIn(arg, EventChannelOp.SEND_LAYOUT);
                EventChannels.send(domain, send.get(EventChannelOp.SEND_PORT));
                return 0;
            }
            case EventChannelOp.EVTCHNOP_status: {
                GuestStruct status = context.copyIn(arg, EventChannelOp.STATUS_LAYOUT);
                Domain target = lookup(domain, status.get(EventChannelOp.STATUS_DOM));
                EventChannels targetChannels = target.part(EventChannels.PART);
                long port = status.get(EventChannelOp.STATUS_PORT);
                if (target != domain) {
                    targetChannels.status(port, context.blank(EventChannelOp.STATUS_LAYOUT));
                    throw new XenError(XenErrno.EPERM, "status of a port of d" + target.id() + " needs privilege");
                }
                targetChannels.status(port, status);
                return copyBack(context, arg, status);
            }
            case EventChannelOp.EVTCHNOP_bind_vcpu: {
                GuestStruct bind = context.copyIn(arg, EventChannelOp.BIND_VCPU_LAYOUT);
                channels.bindVcpu(domain, bind.get(EventChannelOp.BIND_VCPU_PORT), bind.get(EventChannelOp.BIND_VCPU_VCPU));
                return 0;
            }
            case EventChannelOp.EVTCHNOP_unmask: {
                GuestStruct unmask = context.copyIn(arg, EventChannelOp.UNMASK_LAYOUT);
                channels.unmask(domain, unmask.get(EventChannelOp.UNMASK_PORT));
                return 0;
            }
            case EventChannelOp.EVTCHNOP_reset:
            case EventChannelOp.EVTCHNOP_reset_cont: {
                GuestStruct reset = context.copyIn(arg, EventChannelOp.RESET_LAYOUT);
                Domain target = lookup(domain, reset.get(EventChannelOp.RESET_DOM));
                if (target != domain) {
                    throw new XenError(XenErrno.EPERM, "reset of d" + target.id() + " needs privilege");
                }
                EventChannels.reset(domain);
                return 0;
            }
            case EventChannelOp.EVTCHNOP_init_control: {
                GuestStruct init = context.copyIn(arg, EventChannelOp.INIT_CONTROL_LAYOUT);
                channels.initControl(domain, init.get(EventChannelOp.INIT_CONTROL_VCPU), init.get(EventChannelOp.INIT_CONTROL_GFN),
                        init.get(EventChannelOp.INIT_CONTROL_OFFSET));
                init.set(EventChannelOp.INIT_CONTROL_LINK_BITS, EventChannelOp.EVTCHN_FIFO_LINK_BITS);
                return copyBack(context, arg, init);
            }
            case EventChannelOp.EVTCHNOP_expand_array: {
                GuestStruct expand = context.copyIn(arg, EventChannelOp.EXPAND_ARRAY_LAYOUT);
                channels.expandArray(domain, expand.get(EventChannelOp.EXPAND_ARRAY_GFN));
                return 0;
            }
            case EventChannelOp.EVTCHNOP_set_priority: {
                GuestStruct set = context.copyIn(arg, EventChannelOp.SET_PRIORITY_LAYOUT);
                channels.setPriority(set.get(EventChannelOp.SET_PRIORITY_PORT), set.get(EventChannelOp.SET_PRIORITY_PRIORITY));
                return 0;
            }
            default:
                throw new XenError(XenErrno.ENOSYS, "unknown event_channel_op command");
        }
    }

    private static long copyBack(HypercallContext context, long arg, GuestStruct struct) {
        context.copyOut(arg, struct);
        return 0;
    }

    /** Xen's rcu_lock_domain_by_any_id: DOMID_SELF is the caller; an unknown id is -ESRCH. */
    private static Domain lookup(Domain caller, long domid) {
        if (domid == DomainIds.DOMID_SELF || domid == caller.id()) {
            return caller;
        }
        return caller.registry().lookup((int) domid)
                .orElseThrow(() -> new XenError(XenErrno.ESRCH, "no domain " + domid));
    }

    /** A domain the caller allocates a port in: itself only (-EPERM for another existing domain). */
    private static Domain targetDomain(Domain caller, long domid) {
        Domain target = lookup(caller, domid);
        if (target != caller) {
            throw new XenError(XenErrno.EPERM, "allocating a port in d" + target.id() + " needs privilege");
        }
        return target;
    }
}
