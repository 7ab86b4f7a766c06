package dev.trufflexen.xen.sched;

import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.function.BooleanSupplier;

import dev.trufflexen.x86.cpu.X86Engine;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.DomainScheduler;
import dev.trufflexen.xen.domain.Runstate;
import dev.trufflexen.xen.domain.StepParts;
import dev.trufflexen.xen.domain.Vcpu;

/**
 * The scheduler core (Xen's {@code common/sched/core.c}): a fixed pool of worker threads, the
 * host's physical CPUs, onto which every domain's vCPUs are multiplexed. A worker takes the vCPU
 * the policy ({@link CreditScheduler} or {@link BvtScheduler}) picks, runs its guest code until
 * the vCPU is asked to leave it (slice end, a better vCPU, block, yield, shutdown), charges the
 * CPU it used, and picks again. A blocked vCPU holds no worker; the event that wakes it makes it
 * runnable and, when a worker is idle, wakes that worker.
 *
 * <p>A vCPU is charged the CPU time its worker thread actually used (not wall time), so on a
 * host shared with other work the shares still follow the weights.
 *
 * <p>One lock guards the run queue, every vCPU's state and the workers' bookkeeping. A tick every
 * {@value #TICK_NS} ns on the hypervisor's timer thread charges the running vCPUs, lets the
 * policy account, and preempts; it runs only while a vCPU waits for a worker or is capped, so
 * an idle host, and a vCPU that runs alone between blocks (an idle kernel's tick), cost it
 * nothing.
 *
 * <p>The scheduler is also the vCPUs' {@link TimerService}: timers live in {@link WorkerTimers},
 * and {@link TimerWatch}, under the same lock, decides which thread wakes for them (an idle
 * worker, the worker whose vCPU armed them, or the timer thread while every worker is busy).
 */
public final class HostScheduler implements DomainScheduler, TimerService, AutoCloseable {
    /** Xen credit1's tick: 10 ms. */
    static final long TICK_NS = 10_000_000L;
    /** The reason a preempted vCPU's CPU is given for leaving guest code. */
    private static final String PREEMPTED = "preempted";
    private static final String DESCHEDULED = "descheduled";
    /**
     * How long a vCPU woken by the vCPU running on a worker waits for that vCPU to leave guest
     * code (and its worker to take the woken one on the same thread) before an idle worker is
     * woken for it instead.
     */
    static final long HANDOFF_WINDOW_NS = 20_000L;
    /**
     * The first attention checks after a vCPU was left to its waker's worker take the hand-off
     * window as still open without reading the clock: each check costs less than a clock read, and
     * an event ping-pong makes three of them (the send's return, the returns to its callers) before
     * the waker blocks. A waker that runs on is handed off at most this many checks late.
     */
    static final int HANDOFF_UNTIMED_POLLS = 3;
    /**
     * A vCPU that ran on its worker for less than this wall time is charged that wall time rather
     * than its worker's CPU clock: an event ping-pong switches vCPUs every few microseconds, and
     * reading a thread's CPU clock cost 1.5 us a read on the 2-core host. Wall time is never less
     * than the CPU used, so a short run is never undercharged; the clock read at the next longer
     * run corrects the worker's CPU baseline.
     */
    static final long SHORT_RUN_NS = 100_000L;

    private final SchedulerLock lock = new SchedulerLock();
    private final Condition stopped = lock.newCondition();
    private final SchedulerConfig config;
    private final SchedPolicy policy;
    private final Pcpu[] pcpus;
    private final ScheduledExecutorService timers;
    private final List<SchedUnit> units = new ArrayList<>();
    private final LatencySamples preemptionDelays = new LatencySamples();
    private final LatencySamples preemptionCpuDelays = new LatencySamples();
    private final LatencySamples wakeLatencies = new LatencySamples();
    private ScheduledFuture<?> tick;
    /** Tests only: runs on the worker as it is about to take a paused vCPU off the run queue. */
    volatile Runnable beforeParking;
    private final TimerWatch timerWatch;
    private int idleWorkers;
    private long wakePreemptions;
    private long workerWakeups;
    private long directSwitches;
    private long ticks;
    private boolean closed;

