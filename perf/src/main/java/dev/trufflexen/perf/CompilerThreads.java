package dev.trufflexen.perf;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/** The host CPU the Truffle compiler threads of this JVM have used: how a benchmark tells that compilation has settled. */
final class CompilerThreads {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private CompilerThreads() {
    }

    /** Nanoseconds of CPU used so far by the live threads named {@code TruffleCompilerThread*}. */
    static long cpuTime() {
        long total = 0;
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("TruffleCompilerThread")) {
                total += Math.max(0, THREADS.getThreadCpuTime(info.getThreadId()));
            }
        }
        return total;
    }
}
