package dev.trufflexen.xen.domain;

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
    private final long[] time = new long[4];
    private int state;
    private long entryTime;

    Runstate(LongSupplier clock, int initialState) {
        this.clock = clock;
        this.state = initialState;
        this.entryTime = clock.getAsLong();
    }

    /** Enters {@code newState} now (no-op when already in it). */
    public synchronized void change(int newState) {
        if (newState != state) {
            enter(newState, clock.getAsLong());
        }
    }

    /**
     * Enters {@code newState} at {@code at}, a time of this runstate's clock the caller has just
     * read (no-op when already in the state); never before the current state's entry, so the
     * totals never go down when another thread changed the state after {@code at} was read.
     */
    public synchronized void change(int newState, long at) {
        if (newState != state) {
            enter(newState, Math.max(at, entryTime));
        }
    }

    private void enter(int newState, long now) {
        time[state] += now - entryTime;
        state = newState;
        entryTime = now;
    }

    /** Xen's vcpu_runstate_get: the totals including the time in the current state up to now. */
    public synchronized Snapshot snapshot() {
        long[] t = time.clone();
        t[state] += clock.getAsLong() - entryTime;
        return new Snapshot(state, entryTime, t[0], t[1], t[2], t[3]);
    }
}
