package dev.trufflexen.xen.sched;

import java.util.ArrayList;
import java.util.List;

import dev.trufflexen.xen.domain.DomainPart;

/**
 * A domain's scheduling state (Xen's {@code csched_dom}): its vCPUs' units once it has been
 * handed to the scheduler, and what it used in the current accounting period. Guarded by the
 * scheduler's lock. Its parameters are the domain's own ({@code Domain.schedulingParameters}),
 * which the toolstack may change while it runs.
 */
final class SchedDomain {
    static final DomainPart<SchedDomain> PART = DomainPart.declare("scheduling", SchedDomain.class);

    final List<SchedUnit> units = new ArrayList<>();
    /** CPU time the domain used in the current accounting period (for its cap). */
    long burntThisPeriod;
    boolean started;

    /** Units not yet stopped. */
    int live() {
        int n = 0;
        for (SchedUnit unit : units) {
            n += unit.state() == UnitState.STOPPED ? 0 : 1;
        }
        return n;
    }

    /** Units that want a CPU now (running, queued or held back by the cap). */
    int active() {
        int n = 0;
        for (SchedUnit unit : units) {
            n += unit.state().wantsCpu() ? 1 : 0;
        }
        return n;
    }
}
