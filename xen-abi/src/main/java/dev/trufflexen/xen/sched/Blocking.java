package dev.trufflexen.xen.sched;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import dev.trufflexen.xen.abi.SharedInfo;
import dev.trufflexen.xen.abi.XenErrno;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.StepParts;
import dev.trufflexen.xen.domain.Vcpu;
import dev.trufflexen.xen.event.EventChannels;
import dev.trufflexen.xen.hypercall.HypercallContext;
import dev.trufflexen.xen.hypercall.XenError;
import dev.trufflexen.xen.mm.GuestFrames;

/**
 * SCHEDOP_block and SCHEDOP_poll. A vCPU under the {@link HostScheduler} is descheduled: the
 * hypercall returns, the vCPU leaves guest code and its worker runs another, and whoever marks an
 * event pending (a send, a dom0 service, the timer thread) makes it runnable again; the upcall
 * is delivered when it next runs. A vCPU on a thread of its own parks that thread instead
 * ({@link Vcpu#block}). Either way a blocked vCPU uses no host CPU and nothing polls. While
 * blocked, the periodic timer is stopped and the runstate is "blocked".
 *
 * <ul>
 * <li>block, as Xen's vcpu_block_enable_events: clear the vcpu_info upcall mask, then sleep until
 * an upcall is pending (or the domain is dying). The upcall itself is delivered on the way back.
 * <li>poll, as Xen's do_poll: more than 128 ports is -EINVAL, an unreadable port array -EFAULT, a
 * port outside the valid range -EINVAL; it returns at once when an upcall is deliverable or a
 * listed port is pending, else sleeps until the absolute system-time {@code timeout} (0: none)
 * passes or Xen would wake it: a poll of one port by that port becoming pending, a poll of
 * several (or none) by any port of the domain becoming pending, and either by the upcall flag
 * being newly set (an unmasked event, Xen's vcpu_kick of a blocked vCPU). It never clears the
 * mask.
 * </ul>
 */
final class Blocking {
    /** Xen's "fairly arbitrary limit" on the ports of one poll. */
    static final int MAX_POLL_PORTS = 128;

    private Blocking() {
    }

    static void block(Vcpu vcpu) {
        StepParts.stamp(StepParts.Step.BLOCKED);
        GuestFrames frames = vcpu.domain().frames();
        frames.write8(vcpu.vcpuInfoMfn(), vcpu.vcpuInfoOffset() + SharedInfo.VCPU_OFF_EVTCHN_UPCALL_MASK, (byte) 0);
        sleep(vcpu, () -> upcallPending(vcpu), 0);
    }

    static void poll(HypercallContext context, long portsAddress, long nrPorts, long timeout) {
        Vcpu vcpu = context.vcpu();
        Domain domain = vcpu.domain();
        if (nrPorts > MAX_POLL_PORTS) {
            throw new XenError(XenErrno.EINVAL, "poll of " + nrPorts + " ports (at most " + MAX_POLL_PORTS + ")");
        }
        int n = (int) nrPorts;
        byte[] raw = new byte[n * 4];
        if (n > 0) {
            context.copyFromGuest(portsAddress, raw, 0, raw.length);
        }
        EventChannels channels = domain.part(EventChannels.PART);
        long first = n == 1 ? littleEndian32(raw, 0) : 0;
        channels.beginPoll(vcpu, first > 0 ? (int) first : -1);
        boolean descheduled = false;
        try {
            boolean upcallWasPending = upcallPending(vcpu);
            if (deliverable(vcpu)) {
                return;
            }
            for (int i = 0; i < n; i++) {
                long port = littleEndian32(raw, 4 * i);
                if (!channels.pollable(port)) {
                    throw new XenError(XenErrno.EINVAL, "poll of port " + port + " outside the valid range");
                }
                if (EventChannels.isPending(domain, (int) port)) {
                    return;
                }
            }
            descheduled = sleep(vcpu, () -> channels.pollWoken(vcpu) || !upcallWasPending && upcallPending(vcpu), timeout);
        } finally {
            // A descheduled vCPU keeps polling until it runs again; the scheduler ends its poll then.
            if (!descheduled) {
                channels.endPoll(vcpu);
            }
        }
    }

    private static long littleEndian32(byte[] raw, int at) {
        return (raw[at] & 0xFFL) | (raw[at + 1] & 0xFFL) << 8 | (raw[at + 2] & 0xFFL) << 16 | (raw[at + 3] & 0xFFL) << 24;
    }

    /** Sleeps until {@code wake} holds or {@code timeout} passes; true when the vCPU was descheduled to do so (it sleeps after the hypercall returns). */
    private static boolean sleep(Vcpu vcpu, BooleanSupplier wake, long timeout) {
        Domain domain = vcpu.domain();
        if (wake.getAsBoolean()) {
            // Already woken (Xen's vcpu_block checks after marking the vCPU blocked): back to guest code at once.
            return false;
        }
        ShortWaits shortWaits = domain.part(ShortWaits.PART);
        if (shortWaits.spinFirst(domain, wake)) {
            return false;
        }
        VcpuTimers timers = VcpuTimers.of(vcpu);
        timers.vcpuBlocked();
        if (vcpu.scheduled() instanceof SchedUnit unit) {
            unit.host.block(unit, wake, timeout);
            return true;
        }
        RunstateArea area = RunstateArea.of(vcpu);
        long parked = System.nanoTime();
        try {
            if (timeout == 0) {
                vcpu.block(wake);
            } else {
                vcpu.block(wake, Math.max(0, timeout - domain.systemTime()), TimeUnit.NANOSECONDS);
            }
        } finally {
            shortWaits.waited(System.nanoTime() - parked);
            timers.vcpuRunning();
            area.update(vcpu);
        }
        return false;
    }

    private static boolean upcallPending(Vcpu vcpu) {
        return vcpu.domain().frames().read8(vcpu.vcpuInfoMfn(),
                vcpu.vcpuInfoOffset() + SharedInfo.VCPU_OFF_EVTCHN_UPCALL_PENDING) != 0;
    }

    /** Xen's local_events_need_delivery: an upcall pending and not masked. */
    private static boolean deliverable(Vcpu vcpu) {
        GuestFrames frames = vcpu.domain().frames();
        return upcallPending(vcpu)
                && frames.read8(vcpu.vcpuInfoMfn(), vcpu.vcpuInfoOffset() + SharedInfo.VCPU_OFF_EVTCHN_UPCALL_MASK) == 0;
    }
}
