package dev.trufflexen.xen.sched;

import java.util.BitSet;
import java.util.function.BooleanSupplier;

import dev.trufflexen.xen.domain.SchedulingParameters;
import dev.trufflexen.xen.domain.Vcpu;

/**
 * One vCPU as the scheduler sees it (Xen's {@code sched_unit} with its {@code csched_unit}): its
 * state, why it blocked, what it has used, and each scheduler's bookkeeping. Guarded by the
 * scheduler's lock, except the block request, which only the worker running the vCPU writes.
 */
final class SchedUnit implements Vcpu.Scheduled {
    /** Credit priorities, Xen's CSCHED_PRI_TS_*: higher runs first. */
    static final int PRI_OVER = 0;
    static final int PRI_UNDER = 1;
    static final int PRI_BOOST = 2;

    final HostScheduler host;
    final Vcpu vcpu;
    final SchedDomain domain;
    private volatile UnitState state = UnitState.RUNNABLE;
    /** The worker running it, while RUNNING. */
    Pcpu pcpu;

    /** Set by SCHEDOP_block/poll on the running vCPU: it is descheduled until this holds. */
    BooleanSupplier blockCondition;
    TimerService.Timer pollTimeout;
    boolean yieldRequested;
    /** Woken from a block and not yet run: its periodic timer restarts when it next runs. */
    boolean resumesFromBlock;
    long wokenAt;

    // What it used, for the user and for tests.
    long cpuTimeNs;
    long runs;
    long preemptions;
    long yields;
    long blocks;

    // Credit.
    long credit;
    int priority = PRI_UNDER;

    // BVT.
    long actualVirtualTime;
    boolean warping;
    long warpedRunNs;
    long unwarpedAt = Long.MIN_VALUE / 2;

    SchedUnit(HostScheduler host, Vcpu vcpu, SchedDomain domain) {
        this.host = host;
        this.vcpu = vcpu;
        this.domain = domain;
    }

    /** The domain's parameters in force now. */
    SchedulingParameters params() {
        return vcpu.domain().schedulingParameters();
    }

    /** Whether the vCPU's hard affinity (xl vcpu-pin) lets it run on worker {@code pcpu}. */
    boolean mayRunOn(int pcpu) {
        BitSet affinity = vcpu.hardAffinity();
        return affinity.isEmpty() || affinity.get(pcpu);
    }

    UnitState state() {
        return state;
    }

    /**
     * A release store: written under the scheduler's lock, read outside it; where a reader must
     * see it before reading something else (a block racing a wake-up), both sides fence.
     */
    void setState(UnitState newState) {
        STATE.setRelease(this, newState);
    }

    private static final java.lang.invoke.VarHandle STATE;
    static {
        try {
            STATE = java.lang.invoke.MethodHandles.lookup().findVarHandle(SchedUnit.class, "state", UnitState.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Override
    public void wake() {
        host.wake(this);
    }

    @Override
    public void attention() {
        host.attention(this);
    }

    @Override
    public String toString() {
        return "d" + vcpu.domain().id() + "v" + vcpu.id();
    }
}
