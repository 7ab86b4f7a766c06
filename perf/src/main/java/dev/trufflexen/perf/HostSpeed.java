package dev.trufflexen.perf;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * How fast the host runs a fixed piece of Java code right now, per CPU-second of the calling
 * thread: a reference beside a figure measured in guest iterations per CPU-second, since on a
 * shared virtual machine a CPU-second does not buy the same work from one minute to the next
 * (another tenant on the same physical core, frequency changes).
 */
final class HostSpeed {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final long SAMPLE_CPU_NS = 200_000_000L;
    private static final int STEPS_PER_CHECK = 1 << 16;
    private static volatile long sink;

    private HostSpeed() {
    }

    /** Steps of a xorshift generator per CPU-second of the calling thread, over about 200 ms of its CPU. */
    static double sample() {
        long state = System.nanoTime() | 1;
        long steps = 0;
        long start = THREADS.getCurrentThreadCpuTime();
        long used;
        do {
            for (int i = 0; i < STEPS_PER_CHECK; i++) {
                state ^= state << 13;
                state ^= state >>> 7;
                state ^= state << 17;
            }
            steps += STEPS_PER_CHECK;
            used = THREADS.getCurrentThreadCpuTime() - start;
        } while (used < SAMPLE_CPU_NS);
        sink = state;
        return steps / (used / 1e9);
    }
}
