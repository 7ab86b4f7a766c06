package dev.trufflexen.xen.hypercall;

import java.nio.ByteBuffer;

import dev.trufflexen.xen.abi.SchedOp;
import dev.trufflexen.xen.abi.XenErrno;
import dev.trufflexen.xen.core.Domain;
import dev.trufflexen.xen.core.ShutdownReason;
import dev.trufflexen.xen.core.XenVcpu;

/**
 * sched_op(cmd, arg): yield, block, shutdown and the shutdown code, following Xen's
 * {@code do_sched_op}.
 *
 * <ul>
 * <li>yield gives dom0 a turn: the backends of the domain run (a guest spinning on yield until its
 * console ring drains relies on it).
 * <li>shutdown records the reason; a code set earlier with SCHEDOP_shutdown_code wins, as in Xen.
 * The vCPU leaves guest code at its next exit point.
 * <li>remote_shutdown needs device-model privilege over the target: -ESRCH for no such domain,
 * else -EPERM for every guest domain.
 * <li>pin_override is for the hardware domain only (-EPERM).
 * </ul>
 */
final class SchedOpHypercall implements Hypercall {
    private final RateLimitedLog log;

    SchedOpHypercall(RateLimitedLog log) {
        this.log = log;
    }

    @Override
    public long invoke(XenVcpu vcpu, long cmdArg, long arg, long unused3, long unused4, long unused5) {
        int cmd = (int) cmdArg;
        Domain domain = vcpu.domain();
        switch (cmd) {
            case SchedOp.SCHEDOP_yield:
                domain.runBackends();
                return 0;
            case SchedOp.SCHEDOP_block:
                return domain.block(vcpu);
            case SchedOp.SCHEDOP_shutdown: {
                ByteBuffer shutdown = GuestMemory.read(vcpu, arg, SchedOp.SCHED_SHUTDOWN_SIZE);
                if (shutdown == null) {
                    return -XenErrno.EFAULT;
                }
                shutdown(domain, shutdown.getInt(0) & 0xFF);
                return 0;
            }
            case SchedOp.SCHEDOP_shutdown_code: {
                ByteBuffer code = GuestMemory.read(vcpu, arg, SchedOp.SCHED_SHUTDOWN_SIZE);
                if (code == null) {
                    return -XenErrno.EFAULT;
                }
                domain.setShutdownCodeIfUnset(code.getInt(0) & 0xFF);
                return 0;
            }
            case SchedOp.SCHEDOP_remote_shutdown: {
                ByteBuffer remote = GuestMemory.read(vcpu, arg, SchedOp.SCHED_REMOTE_SHUTDOWN_SIZE);
                if (remote == null) {
                    return -XenErrno.EFAULT;
                }
                int target = Short.toUnsignedInt(remote.getShort(0));
                if (domain.hypervisor().domain(target).isEmpty()) {
                    return -XenErrno.ESRCH;
                }
                return -XenErrno.EPERM;
            }
            case SchedOp.SCHEDOP_pin_override:
                return -XenErrno.EPERM;
            default:
                log.log(() -> String.format("d%dv%d: sched_op %d not implemented", domain.id(), vcpu.id(), cmd));
                return -XenErrno.ENOSYS;
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
