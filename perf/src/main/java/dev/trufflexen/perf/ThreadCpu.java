package dev.trufflexen.perf;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The host CPU this JVM's live threads have used, summed by group: how the benchmarks tell that
 * compilation has settled and what each kind of thread costs per operation.
 */
final class ThreadCpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private ThreadCpu() {
    }

    /** Nanoseconds of CPU used so far by the Truffle compiler's threads. */
    static long compiler() {
        return byGroup(name -> name.startsWith("TruffleCompilerThread") ? "compiler" : "other").getOrDefault("compiler", 0L);
    }

    /** Nanoseconds of CPU used so far by each group of live threads, {@code group} naming a thread's group. */
    static Map<String, Long> byGroup(Function<String, String> group) {
        Map<String, Long> groups = new TreeMap<>();
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info != null) {
                groups.merge(group.apply(info.getThreadName()), Math.max(0, THREADS.getThreadCpuTime(info.getThreadId())), Long::sum);
            }
        }
        return groups;
    }
}
