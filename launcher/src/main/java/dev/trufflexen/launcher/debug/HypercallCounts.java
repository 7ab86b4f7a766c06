package dev.trufflexen.launcher.debug;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import dev.trufflexen.xen.abi.Hypercalls;
import dev.trufflexen.xen.hypercall.HypercallContext;
import dev.trufflexen.xen.hypercall.PendingWork;

/**
 * Counts one domain's hypercalls by number and, for the hypercalls whose first argument is a
 * command, by sub-op; fed after every hypercall by the dispatcher's pending-work hook, so
 * nothing in the core changes for it.
 */
public final class HypercallCounts implements PendingWork {
    /** Hypercalls whose first argument selects a sub-op (Xen's cmd). */
    private static final java.util.Set<String> WITH_SUB_OPS = java.util.Set.of("sched_op", "event_channel_op",
            "vcpu_op", "memory_op", "xen_version", "console_io", "physdev_op", "callback_op", "grant_table_op",
            "vm_assist", "hvm_op", "sysctl", "domctl");

    private final int domid;
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    public HypercallCounts(int domid) {
        this.domid = domid;
    }

    @Override
    public void afterHypercall(HypercallContext context) {
        if (context.domain().id() != domid) {
            return;
        }
        String name = Hypercalls.name(context.number());
        String key = WITH_SUB_OPS.contains(name) ? name + " " + context.intArg(0) : name;
        counts.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    /** "name" or "name sub-op" to its count, sorted by name. */
    public Map<String, Long> snapshot() {
        Map<String, Long> sorted = new TreeMap<>();
        counts.forEach((key, count) -> sorted.put(key, count.sum()));
        return sorted;
    }
}
