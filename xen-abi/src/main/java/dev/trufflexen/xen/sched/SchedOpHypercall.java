package dev.trufflexen.xen.sched;

import java.util.Map;

import dev.trufflexen.xen.abi.Hypercalls;
import dev.trufflexen.xen.abi.SchedOp;
import dev.trufflexen.xen.abi.XenErrno;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.ShutdownReason;
import dev.trufflexen.xen.hypercall.GuestStruct;
import dev.trufflexen.xen.hypercall.Hypercall;
import dev.trufflexen.xen.hypercall.HypercallContext;
import dev.trufflexen.xen.hypercall.XenError;
import dev.trufflexen.xen.log.RateLimitedLog;

/**
 * {@code sched_op(int cmd, XEN_GUEST_HANDLE(void) arg)}: yield, block, shutdown and the shutdown
 * code, following Xen's {@code do_sched_op}.
 *
 * <ul>
 * <li>yield gives the vCPU's worker to another vCPU when one is waiting for it, and otherwise
 * returns at once: dom0 backends run on their own threads, so a guest spinning on yield until its
 * console ring drains loses nothing when it is alone.
 * <li>block enables event delivery and deschedules the vCPU until an event is pending; poll until
 * one of a set of ports is pending or a timeout passes (see {@link Blocking}).
 * <li>shutdown records the reason; a code set earlier with SCHEDOP_shutdown_code wins, as in Xen.
 * The vCPU leaves guest code at its next exit point.
 * <li>watchdog: two per domain, expiring into SHUTDOWN_watchdog (see {@link DomainWatchdogs}).
 * <li>remote_shutdown needs device-model privilege over the target: -ESRCH for no such domain,
 * else -EPERM for every guest domain.
 * <li>pin_override is for the hardware domain only (-EPERM).
 * </ul>
 */
public final class SchedOpHypercall implements Hypercall {
    private final RateLimitedLog log;

    public SchedOpHypercall(RateLimitedLog log) {
        this.log = log;
    }

    @Override
    public int number() {
        return Hypercalls.__HYPERVISOR_sched_op;
    }

    @Override
    public Map<Integer, String> subOps() {
        return Map.of(SchedOp.SCHEDOP_yield, HANDLED,
                SchedOp.SCHEDOP_block, HANDLED,
                SchedOp.SCHEDOP_shutdown, HANDLED,
                SchedOp.SCHEDOP_poll, HANDLED,
                SchedOp.SCHEDOP_remote_shutdown, HANDLED,
                SchedOp.SCHEDOP_shutdown_code, HANDLED,
                SchedOp.SCHEDOP_watchdog, HANDLED,
                SchedOp.SCHEDOP_pin_override, HANDLED);
    }

    @Override
    public long invoke(HypercallContext context) {
        Domain domain = context.domain();
        long arg = context.handleArg(1);
        switch (context.intArg(0)) {
            case SchedOp.SCHEDOP_yield:
                domain.yielded();
                if (context.vcpu().scheduled() instanceof SchedUnit unit) {
                    unit.host.yield(unit);
                }
                return 0;
            case SchedOp.SCHEDOP_block:
                Blocking.block(context.vcpu());
                return 0;
            case SchedOp.SCHEDOP_poll: {
                GuestStruct poll = context.copyIn(arg, SchedOp.POLL_LAYOUT);
                Blocking.poll(context, poll.get(SchedOp.POLL_PORTS), poll.get(SchedOp.POLL_NR_PORTS), poll.get(SchedOp.POLL_TIMEOUT));
                return 0;
            }
            case SchedOp.SCHEDOP_watchdog: {
                GuestStruct watchdog = context.copyIn(arg, SchedOp.WATCHDOG_LAYOUT);
                return domain.part(DomainWatchdogs.PART).watchdog(watchdog.get(SchedOp.WATCHDOG_ID),
                        watchdog.get(SchedOp.WATCHDOG_TIMEOUT));
            }
            case SchedOp.SCHEDOP_shutdown: {
                GuestStruct shutdown = context.copyIn(arg, SchedOp.SHUTDOWN_LAYOUT);
                shutdown(domain, (int) shutdown.get(SchedOp.SHUTDOWN_REASON) & 0xFF);
                return 0;
            }
            case SchedOp.SCHEDOP_shutdown_code: {
                GuestStruct code = context.copyIn(arg, SchedOp.SHUTDOWN_LAYOUT);
                domain.setShutdownCodeIfUnset((int) code.get(SchedOp.SHUTDOWN_REASON) & 0xFF);
                return 0;
            }
            case SchedOp.SCHEDOP_remote_shutdown: {
                GuestStruct remote = context.copyIn(arg, SchedOp.REMOTE_SHUTDOWN_LAYOUT);
                int target = (int) remote.get(SchedOp.REMOTE_SHUTDOWN_DOMAIN_ID);
                if (domain.registry().lookup(target).isEmpty()) {
                    throw new XenError(XenErrno.ESRCH, "remote_shutdown of no such domain " + target);
                }
                throw new XenError(XenErrno.EPERM, "remote_shutdown of domain " + target + " needs privilege");
            }
            case SchedOp.SCHEDOP_pin_override:
                throw new XenError(XenErrno.EPERM, "pin_override is for the hardware domain");
            default:
                throw new XenError(XenErrno.ENOSYS, "sched_op command not implemented");
        }
    }

    private void shutdown(Domain domain, int requested) {
        int code = domain.setShutdownCodeIfUnset(requested);
        ShutdownReason reason = ShutdownReason.ofCode(code);
        if (reason == null) {
            log.log(() -> String.format("d%d: unknown shutdown reason %d, treated as a crash", domain.id(), code));
            reason = ShutdownReason.CRASH;
        }
        domain.shutdown(reason);
    }
}
