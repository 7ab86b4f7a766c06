package dev.trufflexen.launcher.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The statistics of {@link BenchRun} and the marker parsing of {@link MarkerRecorder}. */
class BenchRunTest {
    private static final long MS = 1_000_000;

    /** Rounds of 10 iterations that start back to back and last the given milliseconds. */
    private static List<BenchRound> rounds(long... milliseconds) {
        List<BenchRound> rounds = new ArrayList<>();
        long t = 0;
        for (int i = 0; i < milliseconds.length; i++) {
            rounds.add(new BenchRound(i + 1, t, t + milliseconds[i] * MS, 10, "00000000000000aa"));
            t += milliseconds[i] * MS;
        }
        return rounds;
    }

    @Test
    void steadyStateIsTheMedianOfTheLastHalf() {
        BenchRun run = new BenchRun("guest", rounds(1000, 500, 100, 100, 90, 120), null);
        // Last half: 100, 90, 120 ms; median 100 ms; 10 iterations -> 100 per second.
        assertEquals(100.0, run.steadyRate(), 1e-9);
    }

    @Test
    void theGuestsCpuShareIsMeasuredFromTheRoundBeforeTheSteadyStateAndKeptByTheRoundCheck() {
        BenchRun run = new BenchRun("guest", rounds(1000, 500, 100, 100, 90, 120), null);
        assertEquals(3, run.beforeSteadyState().number(), "the steady state is rounds 4 to 6");
        BenchRun short7 = run.withCpu(new GuestCpu(0.75, List.of())).expectRounds(7, true, "");
        assertFalse(short7.ok(), "6 of 7 rounds");
        assertEquals(0.75, short7.cpuShare(), 1e-9);
        assertTrue(Double.isNaN(run.cpuShare()), "not measured");
        assertNull(new BenchRun("guest", rounds(100), null).beforeSteadyState(), "one round");
    }

    @Test
    void theCpuTimePerIterationIsTheMedianOverTheSteadyStateRounds() {
        BenchRun run = new BenchRun("guest", rounds(1000, 500, 100, 100, 90, 120), null)
                .withCpu(new GuestCpu(0.5, List.of(1.0, 0.5, 0.2, 0.05, 0.06, 0.04)));
        // Steady rounds 4-6: 0.05, 0.06, 0.04 s of CPU for 10 iterations each; median 0.005 s.
        assertEquals(0.005, run.steadyCpuSecondsPerIteration(), 1e-12);
        WorkloadResult result = new WorkloadResult("w", run, new BenchRun("native", rounds(10, 10), null), null);
        // Native: 1000 iterations per second, 0.001 s each: the guest's code takes 5 times as long.
        assertEquals(5.0, result.guestCpuOverNative(), 1e-9);
        assertTrue(Double.isNaN(new BenchRun("guest", rounds(100, 100), null).steadyCpuSecondsPerIteration()), "not measured");
    }

    @Test
    void warmupEndsAtTheFirstRoundWithin90PercentOfSteadyState() {
        BenchRun run = new BenchRun("guest", rounds(1000, 500, 105, 100, 100, 100), null);
        // Round 3 (105 ms, 95% of the rate) starts 1.5 s after round 1.
        assertEquals(1.5, run.warmupSeconds(), 1e-9);
        assertEquals(0.0, new BenchRun("native", rounds(100, 100), null).warmupSeconds(), 1e-9);
    }

    @Test
    void roundsThatDisagreeHaveNoChecksum() {
        List<BenchRound> rounds = new ArrayList<>(rounds(10, 10));
        rounds.add(new BenchRound(3, 0, MS, 10, "00000000000000bb"));
        BenchRun run = new BenchRun("guest", rounds, null).expectRounds(3, true, "");
        assertNull(run.checksum());
        assertFalse(run.ok());
    }

    @Test
    void recorderTimestampsMarkersAndIgnoresOtherLines() {
        MarkerRecorder recorder = new MarkerRecorder();
        byte[] text = ("@@bench crc32 start rounds=1 iters=7\n@@bench crc32 round 1 begin\nnoise\n"
                + "@@bench crc32 round 1 end iters=7 checksum=0123456789abcdef\n@@bench crc32 done\n")
                .getBytes(StandardCharsets.UTF_8);
        for (byte b : text) {
            recorder.write(b);
        }
        assertTrue(recorder.done());
        assertEquals(1, recorder.rounds().size());
        BenchRound round = recorder.rounds().getFirst();
        assertEquals(7, round.iterations());
        assertEquals("0123456789abcdef", round.checksum());
        assertTrue(round.endNanos() >= round.beginNanos());
        assertTrue(recorder.tail().contains("noise"));
    }

    @Test
    void roundsCarryingTheDriversClockAreTimedByIt() {
        MarkerRecorder recorder = new MarkerRecorder();
        byte[] text = ("@@bench sieve round 1 begin\n@@bench sieve round 1 end iters=3 checksum=00000000000000aa"
                + " t0=5000000000 t1=5250000000\n@@bench sieve round 2 begin\n"
                + "@@bench sieve round 2 end iters=3 checksum=00000000000000aa t0=5300000000 t1=5400000000\n@@bench sieve done\n")
                .getBytes(StandardCharsets.UTF_8);
        recorder.write(text, 0, text.length); // one chunk: every marker "arrives" at the same instant
        List<BenchRound> rounds = recorder.rounds();
        assertEquals(2, rounds.size());
        assertEquals(0.25, rounds.get(0).seconds(), 1e-9);
        assertEquals(0.10, rounds.get(1).seconds(), 1e-9);
        BenchRun run = new BenchRun("guest", rounds, null);
        assertEquals("platform", run.roundClock());
        assertEquals(0.3, run.warmupSeconds(), 1e-9, "round 2 starts 0.3 s after round 1 by the driver's clock");
    }

    @Test
    void roundsWithoutTheDriversClockAreTimedByArrival() {
        MarkerRecorder recorder = new MarkerRecorder();
        byte[] text = "@@bench sieve round 1 begin\n@@bench sieve round 1 end iters=3 checksum=00000000000000aa\n"
                .getBytes(StandardCharsets.UTF_8);
        recorder.write(text, 0, text.length);
        BenchRound round = recorder.rounds().getFirst();
        assertFalse(round.platformClock());
        assertEquals(0.0, round.seconds(), 1e-9, "both markers arrived in one chunk");
        assertEquals("arrival", new BenchRun("native", recorder.rounds(), null).roundClock());
    }

    @Test
    void anEndMarkerWithAnOversizedStampIsNoRound() {
        MarkerRecorder recorder = new MarkerRecorder();
        byte[] text = ("@@bench sieve round 1 end iters=3 checksum=00000000000000aa t0=99999999999999999999 t1=1\n")
                .getBytes(StandardCharsets.UTF_8);
        recorder.write(text, 0, text.length);
        assertEquals(List.of(), recorder.rounds());
    }

    @Test
    void missingRoundsMakeAFailedRunWithTheLastOutput() {
        BenchRun run = new BenchRun("guest", rounds(10), null).expectRounds(3, false, "last words");
        assertFalse(run.ok());
        assertTrue(run.failure().contains("stopped after 1 of 3 rounds"), run.failure());
        assertTrue(run.failure().contains("last words"), run.failure());
    }
}
