package dev.trufflexen.xen.sched;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Xen's credit scheduler (credit1), on one run queue shared by every worker.
 *
 * <ul>
 * <li>Credit is CPU time in nanoseconds. Every {@value #TICKS_PER_ACCT} ticks (30 ms) the CPU
 * the vCPUs used in that period is handed back out as credit to the vCPUs that want CPU, each
 * domain's share in proportion to its weight times its active vCPUs, as csched_acct does. So
 * credit neither appears nor vanishes, and a domain's CPU converges to its share.
 * <li>Priority: UNDER while a vCPU's credit is not negative, OVER once it is; a vCPU woken from a
 * block while UNDER is BOOSTed until it next leaves its worker or a tick charges it. The queue
 * runs BOOST, then UNDER, then OVER, first come first served within a priority: OVER vCPUs run
 * whenever no other wants the CPU (work-conserving).
 * <li>A running vCPU is preempted at the end of its 30 ms slice when a queued one has at least
 * its priority, and at a tick when one has a higher priority; a woken BOOST vCPU takes a worker
 * from a lower-priority one at once.
 * <li>Cap: a domain that has used cap% of one pCPU in the period is parked (not runnable) until
 * the next accounting, even when CPUs are idle, as Xen parks capped vCPUs.
 * <li>Yield: the yielding vCPU goes behind one other queued vCPU, of any priority.
 * </ul>
 */
final class CreditScheduler extends RunQueue {
    static final long TIMESLICE_NS = 30_000_000L;
    static final int TICKS_PER_ACCT = 3;
    /** How far credit may build up or run down: three slices. */
    static final long CREDIT_BOUND_NS = 3 * TIMESLICE_NS;

    private long burntThisPeriod;
    private int ticks;

    @Override
    public void added(SchedUnit unit) {
        unit.credit = 0;
        unit.priority = SchedUnit.PRI_UNDER;
    }

    @Override
    public SchedUnit pickNext(int pcpu) {
        SchedUnit best = best(null, pcpu);
        if (best != null && best.yieldRequested) {
            best.yieldRequested = false;
            SchedUnit other = best(best, pcpu);
            best = other == null ? best : other;
        }
        if (best != null) {
            queue.remove(best);
            best.yieldRequested = false;
        }
        return best;
    }

    /** The first queued vCPU of the highest priority that may run on {@code pcpu}, other than {@code except}. */
    private SchedUnit best(SchedUnit except, int pcpu) {
        SchedUnit best = null;
        for (SchedUnit unit : queue) {
            if (unit != except && (best == null || unit.priority > best.priority) && unit.mayRunOn(pcpu)) {
                best = unit;
            }
        }
        return best;
    }

    @Override
    public void woken(SchedUnit unit, long now) {
        if (unit.priority == SchedUnit.PRI_UNDER) {
            unit.priority = SchedUnit.PRI_BOOST;
        }
    }

    @Override
    public void yielded(SchedUnit unit) {
        unit.yieldRequested = true;
    }

    @Override
    public void burn(SchedUnit unit, long ns, long now) {
        unit.credit = Math.max(-CREDIT_BOUND_NS, unit.credit - ns);
        unit.domain.burntThisPeriod += ns;
        burntThisPeriod += ns;
        if (unit.credit < 0 && unit.priority == SchedUnit.PRI_UNDER) {
            unit.priority = SchedUnit.PRI_OVER;
        }
    }

    @Override
    public void descheduled(SchedUnit unit) {
        if (unit.priority == SchedUnit.PRI_BOOST) {
            unit.priority = unit.credit < 0 ? SchedUnit.PRI_OVER : SchedUnit.PRI_UNDER;
        }
    }

    @Override
    public boolean overCap(SchedUnit unit) {
        int cap = unit.params().cap();
        return cap > 0 && unit.domain.burntThisPeriod * 100 >= (long) cap * TIMESLICE_NS;
    }

    @Override
    public List<SchedUnit> tick(long now, List<SchedUnit> all) {
        for (SchedUnit unit : all) {
            if (unit.state() == UnitState.RUNNING) {
                descheduled(unit);
            }
        }
        if (++ticks < TICKS_PER_ACCT) {
            return List.of();
        }
        ticks = 0;
        return account(all);
    }

    /** csched_acct: the period's CPU handed out again as credit, by weight; parked vCPUs released. */
    private List<SchedUnit> account(List<SchedUnit> all) {
        long totalWeight = 0;
        for (SchedUnit unit : all) {
            if (unit.state().wantsCpu()) {
                totalWeight += unit.params().weight();
            }
        }
        List<SchedUnit> unparked = new ArrayList<>();
        for (SchedUnit unit : all) {
            if (unit.state().wantsCpu() && totalWeight > 0) {
                long share = (long) ((double) burntThisPeriod * unit.params().weight() / totalWeight);
                // Bounded both ways, as csched_acct bounds them: a vCPU that overran its share comes
                // back at most one slice in debt.
                unit.credit = Math.max(-TIMESLICE_NS, Math.min(CREDIT_BOUND_NS, unit.credit + share));
                if (unit.credit >= 0 && unit.priority == SchedUnit.PRI_OVER) {
                    unit.priority = SchedUnit.PRI_UNDER;
                }
            }
            unit.domain.burntThisPeriod = 0;
            if (unit.state() == UnitState.PARKED) {
                unparked.add(unit);
            }
        }
        burntThisPeriod = 0;
        return unparked;
    }

    @Override
    public boolean shouldPreempt(SchedUnit running, boolean sliceEnded) {
        if (overCap(running)) {
            return true;
        }
        int best = -1;
        Iterator<SchedUnit> queued = queue.iterator();
        while (queued.hasNext()) {
            best = Math.max(best, queued.next().priority);
        }
        return best > running.priority || (sliceEnded && best >= running.priority && best >= 0);
    }

    @Override
    public boolean outranks(SchedUnit woken, SchedUnit running) {
        return woken.priority > running.priority;
    }

    @Override
    public long timesliceNs() {
        return TIMESLICE_NS;
    }
}
