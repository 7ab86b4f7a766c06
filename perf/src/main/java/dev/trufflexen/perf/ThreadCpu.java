package dev.trufflexen.perf;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The host CPU this JVM's threads have used, summed by group: how the benchmarks tell that
 * compilation has settled and what each kind of thread costs per operation.
 *
 * <p>Sums never go down: a thread that has ended (the compiler retires idle compiler threads)
 * keeps counting with the CPU it had used when it was last read, so the difference of two reads
 * is never negative. What such a thread used after its last read and before it ended is not
 * counted.
 */
final class ThreadCpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Every thread read so far, by id: its name and the CPU it had used at its last read. */
    private static final Map<Long, Used> SEEN = new ConcurrentHashMap<>();

    private record Used(String name, long nanos) {
    }

    private ThreadCpu() {
    }

    /** Nanoseconds of CPU used so far by the Truffle compiler's threads. */
    static long compiler() {
        return byGroup(name -> name.startsWith("TruffleCompilerThread") ? "compiler" : "other").getOrDefault("compiler", 0L);
    }

    /** Nanoseconds of CPU used so far by each group of threads, {@code group} naming a thread's group. */
    static synchronized Map<String, Long> byGroup(Function<String, String> group) {
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info != null) {
                long nanos = THREADS.getThreadCpuTime(info.getThreadId());
                if (nanos >= 0) {
                    SEEN.merge(info.getThreadId(), new Used(info.getThreadName(), nanos),
                            (old, now) -> now.nanos() >= old.nanos() ? now : old);
                }
            }
        }
        Map<String, Long> groups = new TreeMap<>();
        SEEN.values().forEach(used -> groups.merge(group.apply(used.name()), used.nanos(), Long::sum));
        return groups;
    }
}
