package dev.trufflexen.xen.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.trufflexen.xen.GuestImages;
import dev.trufflexen.xen.KtestResults;
import dev.trufflexen.xen.TestHypervisor;
import dev.trufflexen.xen.XenHypervisor;

/**
 * The SMP guest: four vCPUs on four host threads. It brings vCPUs 1-3 up with
 * VCPUOP_initialise/up after Xen's errors for bad ids and hostile contexts, runs LOCK-prefixed
 * read-modify-writes on shared words from every vCPU at once (no update lost, split locks
 * included), per-vCPU timers, IPIs and a port moved with bind_vcpu (each upcall on its target),
 * TLB shootdowns with every MULTI/ALL flush, VCPUOP_down/up/is_up, and powers off by taking its
 * last vCPU down. Also a running SMP domain destroyed from the host, with nothing leaked.
 */
class SmpGuestTest {
    private static final int VCPUS = 4;
    private static final long RUN_LIMIT_SECONDS = 300;

    @RegisterExtension
    final TestHypervisor hypervisor = new TestHypervisor(128);

    private XenHypervisor xen() {
        return hypervisor.get();
    }

    private Domain create(String cmdline) {
        return xen().createDomain(new DomainSpec("smp", GuestImages.kernel("smp"), Optional.empty(), 32, VCPUS, cmdline,
                ShutdownAction.DESTROY, ShutdownAction.DESTROY, ShutdownAction.DESTROY));
    }

    @Test
    void everyCasePassesAndTheLastVcpuDownPowersOff() throws Exception {
        Domain domain = create("");
        long start = System.nanoTime();
        CompletableFuture<ShutdownReason> run = CompletableFuture.supplyAsync(domain::run);
        ShutdownReason reason;
        try {
            reason = run.get(RUN_LIMIT_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            domain.destroy();
            run.get(60, TimeUnit.SECONDS);
            throw new AssertionError("the guest did not finish in " + RUN_LIMIT_SECONDS + " s\n"
                    + GuestImages.transcript(xen(), domain));
        }
        long elapsed = System.nanoTime() - start;
        List<String> lines = GuestImages.consoleIoLines(xen(), domain.id());
        String all = GuestImages.transcript(xen(), domain);
        assertEquals(ShutdownReason.POWEROFF, reason, all);
        KtestResults.parse(lines).assertAllPassed(120, all);
        assertFalse(all.contains("still runs"), all);
        int domid = domain.id();
        domain.release();
        assertEquals(List.of(), xen().auditReleased(domid));
        System.out.printf("smp guest: %d vCPUs, every case in %d ms%n", VCPUS, elapsed / 1_000_000);
    }

    @Test
    void destroyingARunningSmpDomainStopsEveryVcpuAndLeaksNothing() throws Exception {
        Domain domain = create("hold");
        CompletableFuture<ShutdownReason> run = CompletableFuture.supplyAsync(domain::run);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!GuestImages.consoleIoLines(xen(), domain.id()).contains("# held")) {
            assertTrue(System.nanoTime() < deadline && !run.isDone(), GuestImages.transcript(xen(), domain));
            Thread.sleep(20);
        }
        assertEquals(VCPUS, domain.vcpus().stream().filter(v -> !v.isDown()).count());
        domain.destroy();
        assertEquals(ShutdownReason.POWEROFF, run.get(60, TimeUnit.SECONDS));
        for (Vcpu vcpu : domain.vcpus()) {
            assertFalse(vcpu.isRunning(), "vCPU " + vcpu.id() + " still runs guest code");
        }
        int domid = domain.id();
        domain.release();
        assertEquals(List.of(), xen().auditReleased(domid));
    }
}
