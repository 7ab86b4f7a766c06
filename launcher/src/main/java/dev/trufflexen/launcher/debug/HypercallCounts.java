package dev.trufflexen.launcher.debug;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import dev.trufflexen.xen.abi.Hypercalls;
import dev.trufflexen.xen.hypercall.HypercallContext;
import dev.trufflexen.xen.hypercall.PendingWork;

/**
 * Counts and times one domain's hypercalls by number and, for the hypercalls whose first
 * argument is a command, by sub-op; fed after every hypercall by the dispatcher's pending-work
 * hook, so nothing in the core changes for it. The time of a hypercall runs from its dispatch
 * (the dispatcher notes it once asked to time hypercalls) to this hook, the last work after it:
 * the hypervisor's time for the call, not the time a blocked vCPU then waits.
 */
public final class HypercallCounts implements PendingWork {
    /** Hypercalls whose first argument selects a sub-op (Xen's cmd). */
    private static final java.util.Set<String> WITH_SUB_OPS = java.util.Set.of("sched_op", "event_channel_op",
            "vcpu_op", "memory_op", "xen_version", "console_io", "physdev_op", "callback_op", "grant_table_op",
            "vm_assist", "hvm_op", "sysctl", "domctl");

    /** Calls of one hypercall or sub-op and the nanoseconds they took in all. */
    public record Tally(long count, long nanos) {
        /** Mean nanoseconds per call. */
        public long meanNanos() {
            return count == 0 ? 0 : nanos / count;
        }
    }

    private record Adders(LongAdder count, LongAdder nanos) {
    }

    private final int domid;
    private final Map<String, Adders> counts = new ConcurrentHashMap<>();

    public HypercallCounts(int domid) {
        this.domid = domid;
    }

    @Override
    public void afterHypercall(HypercallContext context) {
        if (context.domain().id() != domid) {
            return;
        }
        long started = context.startNanos();
        long nanos = started == 0 ? 0 : System.nanoTime() - started;
        String name = Hypercalls.name(context.number());
        String key = WITH_SUB_OPS.contains(name) ? name + " " + context.intArg(0) : name;
        Adders adders = counts.computeIfAbsent(key, k -> new Adders(new LongAdder(), new LongAdder()));
        adders.count().increment();
        adders.nanos().add(nanos);
    }

    /** "name" or "name sub-op" to its calls and time, sorted by name. */
    public Map<String, Tally> snapshot() {
        Map<String, Tally> sorted = new TreeMap<>();
        counts.forEach((key, adders) -> sorted.put(key, new Tally(adders.count().sum(), adders.nanos().sum())));
        return sorted;
    }
}
