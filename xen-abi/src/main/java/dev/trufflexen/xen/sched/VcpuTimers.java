package dev.trufflexen.xen.sched;

import dev.trufflexen.xen.abi.Virq;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.DomainPart;
import dev.trufflexen.xen.domain.Vcpu;
import dev.trufflexen.xen.event.EventChannels;

/**
 * The two timers of a PV vCPU, as Xen's {@code singleshot_timer} and {@code periodic_timer}:
 * each raises VIRQ_TIMER when it expires. Deadlines are in the domain's system time
 * ({@link Domain#systemTime}, nanoseconds); they are kept by the scheduler's workers
 * ({@link TimerService}): an idle worker waits for the earliest deadline and fires the timer
 * itself, marking the event pending and waking the vCPU (which that worker then runs, or which
 * a running one takes as attention), so a blocked vCPU costs no host CPU until its timer fires,
 * and then one host thread wake-up.
 *
 * <p>As in Xen, a PV vCPU starts with a 10 ms periodic timer, and the periodic timer runs only
 * while the vCPU is neither blocked nor down: it is stopped when the vCPU blocks or goes down,
 * and on waking (or coming up) an expired period raises VIRQ_TIMER at once. Each vCPU has its
 * own pair, raising its own VIRQ_TIMER port.
 *
 * <p>A timer falls due on whichever thread keeps the timers, while the vCPU may be re-arming or
 * stopping it: each arming gets its own number, and an expiry whose arming has since been
 * replaced or stopped raises nothing and leaves the timer that replaced it armed and known (so a
 * later stop still cancels it, and the periodic timer never runs as two chains).
 */
public final class VcpuTimers {
    /** The timers of a domain's vCPUs, indexed by vCPU id. */
    public static final DomainPart<VcpuTimers[]> PART = DomainPart.declare("vCPU timers", VcpuTimers[].class);
    /** Xen's initial periodic period of a PV vCPU. */
    public static final long DEFAULT_PERIOD_NS = 10_000_000L;
    /** Xen's fallback for a set_timer_op timeout that is negative or more than 2^50 ns away. */
    public static final long HUGE_TIMEOUT_FALLBACK_NS = 100_000_000L;

    private final Domain domain;
    private final Vcpu vcpu;
    private final TimerService timerService;
    private TimerService.Timer singleshot;
    /** Volatile, as {@link #blocked}: {@link #vcpuRunning} looks at both without the monitor. */
    private volatile TimerService.Timer periodic;
    /** Which arming of each timer is current: an expiry of an earlier one is stale. */
    private long singleshotArming;
    private long periodicArming;
    private long periodNs = DEFAULT_PERIOD_NS;
    private long lastPeriodicEvent;
    private volatile boolean blocked;
    private volatile long fired;

    public VcpuTimers(Vcpu vcpu, TimerService timerService) {
        this.domain = vcpu.domain();
        this.vcpu = vcpu;
        this.timerService = timerService;
        this.lastPeriodicEvent = domain.systemTime();
        // An offline vCPU's periodic timer does not run until the vCPU is brought up.
        this.blocked = vcpu.isDown();
        domain.onStop(this::stopAll);
    }

    /** The timers of every vCPU of {@code domain}, for its {@link #PART}. */
    public static VcpuTimers[] forVcpus(Domain domain, TimerService timerService) {
        return domain.vcpus().stream().map(v -> new VcpuTimers(v, timerService)).toArray(VcpuTimers[]::new);
    }

    /** The timers of {@code vcpu}. */
    public static VcpuTimers of(Vcpu vcpu) {
        return vcpu.domain().part(PART)[vcpu.id()];
    }

    /** Arms the single-shot timer for absolute system time {@code deadline}; a past deadline fires now. */
    public synchronized void setSingleshot(long deadline) {
        stopSingleshot();
        long delay = deadline - domain.systemTime();
        if (delay <= 0) {
            sendTimerEvent();
            return;
        }
        long arming = ++singleshotArming;
        singleshot = timerService.schedule(() -> singleshotExpired(arming), delay);
    }

