package dev.trufflexen.xen.sched;

import java.util.ArrayList;
import java.util.List;

/**
 * The run queue both policies keep, in arrival order (each picks from it in its own order):
 * queueing, leaving it, and whether anyone waits.
 */
abstract class RunQueue implements SchedPolicy {
    /** The runnable vCPUs waiting for a worker, first come first. */
    protected final List<SchedUnit> queue = new ArrayList<>();

    @Override
    public void removed(SchedUnit unit) {
        queue.remove(unit);
    }

    @Override
    public void enqueue(SchedUnit unit) {
        queue.add(unit);
    }

    @Override
    public boolean hasQueued() {
        return !queue.isEmpty();
    }
}
