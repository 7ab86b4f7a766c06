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
    }
}
