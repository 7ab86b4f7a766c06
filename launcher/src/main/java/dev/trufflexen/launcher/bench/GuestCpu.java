package dev.trufflexen.launcher.bench;

import java.util.List;

/**
 * What a guest's vCPUs got of the host's CPUs during a benchmark run ({@link GuestCpuSampler}).
 *
 * @param steadyShare the vCPUs' CPU time over the wall time of the steady-state rounds (per
 *     vCPU; 1 means they never waited for a host CPU); NaN when not measured
 * @param roundSeconds the vCPUs' CPU time per round, in the order of the run's rounds; NaN where
 *     not measured
 */
record GuestCpu(double steadyShare, List<Double> roundSeconds) {
    static final GuestCpu UNKNOWN = new GuestCpu(Double.NaN, List.of());

    GuestCpu {
        roundSeconds = List.copyOf(roundSeconds);
    }
}
