package dev.trufflexen.dom0.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.trufflexen.xen.abi.ConsoleInterface;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.DomainSpec;
import dev.trufflexen.xen.GuestImages;
import dev.trufflexen.xen.domain.ShutdownReason;
import dev.trufflexen.xen.XenHypervisor;

/** The PV console ring between a real guest and the dom0 console backend. */
class ConsoleBackendTest {
    private XenHypervisor xen;

    @BeforeEach
    void start() {
        xen = XenHypervisor.create(new XenHypervisor.Options(false, false, null, 256));
    }

    @AfterEach
    void stop() {
        xen.close();
    }

    @Test
    void helloWritesItsOutputThroughTheRing() throws Exception {
        Domain domain = xen.createDomain(DomainSpec.of("hello", GuestImages.kernel("hello"), 32, "console=hvc0 greeting=hi"));
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        ConsoleBackend backend = ConsoleBackend.attach(domain, terminal);
        assertEquals(ShutdownReason.POWEROFF, domain.run());
        List<String> lines = terminal.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(GuestImages.expectedOutput("hello"), lines);
        assertTrue(backend.bytesOut() > 1000);
    }

    @Test
    void theBackendDrainsOnItsOwnThreadWokenByTheGuestsEvents() throws Exception {
        Domain domain = xen.createDomain(DomainSpec.of("hello", GuestImages.kernel("hello"), 32, "console=hvc0 greeting=hi"));
        java.util.Set<String> writers = java.util.concurrent.ConcurrentHashMap.newKeySet();
        ByteArrayOutputStream terminal = new ByteArrayOutputStream() {
            @Override
            public synchronized void write(byte[] b, int off, int len) {
                writers.add(Thread.currentThread().getName());
                super.write(b, off, len);
            }
        };
        ConsoleBackend.attach(domain, terminal);
        String vcpuThread = Thread.currentThread().getName();
        assertEquals(ShutdownReason.POWEROFF, domain.run());
        assertEquals(GuestImages.expectedOutput("hello"), terminal.toString(StandardCharsets.UTF_8).lines().toList());
        assertTrue(writers.contains("console-d" + domain.id()), "drained on the backend's thread: " + writers);
        assertTrue(writers.stream().allMatch(name -> name.equals("console-d" + domain.id()) || name.equals(vcpuThread)),
                writers.toString());
    }

    @Test
    void releasingADomainThatNeverRanEndsItsBackendThread() throws Exception {
        Domain domain = xen.createDomain(DomainSpec.of("hello", GuestImages.kernel("hello"), 32, ""));
        ConsoleBackend.attach(domain, new ByteArrayOutputStream());
        String name = "console-d" + domain.id();
        assertTrue(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name)));
        domain.destroy();
        domain.release();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive())
                && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals(name) && t.isAlive()),
                "the backend thread outlived its domain");
    }

    @Test
    void aProducerTooFarAheadDisconnectsOnlyTheConsole() {
        Domain domain = xen.createDomain(DomainSpec.of("hello", GuestImages.kernel("hello"), 32, ""));
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        ConsoleBackend backend = ConsoleBackend.attach(domain, terminal);
        long page = domain.consoleMfn() << 12;
        xen.memory().write32(page + ConsoleInterface.OFF_OUT_CONS, 5);
        xen.memory().write32(page + ConsoleInterface.OFF_OUT_PROD, 5 + 1_000_000);
        backend.drain();
        assertTrue(backend.isBroken());
        assertEquals(0, terminal.size(), "nothing is copied from a corrupt ring");
        assertEquals(0, backend.deliverInput(new byte[] {'x'}, 0, 1));
    }

    @Test
    void inputFillsTheInRingUpToItsSize() {
        Domain domain = xen.createDomain(DomainSpec.of("hello", GuestImages.kernel("hello"), 32, ""));
        ConsoleBackend backend = ConsoleBackend.attach(domain, new ByteArrayOutputStream());
        byte[] input = new byte[3000];
        assertEquals(ConsoleInterface.IN_SIZE, backend.deliverInput(input, 0, input.length));
        assertEquals(0, backend.deliverInput(input, 0, 1), "full until the guest consumes");
        long page = domain.consoleMfn() << 12;
        assertEquals(ConsoleInterface.IN_SIZE, xen.memory().read32(page + ConsoleInterface.OFF_IN_PROD));
    }
}
