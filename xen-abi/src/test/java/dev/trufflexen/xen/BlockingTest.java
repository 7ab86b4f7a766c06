package dev.trufflexen.xen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.trufflexen.xen.builder.TinyGuest;

import dev.trufflexen.xen.abi.CallbackOp;
import dev.trufflexen.xen.abi.Hypercalls;
import dev.trufflexen.xen.abi.SchedOp;
import dev.trufflexen.xen.dom0.EventChannelHandle;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.DomainSpec;
import dev.trufflexen.xen.domain.ShutdownAction;
import dev.trufflexen.xen.domain.ShutdownReason;
import dev.trufflexen.xen.domain.Vcpu;

/**
 * SCHEDOP_block parks the vCPU's thread until an event is pending: a dom0 notification on the
 * console port wakes it at once, and while it sleeps it does not poll (its wake condition is
 * checked only when someone wakes it).
 */
class BlockingTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final TestHypervisor hypervisor = new TestHypervisor(128);

    /**
     * Registers an event callback (as Xen, an upcall without one would bounce to address 0),
     * blocks, and powers off when the upcall arrives.
     */
    private Domain blocker() throws Exception {
        TinyGuest guest = new TinyGuest()
                .movEax(Hypercalls.__HYPERVISOR_callback_op).movEdi(CallbackOp.CALLBACKOP_register).leaRsi("callback").syscall()
                .movEax(Hypercalls.__HYPERVISOR_sched_op).movEdi(SchedOp.SCHEDOP_block).movEsi(0).syscall();
        long upcall = TinyGuest.VIRT_BASE + guest.here();
        guest.label("upcall").shutdown("poweroff")
                .label("poweroff").int32(0)
                .label("callback").int32(CallbackOp.CALLBACKTYPE_event).int32(0)
                .int32((int) upcall).int32((int) (upcall >>> 32));
        return hypervisor.get().createDomain(new DomainSpec("blocker", guest.writeImage(dir, "blocker"), Optional.empty(), 8, 1, "",
                ShutdownAction.DESTROY, ShutdownAction.DESTROY, ShutdownAction.DESTROY));
    }

    @Test
    void aBlockedVcpuSleepsWithoutPollingAndAnEventWakesIt() throws Exception {
        Domain domain = blocker();
        Vcpu vcpu = domain.vcpu0();
        CompletableFuture<ShutdownReason> run = CompletableFuture.supplyAsync(domain::run);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (vcpu.wakeChecks() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(vcpu.wakeChecks() > 0, "the guest never blocked");
        Thread.sleep(500);
        assertFalse(run.isDone(), "SCHEDOP_block returned without an event");
        assertEquals(1, vcpu.wakeChecks(), "a blocked vCPU must not poll its wake condition");

        try (EventChannelHandle evtchn = EventChannelHandle.open()) {
            int local = evtchn.bindInterdomain(domain, domain.consolePort());
            long woken = System.nanoTime();
            evtchn.notify(local);
            assertEquals(ShutdownReason.POWEROFF, run.get(30, TimeUnit.SECONDS));
            assertTrue(System.nanoTime() - woken < TimeUnit.SECONDS.toNanos(30));
        }
        assertEquals(2, vcpu.wakeChecks(), "checked once on blocking and once when woken");
    }

    @Test
    void aDomainShutDownFromOutsideWakesItsBlockedVcpu() throws Exception {
        Domain domain = blocker();
        CompletableFuture<ShutdownReason> run = CompletableFuture.supplyAsync(domain::run);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (domain.vcpu0().wakeChecks() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        domain.destroy();
        assertEquals(ShutdownReason.POWEROFF, run.get(30, TimeUnit.SECONDS));
    }
}
