package dev.trufflexen.launcher.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class GuestCpuSamplerTest {
    @Test
    void theShareIsTheVcpuTimeOverTheWallTimeBetweenTwoRoundEnds() throws InterruptedException {
        List<Integer> passedOn = new ArrayList<>();
        GuestCpuSampler sampler = new GuestCpuSampler(passedOn::add);
        AtomicLong cpu = new AtomicLong();
        sampler.roundEnded(1); // before the guest's vCPUs are known: not sampled
        sampler.watch(cpu::get, 2);
        sampler.roundEnded(2);
        long begin = System.nanoTime();
        Thread.sleep(50);
        cpu.addAndGet(40_000_000L); // two vCPUs, 40 ms of CPU between them
        long wall = System.nanoTime() - begin;
        sampler.roundEnded(3);
        long wallAfter = System.nanoTime() - begin;

        double share = sampler.share(2, 3);
        assertTrue(share <= 40e6 / wall / 2 && share >= 40e6 / wallAfter / 2 - 0.01, "share " + share + " over " + wall + " ns");
        assertTrue(Double.isNaN(sampler.share(1, 3)), "round 1 ended before the sampler watched the vCPUs");
        assertEquals(List.of(1, 2, 3), passedOn, "every round end goes on to the next listener");

        List<BenchRound> rounds = List.of(new BenchRound(1, 0, 1, 1, "aa"), new BenchRound(2, 1, 2, 1, "aa"), new BenchRound(3, 2, 3, 1, "aa"));
        GuestCpu measured = sampler.measure(rounds, rounds.get(1));
        assertEquals(share, measured.steadyShare(), 1e-12, "the steady state: round 3");
        assertTrue(Double.isNaN(measured.roundSeconds().get(0)), "round 1 ended before the first read");
        assertTrue(Double.isNaN(measured.roundSeconds().get(1)), "round 2: the end of round 1 was not read");
        assertEquals(0.04, measured.roundSeconds().get(2), 1e-12, "round 3");
    }
}
