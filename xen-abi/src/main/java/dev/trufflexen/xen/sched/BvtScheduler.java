package dev.trufflexen.xen.sched;

import java.util.ArrayList;
import java.util.List;

import dev.trufflexen.xen.domain.SchedulingParameters;

/**
 * Borrowed Virtual Time (Duda and Cheriton, SOSP 1999), the scheduler of the first Xen.
 *
 * <ul>
 * <li>Each vCPU has an actual virtual time (AVT) that advances by the CPU it uses scaled by its
 * domain's MCU advance over the default 10, so a domain with mcuadv 5 advances half as fast and
 * gets twice the CPU.
 * <li>The vCPU with the smallest effective virtual time (EVT) runs. EVT is AVT, less the
 * domain's warp while the vCPU is warped (its warp value, when warp-back is on).
 * <li>A vCPU that wakes from a block is brought up to the scheduler's virtual time (the least
 * AVT of the vCPUs that want CPU), so sleeping earns nothing; if its domain has a warp, it runs
 * warped (a latency-sensitive domain borrows from its future) for at most the warp limit, and
 * may warp again only after the unwarp time.
 * <li>A running vCPU keeps its worker until a queued vCPU's EVT is below its own by more than
 * the context-switch allowance ({@value #CONTEXT_SWITCH_ALLOWANCE_NS} ns of real time, scaled
 * by its MCU advance), checked at each tick and when a vCPU wakes.
 * </ul>
 */
final class BvtScheduler extends RunQueue {
    /** BVT's C: how far a running vCPU may get ahead before it gives way. */
    static final long CONTEXT_SWITCH_ALLOWANCE_NS = 5_000_000L;

    private final List<SchedUnit> all = new ArrayList<>();

    @Override
    public void added(SchedUnit unit) {
        unit.actualVirtualTime = schedulerVirtualTime();
        all.add(unit);
    }

    @Override
    public void removed(SchedUnit unit) {
        super.removed(unit);
        all.remove(unit);
    }

    @Override
    public SchedUnit pickNext(int pcpu) {
        SchedUnit best = null;
        for (SchedUnit unit : queue) {
            if ((best == null || effectiveVirtualTime(unit) < effectiveVirtualTime(best)) && unit.mayRunOn(pcpu)) {
                best = unit;
            }
        }
        if (best != null) {
            queue.remove(best);
        }
        return best;
    }

    @Override
    public void woken(SchedUnit unit, long now) {
        unit.actualVirtualTime = Math.max(unit.actualVirtualTime, schedulerVirtualTime());
        SchedulingParameters params = unit.params();
        if (warp(params) > 0 && now - unit.unwarpedAt >= params.unwarpNs()) {
            unit.warping = true;
            unit.warpedRunNs = 0;
        }
    }

    @Override
    public void yielded(SchedUnit unit) {
        for (SchedUnit other : queue) {
            unit.actualVirtualTime = Math.max(unit.actualVirtualTime, other.actualVirtualTime + 1);
        }
    }

    @Override
    public void burn(SchedUnit unit, long ns, long now) {
        SchedulingParameters params = unit.params();
        unit.actualVirtualTime += ns * params.mcuAdvance() / SchedulingParameters.DEFAULT_MCU_ADVANCE;
        if (unit.warping) {
            unit.warpedRunNs += ns;
            if (warp(params) == 0 || (params.warpLimitNs() > 0 && unit.warpedRunNs >= params.warpLimitNs())) {
                unit.warping = false;
                unit.unwarpedAt = now;
            }
        }
    }

    @Override
    public void descheduled(SchedUnit unit) {
    }

    @Override
    public boolean overCap(SchedUnit unit) {
        return false;
    }

    @Override
    public List<SchedUnit> tick(long now, List<SchedUnit> units) {
        return List.of();
    }

    @Override
    public boolean shouldPreempt(SchedUnit running, boolean sliceEnded) {
        for (SchedUnit queued : queue) {
            if (outranks(queued, running)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean outranks(SchedUnit woken, SchedUnit running) {
        long allowance = CONTEXT_SWITCH_ALLOWANCE_NS * running.params().mcuAdvance() / SchedulingParameters.DEFAULT_MCU_ADVANCE;
        return effectiveVirtualTime(woken) + allowance < effectiveVirtualTime(running);
    }

    @Override
    public long timesliceNs() {
        return CONTEXT_SWITCH_ALLOWANCE_NS;
    }

    private static long effectiveVirtualTime(SchedUnit unit) {
        return unit.actualVirtualTime - (unit.warping ? warp(unit.params()) : 0);
    }

    /** The domain's warp in virtual nanoseconds, 0 unless warping is on. */
    private static long warp(SchedulingParameters params) {
        return params.warpBack() ? params.warpValue() : 0;
    }

    /** The least AVT of the vCPUs that want CPU (0 when none does). */
    private long schedulerVirtualTime() {
        long least = Long.MAX_VALUE;
        for (SchedUnit unit : all) {
            if (unit.state().wantsCpu()) {
                least = Math.min(least, unit.actualVirtualTime);
            }
        }
        return least == Long.MAX_VALUE ? 0 : least;
    }
}
