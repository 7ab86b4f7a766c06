package dev.trufflexen.xen.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.trufflexen.xen.GuestImages;
import dev.trufflexen.xen.TestHypervisor;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.SchedulingParameters;
import dev.trufflexen.xen.domain.ShutdownReason;

/** Borrowed Virtual Time on one worker, through the sched guest: MCU advance 5 against 10 gets twice the CPU. */
class BvtSchedulerGuestTest {
    @RegisterExtension
    final TestHypervisor hypervisor = new TestHypervisor(256, new SchedulerConfig(1, SchedulerKind.BVT));

    @Test
    void weights256And512ShareOneCpuOneToTwo() throws Exception {
        HostScheduler scheduler = hypervisor.get().scheduler();
        Domain light = GuestImages.createGuest(hypervisor.get(), "sched", "mode=spin");
        Domain heavy = GuestImages.createGuest(hypervisor.get(), "sched", "mode=spin");
        heavy.setSchedulingParameters(heavy.schedulingParameters().withBvt(SchedulingParameters.DEFAULT_MCU_ADVANCE / 2, false, 0,
                0, 0));
        CompletableFuture<ShutdownReason> first = CompletableFuture.supplyAsync(light::run);
        CompletableFuture<ShutdownReason> second = CompletableFuture.supplyAsync(heavy::run);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (scheduler.stats(light.vcpu0()).cpuTimeNs() < 1_000_000_000L && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        long lightBefore = scheduler.stats(light.vcpu0()).cpuTimeNs();
        long heavyBefore = scheduler.stats(heavy.vcpu0()).cpuTimeNs();
        Thread.sleep(5000);
        long lightUsed = scheduler.stats(light.vcpu0()).cpuTimeNs() - lightBefore;
        long heavyUsed = scheduler.stats(heavy.vcpu0()).cpuTimeNs() - heavyBefore;
        light.destroy();
        heavy.destroy();
        assertEquals(ShutdownReason.POWEROFF, first.get(60, TimeUnit.SECONDS));
        assertEquals(ShutdownReason.POWEROFF, second.get(60, TimeUnit.SECONDS));
        double ratio = (double) heavyUsed / lightUsed;
        assertTrue(ratio > 1.7 && ratio < 2.3, "BVT mcuadv 5 against 10 got " + ratio + " times the CPU");
    }
}
