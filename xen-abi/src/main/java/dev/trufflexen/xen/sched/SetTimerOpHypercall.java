package dev.trufflexen.xen.sched;

import dev.trufflexen.xen.abi.Hypercalls;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.StepParts;
import dev.trufflexen.xen.hypercall.Hypercall;
import dev.trufflexen.xen.hypercall.HypercallContext;

/**
 * {@code set_timer_op(s_time_t timeout)}, as Xen's do_set_timer_op: 0 stops the single-shot
 * timer; a negative timeout, or one more than 2^50 ns in the future (a guest's wrapped jiffies),
 * fires in 100 ms; any other arms the single-shot timer (a past one fires at once). Always 0.
 */
public final class SetTimerOpHypercall implements Hypercall {
    private static final int HUGE_SHIFT = 50;

    @Override
    public int number() {
        return Hypercalls.__HYPERVISOR_set_timer_op;
    }

    @Override
    public long invoke(HypercallContext context) {
        StepParts.stamp(StepParts.Step.ARMED);
        Domain domain = context.domain();
        VcpuTimers timers = VcpuTimers.of(context.vcpu());
        long timeout = context.ulongArg(0);
        long now = domain.systemTime();
        long offset = timeout - now;
        if (timeout == 0) {
            timers.stopSingleshot();
        } else if (timeout < 0 || (offset > 0 && (int) (offset >>> HUGE_SHIFT) != 0)) {
            timers.setSingleshot(now + VcpuTimers.HUGE_TIMEOUT_FALLBACK_NS);
        } else {
            timers.setSingleshot(timeout);
        }
        return 0;
    }
}
