package dev.trufflexen.xen.sched;

import java.util.function.BooleanSupplier;

import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.DomainPart;

/**
 * Spinning briefly before a vCPU's thread parks, when its recent waits were short. Parking and
 * unparking a host thread costs tens of microseconds on a loaded machine, more than a whole
 * interdomain round trip should; a vCPU whose last wait ended within {@link #SHORT_WAIT_NS}
 * (a ping-pong partner answering) first watches its wake condition for up to
 * {@link #SPIN_NS}, and parks only if nothing came. A vCPU whose last wait was long (an idle
 * domain waiting for its next timer tick) parks at once, so an idle domain spends no host CPU
 * spinning. The spin leaves the runstate "running" and the periodic timer armed, as the vCPU has
 * not blocked yet.
 *
 * <p>Spinning only pays when the partner that will wake this vCPU has a core of its own: on a
 * host with two cores or fewer the spinner takes the core the partner needs (measured: the
 * interdomain round trip got 2-3 times slower on a loaded 2-core host), so there vCPUs always
 * park at once. Touched on the vCPU's own thread only.
 */
public final class ShortWaits {
    /** The short waits of a domain's vCPU 0. */
    public static final DomainPart<ShortWaits> PART = DomainPart.declare("short waits", ShortWaits.class);
    /** The longest a vCPU spins before it parks. */
    static final long SPIN_NS = 50_000L;
    /** A wait at most this long makes the next one start with a spin. */
    static final long SHORT_WAIT_NS = 200_000L;

    /** Whether this host has the cores for spinning to pay. */
    private static final boolean SPINNING_PAYS = Runtime.getRuntime().availableProcessors() > 2;

    private long lastWaitNs = Long.MAX_VALUE;

    /**
     * Spins while the last wait was short: true when {@code wake} (or the domain dying) came
     * within {@link #SPIN_NS}, false when the vCPU should park.
     */
    boolean spinFirst(Domain domain, BooleanSupplier wake) {
        if (!SPINNING_PAYS || lastWaitNs > SHORT_WAIT_NS) {
            return false;
        }
        long start = System.nanoTime();
        long now = start;
        do {
            if (wake.getAsBoolean() || domain.isDying()) {
                lastWaitNs = now - start;
                return true;
            }
            Thread.onSpinWait();
            now = System.nanoTime();
        } while (now - start < SPIN_NS);
        return false;
    }

    /** A parked wait of {@code waitNs} ended. */
    void waited(long waitNs) {
        lastWaitNs = waitNs;
    }
}
