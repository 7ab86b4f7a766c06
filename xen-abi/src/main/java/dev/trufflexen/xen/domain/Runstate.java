package dev.trufflexen.xen.domain;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.LongSupplier;

/**
 * A vCPU's runstate, as Xen's {@code struct vcpu_runstate_info}: the current state (running,
 * runnable, blocked, offline), the system time it was entered, and the nanoseconds spent in each
 * state so far: running on a worker thread, runnable (waiting for one, or brought up and not yet
 * run), blocked in SCHEDOP_block or SCHEDOP_poll, offline while down or paused (secondary vCPUs
 * start offline). Time in the current state is added when it is read.
 */
public final class Runstate {
    public static final int RUNNING = 0;
    public static final int RUNNABLE = 1;
    public static final int BLOCKED = 2;
    public static final int OFFLINE = 3;

    /** A consistent copy of the runstate. */
    public record Snapshot(int state, long stateEntryTime, long running, long runnable, long blocked, long offline) {
        public long time(int s) {
            return switch (s) {
                case RUNNING -> running;
                case RUNNABLE -> runnable;
                case BLOCKED -> blocked;
                default -> offline;
            };
        }
    }

    private final LongSupplier clock;
    /**
     * A sequence count (Xen's {@code XEN_RUNSTATE_UPDATE} idea, and Linux's seqcount): odd while
     * a writer is inside. Writers take it from even to odd with one compare-and-set, which also
     * keeps them from each other; readers retry while it is odd or moved. A vCPU switch changes
     * the runstate two or three times, and a monitor per change cost twice this.
     */
    private volatile int sequence;
    private final long[] time = new long[4];
    private int state;
    private long entryTime;

    Runstate(LongSupplier clock, int initialState) {
        this.clock = clock;
        this.state = initialState;
        this.entryTime = clock.getAsLong();
    }

    /** Enters {@code newState} now (no-op when already in it). */
    public void change(int newState) {
        if (newState != plainState()) {
            change(newState, clock.getAsLong());
        }
    }

    /**
     * Enters {@code newState} at {@code at}, a time of this runstate's clock the caller has just
     * read (no-op when already in the state); never before the current state's entry, so the
     * totals never go down when another thread changed the state after {@code at} was read.
     */
    public void change(int newState, long at) {
        if (newState != plainState()) {
            int seq = beginWrite();
            if (newState != state) {
                enter(newState, Math.max(at, entryTime));
            }
            endWrite(seq);
        }
    }

    /** The state as last written, without the sequence's check: a writer re-checks it inside. */
    private int plainState() {
        return (int) STATE.getOpaque(this);
    }

    private int beginWrite() {
        while (true) {
            int seq = sequence;
            if ((seq & 1) == 0 && SEQUENCE.compareAndSet(this, seq, seq + 1)) {
                return seq + 1;
            }
            Thread.onSpinWait();
        }
    }

    private void endWrite(int seq) {
        SEQUENCE.setRelease(this, seq + 1);
    }

    private void enter(int newState, long now) {
        time[state] += now - entryTime;
        STATE.setOpaque(this, newState);
        entryTime = now;
    }

    /** Xen's vcpu_runstate_get: the totals including the time in the current state up to now. */
    public Snapshot snapshot() {
        while (true) {
            int seq = (int) SEQUENCE.getAcquire(this);
            if ((seq & 1) != 0) {
                Thread.onSpinWait();
                continue;
            }
            int s = state;
            long entered = entryTime;
            long running = time[RUNNING];
            long runnable = time[RUNNABLE];
            long blocked = time[BLOCKED];
            long offline = time[OFFLINE];
            VarHandle.acquireFence();
            if (sequence != seq) {
                continue;
            }
            long now = clock.getAsLong();
            long inState = now - entered;
            return new Snapshot(s, entered, running + (s == RUNNING ? inState : 0), runnable + (s == RUNNABLE ? inState : 0),
                    blocked + (s == BLOCKED ? inState : 0), offline + (s == OFFLINE ? inState : 0));
        }
    }

    private static final VarHandle SEQUENCE;
    private static final VarHandle STATE;
    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            SEQUENCE = lookup.findVarHandle(Runstate.class, "sequence", int.class);
            STATE = lookup.findVarHandle(Runstate.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
