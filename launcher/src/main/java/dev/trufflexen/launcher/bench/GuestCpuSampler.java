package dev.trufflexen.launcher.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * How much of the wall time a guest's vCPUs ran on a host CPU: the host CPU time the scheduler
 * has charged the guest's vCPUs, read with the host clock when each round's end marker arrives.
 * Under 100% the vCPU waited for a host CPU: on a host with few cores, often for the JIT's own
 * threads (Graal compiling guest code, and HotSpot compiling Graal), so the round times then
 * say as much about the host's load as about the compiled guest code.
 */
final class GuestCpuSampler implements MarkerRecorder.RoundListener {
    private final MarkerRecorder.RoundListener next;
    private final Map<Integer, long[]> samples = new ConcurrentHashMap<>();
    private volatile LongSupplier vcpuNanos;
    private volatile int vcpus = 1;

    GuestCpuSampler(MarkerRecorder.RoundListener next) {
        this.next = next;
    }

    /** Starts reading {@code vcpuNanos}, the CPU time of the guest's {@code vcpus} vCPUs together. */
    void watch(LongSupplier vcpuNanos, int vcpus) {
        this.vcpus = Math.max(vcpus, 1);
        this.vcpuNanos = vcpuNanos;
        samples.put(0, new long[] {System.nanoTime(), vcpuNanos.getAsLong()}); // "the end of round 0": before round 1
    }

    @Override
    public void roundEnded(int number) {
        LongSupplier cpu = vcpuNanos;
        if (cpu != null) {
            samples.put(number, new long[] {System.nanoTime(), cpu.getAsLong()});
        }
        next.roundEnded(number);
    }

    /**
     * The vCPUs' CPU time in each of {@code rounds} (seconds, since the end of the round before;
     * NaN for a round whose end or whose predecessor's end was not read) and their share of the
     * wall time from the end of round {@code beforeSteady} to the end of the last round.
     */
    GuestCpu measure(List<BenchRound> rounds, BenchRound beforeSteady) {
        List<Double> seconds = new ArrayList<>();
        int previous = 0;
        for (BenchRound round : rounds) {
            long[] from = samples.get(previous);
            long[] to = samples.get(round.number());
            seconds.add(from == null || to == null ? Double.NaN : (to[1] - from[1]) / 1e9);
            previous = round.number();
        }
        double share = beforeSteady == null || rounds.isEmpty() ? Double.NaN : share(beforeSteady.number(), rounds.getLast().number());
        return new GuestCpu(share, seconds);
    }

    /**
     * The vCPUs' CPU time over the wall time from the end of round {@code after} to the end of
     * round {@code last} (per vCPU); NaN when either end was not read or no time passed.
     */
    double share(int after, int last) {
        long[] from = samples.get(after);
        long[] to = samples.get(last);
        if (from == null || to == null || to[0] <= from[0]) {
            return Double.NaN;
        }
        return (double) (to[1] - from[1]) / (to[0] - from[0]) / vcpus;
    }
}
