package dev.trufflexen.launcher.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The outcome of running one workload on one platform (guest, native or qemu): its timed rounds,
 * or why it failed.
 *
 * <p>The steady-state rate is the iterations of a round divided by the median duration of the
 * last half of the rounds (for an odd count, the larger half). The warm-up is the time from the
 * start of round 1 to the start of the first round whose rate is at least 90% of the steady
 * state, so it is zero when round 1 already runs at full speed. The spread is the relative range
 * of the steady-state rounds' rates.
 *
 * @param failure null when every round ran; otherwise what went wrong (a crash report, an exit
 *     status, missing rounds)
 * @param cpu for a guest, the host CPU time its vCPUs ran ({@link GuestCpuSampler});
 *     {@link GuestCpu#UNKNOWN} when not measured
 */
public record BenchRun(String platform, List<BenchRound> rounds, String failure, GuestCpu cpu) {
    public BenchRun {
        rounds = List.copyOf(rounds);
    }

    public BenchRun(String platform, List<BenchRound> rounds, String failure) {
        this(platform, rounds, failure, GuestCpu.UNKNOWN);
    }

    /** This run with {@code cpu} measured. */
    BenchRun withCpu(GuestCpu measured) {
        return new BenchRun(platform, rounds, failure, measured);
    }

    /** The share of the steady-state rounds' wall time the guest's vCPUs ran on a host CPU; NaN when not measured. */
    public double cpuShare() {
        return cpu.steadyShare();
    }

    /**
     * The host CPU time the guest's vCPUs ran per round, in seconds: from the end of the round
     * before (from the first read, for the first) to the end of this one, so the short gaps
     * between rounds count too; NaN where not measured.
     */
    public List<Double> roundCpuSeconds() {
        return cpu.roundSeconds();
    }

    /** The first of the steady-state rounds (see {@link #steadyRounds}); null without rounds. */
    BenchRound firstSteadyRound() {
        return rounds.isEmpty() ? null : steadyRounds().get(0);
    }

    /** The round just before the steady-state rounds (see {@link #steadyRounds}); null with fewer than two rounds. */
    BenchRound beforeSteadyState() {
        return rounds.size() < 2 ? null : rounds.get(rounds.size() / 2 - 1);
    }

    static BenchRun failed(String platform, String failure) {
        return new BenchRun(platform, List.of(), failure);
    }

    public boolean ok() {
        return failure == null && !rounds.isEmpty();
    }

    /** The rounds the steady state is measured on: the last half (for an odd count, the larger half). */
    private List<BenchRound> steadyRounds() {
        return rounds.subList(rounds.size() / 2, rounds.size());
    }

    /**
     * How much the steady-state rounds' rates scatter: (max - min) / median, 0 for one round,
     * NaN without rounds.
     */
    public double steadySpread() {
        if (rounds.isEmpty()) {
            return Double.NaN;
        }
        List<Double> rates = new ArrayList<>(steadyRounds().stream().map(BenchRound::rate).toList());
        rates.sort(null);
        return (rates.getLast() - rates.getFirst()) / median(rates);
    }

    /** Iterations per second at steady state, or NaN without rounds. */
    public double steadyRate() {
        if (rounds.isEmpty()) {
            return Double.NaN;
        }
        List<BenchRound> lastHalf = steadyRounds();
        List<Double> seconds = new ArrayList<>(lastHalf.stream().map(BenchRound::seconds).toList());
        return lastHalf.getFirst().iterations() / Math.max(median(seconds), 1e-9);
    }

    /**
     * The guest's vCPU time per iteration at steady state: the median over the steady-state
     * rounds of their CPU seconds ({@link #roundCpuSeconds}) over their iterations; NaN when
     * not measured for all of them.
     */
    public double steadyCpuSecondsPerIteration() {
        if (rounds.isEmpty() || cpu.roundSeconds().size() != rounds.size()) {
            return Double.NaN;
        }
        List<Double> perIteration = new ArrayList<>();
        for (int i = rounds.size() / 2; i < rounds.size(); i++) {
            perIteration.add(cpu.roundSeconds().get(i) / rounds.get(i).iterations());
        }
        if (perIteration.stream().anyMatch(value -> !Double.isFinite(value))) {
            return Double.NaN;
        }
        return median(perIteration);
    }

    /** The median of {@code values} (not empty), which it sorts. */
    private static double median(List<Double> values) {
        values.sort(null);
        int n = values.size();
        return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
    }

    /** Seconds from the start of round 1 to the start of the first round at 90% of steady state. */
    public double warmupSeconds() {
        double steady = steadyRate();
        for (BenchRound round : rounds) {
            if (round.rate() >= 0.9 * steady) {
                return (round.beginNanos() - rounds.getFirst().beginNanos()) / 1e9;
            }
        }
        return Double.NaN;
    }

    /** The checksum every round returned; null if the rounds disagree or there are none. */
    public String checksum() {
        if (rounds.isEmpty()) {
            return null;
        }
        String first = rounds.getFirst().checksum();
        return rounds.stream().allMatch(r -> r.checksum().equals(first)) ? first : null;
    }

    /** "platform" when every round was timed by the driver's own clock, "arrival" otherwise (see {@link BenchRound}). */
    public String roundClock() {
        return !rounds.isEmpty() && rounds.stream().allMatch(BenchRound::platformClock) ? "platform" : "arrival";
    }

    /** Checks the rounds against what was asked for; returns this run or a failed one. */
    BenchRun expectRounds(int expected, boolean done, String tail) {
        if (failure != null) {
            return this;
        }
        if (rounds.size() != expected || !done) {
            return new BenchRun(platform, rounds, "stopped after " + rounds.size() + " of " + expected
                    + " rounds; last output:\n" + tail, cpu);
        }
        if (checksum() == null) {
            return new BenchRun(platform, rounds, "rounds returned different checksums: "
                    + rounds.stream().map(BenchRound::checksum).distinct().toList(), cpu);
        }
        return this;
    }
}