    public HostScheduler(SchedulerConfig config, ScheduledExecutorService timers) {
        this.config = config;
        this.timers = timers;
        this.policy = config.kind() == SchedulerKind.BVT ? new BvtScheduler() : new CreditScheduler();
        this.pcpus = new Pcpu[config.pcpus()];
        // Before the workers start: they watch the timers as soon as they idle.
        this.timerWatch = new TimerWatch(lock, pcpus, timers);
        for (int i = 0; i < pcpus.length; i++) {
            Pcpu pcpu = new Pcpu(i);
            pcpu.wakeup = lock.newCondition();
            pcpus[i] = pcpu;
            pcpu.thread = new Thread(null, () -> workerLoop(pcpu), "xen-pcpu-" + i, 16L << 20);
            pcpu.thread.setDaemon(true);
            pcpu.thread.start();
        }
    }

    public SchedulerConfig config() {
        return config;
    }

    /** Gives a new domain its scheduling state (default parameters); once, while it is built. */
    public void attach(Domain domain) {
        domain.attach(SchedDomain.PART, new SchedDomain());
    }

    @Override
    public void runUntilStopped(Domain domain) {
        SchedDomain sched = domain.part(SchedDomain.PART);
        lock.lock();
        try {
            if (!sched.started) {
                sched.started = true;
                for (Vcpu vcpu : domain.vcpus()) {
                    SchedUnit unit = new SchedUnit(this, vcpu, sched);
                    vcpu.schedule(unit);
                    sched.units.add(unit);
                    units.add(unit);
                    policy.added(unit);
                    vcpu.runstate().change(Runstate.RUNNABLE);
                    makeRunnable(unit);
                }
            }
            while (sched.live() > 0) {
                stopped.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
    }

    /** A vCPU that is paused or down (VCPUOP_down, or a secondary vCPU not yet up) is off the run queue. */
    private static boolean offCpu(Vcpu vcpu) {
        return vcpu.isPaused() || vcpu.isDown();
    }

    // ---- The workers ----

    /**
     * A worker: picks vCPUs and runs them until the scheduler closes. It keeps the CPU engine's
     * context entered while it lives ({@link X86Engine#enterThread}), so a switch-in calls
     * straight into the dispatcher.
     */
    private void workerLoop(Pcpu pcpu) {
        HostTimerSlack.tightenCallingThread(); // it waits for timer deadlines when idle
        X86Engine entered = null;
        try {
            SchedUnit unit = firstUnit(pcpu);
            while (unit != null) {
                X86Engine engine = unit.vcpu.cpu() == null ? null : unit.vcpu.cpu().engine();
                if (engine != entered && engine != null) {
                    if (entered != null) {
                        entered.leaveThread();
                    }
                    engine.enterThread();
                    entered = engine;
                }
                unit = runUnit(pcpu, unit);
            }
        } finally {
            if (entered != null) {
                entered.leaveThread();
            }
        }
    }

    private SchedUnit firstUnit(Pcpu pcpu) {
        lock.lock();
        try {
            return next(pcpu, 0);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs {@code unit} on {@code pcpu} until it leaves guest code, then switches it out and
     * picks the next vCPU with one hold of the lock; returns that vCPU (null once closed).
     */
    private SchedUnit runUnit(Pcpu pcpu, SchedUnit unit) {
        switchedIn(unit);
        StepParts.stamp(StepParts.Step.SWITCHED_IN);
        unit.vcpu.runGuest();
        StepParts.stamp(StepParts.Step.LEFT_GUEST);
        unit.vcpu.setOnCpu(false);
        long switchedOutAt = System.nanoTime();
        lock.lock();
        try {
            switchedOut(pcpu, unit, switchedOutAt);
            StepParts.stamp(StepParts.Step.SWITCHED_OUT);
            return next(pcpu, switchedOutAt);
        } finally {
            lock.unlock();
        }
    }

    /**
     * With the lock held: waits for a vCPU to run and puts it on {@code pcpu}; null once the
     * scheduler is closed. {@code switchedOutAt} is the clock reading of the switch-out just
     * before (0: none): a vCPU found without waiting is switched in at that time, with no clock
     * read of its own.
     */
    private SchedUnit next(Pcpu pcpu, long switchedOutAt) {
        SchedUnit unit;
        boolean waited = false;
        while ((unit = pickRunnable(pcpu)) == null) {
            if (closed) {
                return null;
            }
            handOffTheRest(pcpu, null);
            waited = true;
            if (timerWatch.fireDue(pcpu)) {
                StepParts.stamp(StepParts.Step.FIRED);
                continue;
            }
            pcpu.idle = true;
            idleWorkers++;
            pcpu.timersInCare = 0;
            timerWatch.awaitWork(pcpu);
            if (pcpu.idle) {
                // Not woken by wakeIdleWorker (a spurious wake-up, or closing).
                pcpu.idle = false;
                idleWorkers--;
            }
        }
        handOffTheRest(pcpu, unit);
        long now = waited || switchedOutAt == 0 ? System.nanoTime() : switchedOutAt;
        unit.setState(UnitState.RUNNING);
        unit.pcpu = pcpu;
        unit.runs++;
        pcpu.current = unit;
        if (waited || !pcpu.charged) {
            // The switch itself is charged to the vCPU that left; what the worker used while idle,
            // to nobody: the next charge that reads the clock is capped at its wall time.
            pcpu.burnFromBeforeIdle = true;
            pcpu.lastChargeAt = now;
        }
        pcpu.charged = false;
        pcpu.sliceEnd = now + policy.timesliceNs();
        pcpu.preemptAt = 0;
        if (unit.wokenAt != 0) {
            wakeLatencies.add(now - unit.wokenAt);
            unit.wokenAt = 0;
        }
        unit.vcpu.runstate().change(Runstate.RUNNING, unit.vcpu.domain().systemTimeAt(now));
        if (policy.hasQueued() || capped(unit)) {
            startTick();
        }
        timerWatch.workerBusy(pcpu, now);
        return unit;
    }

    /** The policy's pick for {@code pcpu}; vCPUs paused while queued leave the queue here. */
    private SchedUnit pickRunnable(Pcpu pcpu) {
        SchedUnit unit;
        while ((unit = policy.pickNext(pcpu.id)) != null && parkIfOffCpu(unit)) {
            // Paused or down while queued: off the queue until woken.
        }
        return unit;
    }

    /**
     * Takes {@code unit} off the run queue if its vCPU is paused or down; false when it is not,
     * or when an unpause, VCPUOP_up or the domain's death came in meanwhile, and the caller goes
     * on with it instead. The thread that unpauses reads the unit's state without the lock
     * ({@link #wake}), so the state is written first and the vCPU looked at again after it:
     * written after a look alone, an unpause in between saw the vCPU still running, did nothing,
     * and left it paused for good.
     */
    private boolean parkIfOffCpu(SchedUnit unit) {
        if (!offCpu(unit.vcpu)) {
            return false;
        }
        Runnable hook = beforeParking;
        if (hook != null) {
            hook.run();
        }
        unit.setState(UnitState.PAUSED);
        VarHandle.fullFence();
        if (!staysParked(unit)) {
            return false;
        }
        unit.vcpu.runstate().change(Runstate.OFFLINE);
        return true;
    }

    /** A parked vCPU stays off the run queue while paused or down, unless its domain is dying. */
    private static boolean staysParked(SchedUnit unit) {
        return offCpu(unit.vcpu) && !unit.vcpu.domain().isDying();
    }

    /**
     * On the worker, before guest code runs: what Xen's context switch does for the incoming
     * vCPU, and its pending events delivered on the way into guest code.
     */
    private static void switchedIn(SchedUnit unit) {
        Domain domain = unit.vcpu.domain();
        if (unit.resumesFromBlock) {
            unit.resumesFromBlock = false;
            if (unit.pollTimeout != null) {
                unit.pollTimeout.cancel();
                unit.pollTimeout = null;
            }
            VcpuTimers.of(unit.vcpu).vcpuRunning();
            domain.part(dev.trufflexen.xen.event.EventChannels.PART).endPoll(unit.vcpu);
        }
        RunstateArea.of(unit.vcpu).update(unit.vcpu);
        unit.vcpu.setOnCpu(true);
        unit.vcpu.cpu().requestAttention();
    }

    /** With the lock held: the vCPU left guest code; charge it, then block, park, stop or requeue it. */
    private void switchedOut(Pcpu pcpu, SchedUnit unit, long now) {
        pcpu.switchingOut = true;
        try {
            charge(pcpu, unit, now);
            if (pcpu.preemptAt != 0) {
                preemptionDelays.add(now - pcpu.preemptAt);
                preemptionCpuDelays.add(Math.max(0, pcpu.lastBurn - pcpu.preemptCpuAt));
                unit.preemptions++;
                pcpu.preemptAt = 0;
            }
            pcpu.current = null;
            unit.pcpu = null;
            policy.descheduled(unit);
            if (unit.vcpu.domain().isDying()) {
                stop(unit);
            } else if (unit.blockCondition != null) {
                unit.setState(UnitState.BLOCKED);
                VarHandle.fullFence();
                unit.blocks++;
                if (unit.vcpu.wakeConditionHolds(unit.blockCondition)) {
                    unblock(unit, now);
                } else {
                    unit.vcpu.runstate().change(Runstate.BLOCKED, unit.vcpu.domain().systemTimeAt(now));
                }
            } else if (parkIfOffCpu(unit)) {
                // Paused or down: off the queue until woken.
            } else if (policy.overCap(unit)) {
                unit.setState(UnitState.PARKED);
                unit.vcpu.runstate().change(Runstate.RUNNABLE);
                startTick();
            } else {
                if (unit.yieldRequested) {
                    policy.yielded(unit);
                }
                unit.vcpu.runstate().change(Runstate.RUNNABLE);
                makeRunnable(unit);
            }
        } finally {
            pcpu.switchingOut = false;
        }
    }

    /** Charges the vCPU the CPU its worker thread used since the last charge (thread CPU time, not wall time). */
    private void charge(Pcpu pcpu, SchedUnit unit, long now) {
        boolean onWorker = Thread.currentThread() == pcpu.thread;
        long ran;
        if (onWorker && now - pcpu.lastChargeAt < SHORT_RUN_NS) {
            // A short run is charged its wall time: reading the thread's CPU clock costs more than a microsecond on some hosts.
            ran = Math.max(0, now - pcpu.lastChargeAt);
            pcpu.lastBurn += ran;
        } else {
            long cpu = pcpu.cpuClock();
            // After an idle wait the clock's difference also holds the wait's CPU: capped at the wall time.
            ran = pcpu.burnSinceCharge(cpu, now);
            pcpu.burnFromBeforeIdle = false;
            pcpu.lastBurn = cpu;
        }
        pcpu.lastChargeAt = now;
        pcpu.charged = onWorker;
        unit.cpuTimeNs += ran;
        policy.burn(unit, ran, now);
    }

    // ---- Runnable, blocked, stopped ----

    private void makeRunnable(SchedUnit unit) {
        makeRunnable(unit, 0);
    }

    /** As {@link #makeRunnable(SchedUnit)}, {@code now} a clock reading just taken (0: none). */
    private void makeRunnable(SchedUnit unit, long now) {
        if (unit.vcpu.domain().isDying()) {
            stop(unit);
            return;
        }
        if (parkIfOffCpu(unit)) {
            return;
        }
        unit.setState(UnitState.RUNNABLE);
        policy.enqueue(unit);
        tickle(unit, now);
    }

    /**
     * A vCPU became runnable: wake an idle worker, or preempt a running vCPU it outranks (Xen's
     * tickle). Woken by the vCPU running on this very worker (an event it sent), it is left for
     * this worker instead, as Xen switches vCPUs on one pCPU: a vCPU that blocks or yields right
     * after waking its peer hands its worker over on the same thread, with no host thread woken.
     * With every worker busy the same holds for a vCPU that would preempt its waker: the waker is
     * preempted only if it runs on for {@value #HANDOFF_WINDOW_NS} ns (on one pCPU an event
     * ping-pong otherwise cost a preemption, and its exit, per round trip).
     */
    private void tickle(SchedUnit unit, long now) {
        Pcpu firing = callingWorker();
        if (firing != null && firing.firingTimers && unit.mayRunOn(firing.id)) {
            // Woken by a timer this worker fires while idle: it picks right after (others woken get idle workers then).
            firing.handoffs.add(unit);
            return;
        }
        Pcpu waker = callingWorker();
        boolean wakerMayTakeIt = waker != null && (waker.current != null || waker.switchingOut) && waker.preemptAt == 0
                && unit.mayRunOn(waker.id);
        if (idleWorkers > 0) {
            if (wakerMayTakeIt) {
                leaveToWaker(waker, unit, now);
                return;
            }
            wakeIdleWorker(unit);
            return;
        }
        if (wakerMayTakeIt && (waker.current == null || policy.outranks(unit, waker.current))) {
            // Every worker busy, and it would preempt the vCPU that woke it, which usually blocks right
            // after (an event ping-pong on one pCPU): that vCPU is preempted only if it runs on past the window.
            leaveToWaker(waker, unit, now);
            return;
        }
        preemptFor(unit);
    }

    /**
     * Leaves {@code unit}, queued, to the worker whose vCPU woke it: taken on the same thread when
     * that vCPU blocks or yields, or handed on ({@link #handOffTheRest}) once it has waited
     * {@link #HANDOFF_WINDOW_NS}, checked at the waker's hypercall returns, exits and loop back
     * edges (a poll). Returns within a region do not stop for a poll, so guest code that loops
     * by returns alone would never look; the tick, started here, hands the vCPU on then.
     */
    private void leaveToWaker(Pcpu waker, SchedUnit unit, long now) {
        if (waker.handoffs.isEmpty()) {
            waker.handoffPolls = 0;
            waker.handoffSince = now != 0 ? now : System.nanoTime();
            if (waker.current != null) {
                waker.current.vcpu.cpu().requestPoll();
            }
            startTick();
        }
        waker.handoffs.add(unit);
    }

    /** No idle worker for {@code unit}: preempt a running vCPU it outranks (Xen's tickle), and let the tick see to it. */
    private void preemptFor(SchedUnit unit) {
        Pcpu victim = null;
        for (Pcpu pcpu : pcpus) {
            SchedUnit running = pcpu.current;
            if (running != null && pcpu.preemptAt == 0 && policy.outranks(unit, running)
                    && (victim == null || policy.outranks(victim.current, running))) {
                victim = pcpu;
            }
        }
        if (victim != null) {
            wakePreemptions++;
            preempt(victim, System.nanoTime());
        }
        // It waits for a worker: the tick preempts at slice ends and accounts.
        startTick();
    }

    /** The worker the calling thread is, or null when it is not one of the workers. */
    private Pcpu callingWorker() {
        Thread self = Thread.currentThread();
        for (Pcpu pcpu : pcpus) {
            if (pcpu.thread == self) {
                return pcpu;
            }
        }
        return null;
    }

    /** Wakes one idle worker that may run {@code unit}. */
    private void wakeIdleWorker(SchedUnit unit) {
        // The worker watching the timers is woken last: it would have to hand the watch on.
        for (Pcpu pcpu : pcpus) {
            if (pcpu.idle && !timerWatch.isTimekeeper(pcpu) && unit.mayRunOn(pcpu.id)) {
                wakeWorker(pcpu);
                return;
            }
        }
        for (Pcpu pcpu : pcpus) {
            if (pcpu.idle && unit.mayRunOn(pcpu.id)) {
                wakeWorker(pcpu);
                return;
            }
        }
        // No idle worker may run it: it waits, and the tick sees to it.
        startTick();
    }

    /** Wakes idle {@code pcpu} for work. */
    private void wakeWorker(Pcpu pcpu) {
        pcpu.idle = false;
        idleWorkers--;
        workerWakeups++;
        pcpu.signalWakeup();
    }

    /**
     * {@code pcpu} took {@code picked} (or gives up waiting): the other vCPUs its last vCPU woke
     * and left for it, still queued, get idle workers now.
     */
    private void handOffTheRest(Pcpu pcpu, SchedUnit picked) {
        if (pcpu.handoffs.isEmpty()) {
            return;
        }
        for (SchedUnit woken : pcpu.handoffs) {
            if (woken == picked) {
                directSwitches++;
            } else if (woken.state() == UnitState.RUNNABLE) {
                if (idleWorkers > 0) {
                    wakeIdleWorker(woken);
                } else {
                    // No idle worker (taken meanwhile, or none to begin with): preempt for it as a wake-up would.
                    preemptFor(woken);
                }
            }
        }
        pcpu.handoffs.clear();
        if (pcpu.handoffSince != 0) { // a volatile store, with its fence, only when a window was open
            pcpu.handoffSince = 0;
        }
    }

    /**
     * At an exit or back edge of the vCPU running on the calling worker (its attention): vCPUs it
     * woke and left for this worker get idle workers once they have waited
     * {@value #HANDOFF_WINDOW_NS} ns; until then the vCPU is asked to look again.
     */
    void attention(SchedUnit unit) {
        Pcpu pcpu = unit.pcpu;
        if (pcpu == null || pcpu.thread != Thread.currentThread()) {
            return;
        }
        if (pcpu.timersInCare != 0) {
            timerWatch.attention(unit, pcpu);
        }
        long since = pcpu.handoffSince;
        if (since == 0) {
            return;
        }
        if (pcpu.handoffPolls < HANDOFF_UNTIMED_POLLS) {
            pcpu.handoffPolls++;
            unit.vcpu.cpu().requestPoll();
            return;
        }
        if (System.nanoTime() - since < HANDOFF_WINDOW_NS) {
            unit.vcpu.cpu().requestPoll();
            return;
        }
        lock.lock();
        try {
            handOffTheRest(pcpu, null);
        } finally {
            lock.unlock();
        }
    }

    private void stop(SchedUnit unit) {
        if (unit.state() == UnitState.STOPPED) {
            return;
        }
        unit.setState(UnitState.STOPPED);
        if (unit.pollTimeout != null) {
            unit.pollTimeout.cancel();
            unit.pollTimeout = null;
        }
        policy.removed(unit);
        units.remove(unit);
        if (units.isEmpty() && tick != null) {
            tick.cancel(false);
            tick = null;
        }
        stopped.signalAll();
    }

    private void unblock(SchedUnit unit, long now) {
        unit.blockCondition = null;
        unit.resumesFromBlock = true;
        unit.wokenAt = now;
        if (unit.vcpu.domain().isDying()) {
            stop(unit);
            return;
        }
        policy.woken(unit, now);
        unit.vcpu.runstate().change(Runstate.RUNNABLE, unit.vcpu.domain().systemTimeAt(now));
        makeRunnable(unit, now);
    }

    /**
     * Called for every event that may concern the vCPU, and when it is unpaused: a blocked one
     * whose condition now holds, or a paused one no longer paused, becomes runnable.
     */
    void wake(SchedUnit unit) {
        VarHandle.fullFence();
        UnitState state = unit.state();
        if (state != UnitState.BLOCKED && state != UnitState.PAUSED) {
            return;
        }
        lock.lock();
        try {
            if (unit.state() == UnitState.BLOCKED && unit.vcpu.wakeConditionHolds(unit.blockCondition)) {
                unblock(unit, System.nanoTime());
            } else if (unit.state() == UnitState.PAUSED && !staysParked(unit)) {
                unit.vcpu.runstate().change(Runstate.RUNNABLE);
                makeRunnable(unit);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * SCHEDOP_block/poll on the running vCPU (its worker's thread): it leaves guest code after the
     * hypercall and is descheduled until {@code condition} holds, the domain dies, or the domain's
     * system time reaches {@code deadline} (0: no deadline). Its runstate is blocked from now, as
     * Xen's vcpu_block marks it before the scheduler runs.
     */
    void block(SchedUnit unit, BooleanSupplier condition, long deadline) {
        Domain domain = unit.vcpu.domain();
        if (deadline == 0) {
            unit.blockCondition = condition;
        } else {
            unit.blockCondition = () -> condition.getAsBoolean() || domain.systemTime() >= deadline;
            long delay = Math.max(0, deadline - domain.systemTime());
            unit.pollTimeout = schedule(unit::wake, delay);
        }
        // Its runstate becomes blocked when its worker switches it out, as in Xen's context switch.
        unit.vcpu.cpu().requestExit(DESCHEDULED);
    }

    /** SCHEDOP_yield on the running vCPU: it gives its worker away if another vCPU is waiting. */
    void yield(SchedUnit unit) {
        lock.lock();
        try {
            unit.yields++;
            if (policy.hasQueued()) {
                unit.yieldRequested = true;
                unit.vcpu.cpu().requestExit(DESCHEDULED);
            }
        } finally {
            lock.unlock();
        }
    }

    // ---- Timers ----

    @Override
    public TimerService.Timer schedule(Runnable task, long delayNs) {
        lock.lock();
        try {
            long now = System.nanoTime();
            long deadline = now + Math.max(0, delayNs);
            if (deadline < now) {
                // Centuries away (a guest's far poll timeout or single-shot deadline): never, not at once.
                deadline = Long.MAX_VALUE - 1;
            }
            return timerWatch.arm(deadline, task, callingWorker());
        } finally {
            lock.unlock();
        }
    }

    /** How many times an idle worker waited for a timer deadline, and how many exits or back edges its vCPU stopped at while timers were in its worker's care. */
    public String timerWatchCounts() {
        return timerWatch.counts();
    }

    /** How many timers have fired. */
    public long timersFired() {
        return underLock(timerWatch::fired);
    }

    /**
     * How many times an idle worker found an armed timer that no thread would have looked at by
     * its deadline had it waited without one (the timer watch's invariant broken): 0 expected.
     */
    public long unwatchedTimerWaits() {
        return underLock(timerWatch::unwatchedWaits);
    }

    // ---- Time ----

    private void preempt(Pcpu pcpu, long now) {
        if (pcpu.preemptAt == 0) {
            pcpu.preemptAt = now;
            pcpu.preemptCpuAt = pcpu.cpuClock();
            pcpu.current.vcpu.cpu().requestExit(PREEMPTED);
        }
    }

    private void startTick() {
        if (tick == null && !closed) {
            tick = timers.scheduleWithFixedDelay(this::tick, TICK_NS, TICK_NS, TimeUnit.NANOSECONDS);
        }
    }

    /** Every 10 ms while a vCPU waits for a worker or runs or waits under a cap: charge the running, account, preempt. */
    private void tick() {
        lock.lock();
        try {
            ticks++;
            long now = System.nanoTime();
            for (Pcpu pcpu : pcpus) {
                if (pcpu.current != null) {
                    charge(pcpu, pcpu.current, now);
                }
            }
            for (SchedUnit unit : policy.tick(now, units)) {
                if (unit.state() == UnitState.PARKED) {
                    makeRunnable(unit);
                }
            }
            for (Pcpu pcpu : pcpus) {
                SchedUnit running = pcpu.current;
                if (pcpu.handoffSince != 0 && now - pcpu.handoffSince >= HANDOFF_WINDOW_NS) {
                    handOffTheRest(pcpu, null);
                }
                if (running == null) {
                    continue;
                }
                if (pcpu.preemptAt != 0) {
                    running.vcpu.cpu().requestExit(PREEMPTED);
                    continue;
                }
                boolean sliceEnded = now >= pcpu.sliceEnd;
                if (policy.shouldPreempt(running, sliceEnded)) {
                    preempt(pcpu, now);
                } else if (sliceEnded) {
                    pcpu.sliceEnd = now + policy.timesliceNs();
                }
            }
            if (!tickNeeded()) {
                tick.cancel(false);
                tick = null;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether the tick has work: a vCPU waits for a worker (slice ends, preemption, accounting),
     * is parked by its cap, or runs under a cap. A vCPU running alone on its worker, or an idle
     * host, needs none: the CPU it uses is charged when it leaves its worker.
     */
    private boolean tickNeeded() {
        if (policy.hasQueued() || anyParked()) {
            return true;
        }
        for (Pcpu pcpu : pcpus) {
            if (pcpu.current != null && capped(pcpu.current)) {
                return true;
            }
        }
        return false;
    }

    private static boolean capped(SchedUnit unit) {
        return unit.params().cap() > 0;
    }

    @Override
    public void parametersChanged(Domain domain) {
        lock.lock();
        try {
            if (domain.schedulingParameters().cap() > 0) {
                startTick();
            }
        } finally {
            lock.unlock();
        }
    }

    private boolean anyParked() {
        for (SchedUnit unit : units) {
            if (unit.state() == UnitState.PARKED) {
                return true;
            }
        }
        return false;
    }

    // ---- Parameters and figures ----

    /** What the scheduler has given {@code vcpu} so far. */
    public UnitStats stats(Vcpu vcpu) {
        lock.lock();
        try {
            if (!(vcpu.scheduled() instanceof SchedUnit unit)) {
                return UnitStats.NEVER_RUN;
            }
            long cpuTime = unit.cpuTimeNs;
            if (unit.pcpu != null) {
                cpuTime += unit.pcpu.burnSinceCharge(unit.pcpu.cpuClock(), System.nanoTime());
            }
            return new UnitStats(cpuTime, unit.runs, unit.preemptions, unit.yields, unit.blocks);
        } finally {
            lock.unlock();
        }
    }

    /** How long (wall time) running guest code took to leave its worker once asked to give way. */
    public Percentiles preemptionDelays() {
        return underLock(preemptionDelays::summary);
    }

    /**
     * How much CPU the worker spent in guest code after being asked to give way: the bound on
     * what a vCPU runs past its slice, whatever else the host is doing.
     */
    public Percentiles preemptionCpuDelays() {
        return underLock(preemptionCpuDelays::summary);
    }

    /** How many times a woken vCPU took a worker from a running vCPU it outranked (credit's BOOST). */
    public long wakePreemptions() {
        return underLock(() -> wakePreemptions);
    }

    /** How many times an idle worker was woken to run a vCPU (a host thread wake-up each). */
    public long workerWakeups() {
        return underLock(() -> workerWakeups);
    }

    /**
     * How many vCPUs were taken, on the same thread, by the worker whose vCPU woke them and then
     * left guest code (no host thread woken).
     */
    public long directSwitches() {
        return underLock(() -> directSwitches);
    }

    /** How many times the scheduler's tick has run. */
    public long ticks() {
        return underLock(() -> ticks);
    }

    /** How long a woken vCPU waited for a worker. */
    public Percentiles wakeLatencies() {
        return underLock(wakeLatencies::summary);
    }

    /**
     * How many times a thread (a worker, the timer thread, a thread sending an event) found the
     * scheduler's lock held by another and waited for it.
     */
    public long lockWaits() {
        return underLock(lock::waits);
    }

    /** Workers with no vCPU to run. */
    public int idleWorkers() {
        return underLock(() -> idleWorkers);
    }

    /** A counter or summary read under the scheduler's lock (they are written under it). */
    private <T> T underLock(java.util.function.Supplier<T> read) {
        lock.lock();
        try {
            return read.get();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            timerWatch.close();
            if (tick != null) {
                tick.cancel(false);
                tick = null;
            }
            for (Pcpu pcpu : pcpus) {
                pcpu.signalWakeup();
            }
        } finally {
            lock.unlock();
        }
        for (Pcpu pcpu : pcpus) {
            try {
                pcpu.thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