    public synchronized void stopSingleshot() {
        singleshotArming++;
        if (singleshot != null) {
            singleshot.cancel();
            singleshot = null;
        }
    }

    private void singleshotExpired(long arming) {
        synchronized (this) {
            if (arming != singleshotArming) {
                // Stopped or re-armed after it fell due: that arming no longer exists.
                return;
            }
            singleshot = null;
        }
        sendTimerEvent();
    }

    /** The timers' state for a monitor: single-shot armed or not, the period, events raised so far. */
    public synchronized String describe() {
        String shot = singleshot == null ? "idle" : "due in " + singleshot.delayNs() + " ns";
        return "single-shot " + shot + "; periodic " + (periodNs == 0 ? "off" : "every " + periodNs + " ns")
                + (blocked ? " (paused while blocked)" : "") + "; " + fired + " timer events";
    }

    /** Sets the periodic timer's period (0 stops it), as Xen's vcpu_set_periodic_timer. */
    public synchronized void setPeriodic(long period) {
        cancelPeriodic();
        periodNs = period;
        if (!blocked) {
            periodicWork();
        }
    }

    public synchronized long period() {
        return periodNs;
    }

    /**
     * The vCPU blocks: the periodic timer stops (Xen stops it when the vCPU is descheduled). Its
     * pending expiry stays queued and raises nothing while the vCPU is blocked, so a vCPU that
     * blocks and wakes within one period (an event ping-pong) costs no cancel
     * and no re-arm.
     */
    void vcpuBlocked() {
        blocked = true;
    }

    /**
     * The vCPU runs again: an expired period raises VIRQ_TIMER now, and the timer is re-armed.
     * An expiry still queued for the current period already fires at the right time.
     */
    void vcpuRunning() {
        blocked = false;
        TimerService.Timer armed = periodic;
        if (armed != null && !armed.isDone()) {
            // Its expiry clears the timer, then reads the flag just cleared (both volatile): it re-arms.
            return;
        }
        synchronized (this) {
            if (!blocked && (periodic == null || periodic.isDone())) {
                // An expiry taken but not yet run is stale from here on: the new arming replaces it.
                cancelPeriodic();
                periodicWork();
            }
        }
    }

    /** Xen's vcpu_periodic_timer_work. */
    private void periodicWork() {
        if (periodNs == 0 || domain.isDying()) {
            return;
        }
        long now = domain.systemTime();
        long next = lastPeriodicEvent + periodNs;
        if (now >= next) {
            sendTimerEvent();
            lastPeriodicEvent = now;
            next = now + periodNs;
        }
        long arming = ++periodicArming;
        periodic = timerService.schedule(() -> periodicExpired(arming), next - now);
    }

    private void periodicExpired(long arming) {
        synchronized (this) {
            if (arming != periodicArming) {
                // Cancelled, or re-armed when the vCPU ran again, after it fell due.
                return;
            }
            periodic = null;
            if (!blocked) {
                periodicWork();
            }
        }
    }

    private void cancelPeriodic() {
        periodicArming++;
        if (periodic != null) {
            periodic.cancel();
            periodic = null;
        }
    }

    private void stopAll() {
        synchronized (this) {
            stopSingleshot();
            cancelPeriodic();
            periodNs = 0;
        }
    }

    /** Xen's send_timer_event: VIRQ_TIMER on the vCPU. */
    private void sendTimerEvent() {
        fired++;
        try {
            domain.part(EventChannels.PART).sendVcpuVirq(vcpu, Virq.VIRQ_TIMER);
        } catch (RuntimeException e) {
            // A host bug must not silently end the timer chain: report it and keep the timers running.
            domain.console().log("d" + domain.id() + ": internal error raising VIRQ_TIMER: " + e);
        }
    }

    /** How many timer events have been raised (for tests). */
    public long timerEvents() {
        return fired;
    }
}
