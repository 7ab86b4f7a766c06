package dev.trufflexen.xen.dom0;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.trufflexen.xen.TestHypervisor;
import dev.trufflexen.xen.abi.EventChannelOp;
import dev.trufflexen.xen.abi.Hypercalls;
import dev.trufflexen.xen.abi.StartInfo;
import dev.trufflexen.xen.builder.TinyGuest;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.DomainSpec;
import dev.trufflexen.xen.domain.ShutdownAction;
import dev.trufflexen.xen.domain.ShutdownReason;

/**
 * A dom0 service's handle: a notification is reported once and masks its port until unmasked,
 * and unmasking a port the handle no longer binds (the domain stopped while the service worked)
 * is ignored, as Linux's evtchn device ignores it, so the service's thread never dies of it.
 */
class EventChannelHandleTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final TestHypervisor hypervisor = new TestHypervisor(128);

    /**
     * A guest that notifies dom0 on its console port: each of its {@code sends} is EVTCHNOP_send of
     * start_info's console.domU.evtchn, then it powers off.
     */
    private Domain notifier(int sends) throws Exception {
        TinyGuest guest = new TinyGuest()
                .bytes(0x8b, 0x46, StartInfo.OFF_CONSOLE_EVTCHN) // mov eax, [rsi + console.domU.evtchn]
                .leaRdx("send").bytes(0x89, 0x02); // mov [rdx], eax
        for (int i = 0; i < sends; i++) {
            guest.movEax(Hypercalls.__HYPERVISOR_event_channel_op).movEdi(EventChannelOp.EVTCHNOP_send).leaRsi("send").syscall();
        }
        guest.shutdown("poweroff").label("poweroff").int32(0).label("send").int32(0);
        return hypervisor.get().createDomain(new DomainSpec("notifier", guest.writeImage(dir, "notifier"), Optional.empty(), 8, 1, "",
                ShutdownAction.DESTROY, ShutdownAction.DESTROY, ShutdownAction.DESTROY));
    }

    @Test
    void aNotificationMasksItsPortUntilUnmaskedAndOneThatCameMeanwhileFiresThen() throws Exception {
        Domain domain = notifier(2);
        try (EventChannelHandle evtchn = EventChannelHandle.open()) {
            int local = evtchn.bindInterdomain(domain, domain.consolePort());
            assertEquals(ShutdownReason.POWEROFF, domain.run());
            assertEquals(local, evtchn.pending(5, TimeUnit.SECONDS));
            assertEquals(0, evtchn.pending(50, TimeUnit.MILLISECONDS), "masked: the second send is not reported yet");
            evtchn.unmask(local);
            assertEquals(local, evtchn.pending(5, TimeUnit.SECONDS), "the one that came while masked");
        }
    }

    @Test
    void unmaskingAPortTheHandleNoLongerBindsIsIgnored() throws Exception {
        Domain domain = notifier(1);
        EventChannelHandle evtchn = EventChannelHandle.open();
        int local = evtchn.bindInterdomain(domain, domain.consolePort());
        assertEquals(ShutdownReason.POWEROFF, domain.run());
        assertEquals(local, evtchn.pending(5, TimeUnit.SECONDS));
        evtchn.close(); // the domain stopped while the service drained its ring
        assertDoesNotThrow(() -> evtchn.unmask(local));
        assertEquals(-1, evtchn.pending(5, TimeUnit.SECONDS), "a closed handle reports -1");
        assertDoesNotThrow(() -> evtchn.unmask(local + 100));
    }

    @Test
    void notifyingAPortTheHandleDoesNotBindIsRefused() {
        try (EventChannelHandle evtchn = EventChannelHandle.open()) {
            assertThrows(IllegalArgumentException.class, () -> evtchn.notify(7));
        }
    }
}
