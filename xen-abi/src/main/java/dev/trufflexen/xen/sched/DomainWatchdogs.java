package dev.trufflexen.xen.sched;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import dev.trufflexen.xen.abi.XenErrno;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.DomainPart;
import dev.trufflexen.xen.domain.ShutdownReason;
import dev.trufflexen.xen.hypercall.XenError;

/**
 * SCHEDOP_watchdog, as Xen's domain_watchdog: a domain has two watchdog timers. Id 0 takes a
 * free one, armed {@code timeout} seconds ahead, and returns its id (1 or 2; -ENOSPC when both
 * are taken); a taken id re-arms it, or with timeout 0 frees it; any other id is -EINVAL. A
 * watchdog that expires shuts the domain down with SHUTDOWN_watchdog. Timers run on the
 * hypervisor's timer thread.
 */
public final class DomainWatchdogs {
    public static final DomainPart<DomainWatchdogs> PART = DomainPart.declare("watchdogs", DomainWatchdogs.class);
    /** Xen's NR_DOMAIN_WATCHDOG_TIMERS. */
    public static final int TIMERS = 2;

    private final Domain domain;
    private final ScheduledExecutorService executor;
    private final ScheduledFuture<?>[] timers = new ScheduledFuture<?>[TIMERS];

    public DomainWatchdogs(Domain domain, ScheduledExecutorService executor) {
        this.domain = domain;
        this.executor = executor;
        domain.onStop(this::stopAll);
    }

    synchronized long watchdog(long id, long timeoutSeconds) {
        if (id > TIMERS) {
            throw new XenError(XenErrno.EINVAL, "watchdog id " + id);
        }
        if (id == 0) {
            for (int slot = 0; slot < TIMERS; slot++) {
                if (timers[slot] == null) {
                    timers[slot] = arm(timeoutSeconds);
                    return slot + 1;
                }
            }
            throw new XenError(XenErrno.ENOSPC, "both watchdogs are in use");
        }
        int slot = (int) id - 1;
        if (timers[slot] == null) {
            throw new XenError(XenErrno.EINVAL, "watchdog " + id + " is not in use");
        }
        timers[slot].cancel(false);
        timers[slot] = timeoutSeconds == 0 ? null : arm(timeoutSeconds);
        return 0;
    }

    private ScheduledFuture<?> arm(long timeoutSeconds) {
        return executor.schedule(this::expired, timeoutSeconds, TimeUnit.SECONDS);
    }

    private void expired() {
        if (!domain.isDying()) {
            domain.console().log("Watchdog timer fired for domain " + domain.id());
            domain.shutdown(ShutdownReason.WATCHDOG);
        }
    }

    private synchronized void stopAll() {
        for (int slot = 0; slot < TIMERS; slot++) {
            if (timers[slot] != null) {
                timers[slot].cancel(false);
                timers[slot] = null;
            }
        }
    }
}
