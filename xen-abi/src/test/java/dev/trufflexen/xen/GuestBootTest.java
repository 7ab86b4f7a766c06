package dev.trufflexen.xen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.trufflexen.xen.domain.CrashReport;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.DomainBuildException;
import dev.trufflexen.xen.domain.DomainSpec;
import dev.trufflexen.xen.domain.ShutdownAction;
import dev.trufflexen.xen.domain.ShutdownReason;

/**
 * Real guests through the real path: ELF image, domain builder, CPU on the Graal JIT, hypercall
 * page, hypercalls and back. Guest output is read from the hypervisor console (console_io).
 */
class GuestBootTest {
    private XenHypervisor xen;

    @BeforeEach
    void start() {
        xen = XenHypervisor.create(new XenHypervisor.Options(false, true, null, 256));
    }

    @AfterEach
    void stop() {
        xen.close();
    }

    private Domain create(String guest, String cmdline) {
        return xen.createDomain(new DomainSpec(guest, GuestImages.kernel(guest), Optional.empty(), 32, 1, cmdline,
                ShutdownAction.DESTROY, ShutdownAction.DESTROY, ShutdownAction.DESTROY));
    }

    @Test
    void helloPrintsItsGreetingAndPowersOff() throws Exception {
        Domain domain = create("hello", "console=hvc0 greeting=hi");
        assertEquals(ShutdownReason.POWEROFF, domain.run());
        assertEquals(GuestImages.expectedOutput("hello"), GuestImages.consoleIoLines(xen, domain.id()));
    }

    @Test
    void hypercallsAnswerHostileArgumentsWithXensErrorCodes() throws Exception {
        Domain domain = create("xentest", "");
        ShutdownReason reason = domain.run();
        assertEquals(GuestImages.expectedOutput("xentest"), GuestImages.consoleIoLines(xen, domain.id()));
        assertEquals(ShutdownReason.REBOOT, reason, "SCHEDOP_shutdown_code must win over the later poweroff");
        assertTrue(xen.console().lines().stream().anyMatch(line -> line.matches(
                "\\(XEN\\) d" + domain.id() + "v0: unimplemented hypercall 60 \\(#60\\) at rip 0xffffffff8[0-9a-f]{7}")),
                String.join("\n", xen.console().lines()));
    }

    @Test
    void unhandledPageFaultCrashesTheDomainWithAReport() {
        Domain domain = create("crash", "");
        assertEquals(ShutdownReason.CRASH, domain.run());
        CrashReport report = domain.crashReport();
        assertNotNull(report);
        String text = report.text();
        assertTrue(text.contains("Domain " + domain.id() + " (crash) crashed"), text);
        assertTrue(text.contains("#PF"), text);
        assertTrue(text.contains("CR2: 0000000000001000"), text);
        assertTrue(text.contains("page not present, read"), text);
        assertTrue(text.matches("(?s).*rax: [0-9a-f]{16}.*"), text);
        assertTrue(text.matches("(?s).*code at RIP: ffffffff8[0-9a-f]{7}: [0-9a-f ]+ +mov.*"), text);
        assertTrue(text.contains("instructions executed"), "trace is on in this test: " + text);
    }

    @Test
    void aFailedBuildLeavesNothingBehind() {
        long free = xen.framePool().freeFrames();
        Path notElf = Path.of("pom.xml");
        DomainBuildException e = org.junit.jupiter.api.Assertions.assertThrows(DomainBuildException.class,
                () -> xen.createDomain(DomainSpec.of("bad", notElf, 32, "")));
        assertTrue(e.getMessage().contains("not an ELF file"), e.getMessage());
        assertEquals(free, xen.framePool().freeFrames());
        org.junit.jupiter.api.Assertions.assertThrows(DomainBuildException.class,
                () -> xen.createDomain(DomainSpec.of("small", GuestImages.kernel("hello"), 1, "")));
        assertEquals(free, xen.framePool().freeFrames(), "memory too small: nothing kept");
        org.junit.jupiter.api.Assertions.assertThrows(DomainBuildException.class,
                () -> xen.createDomain(DomainSpec.of("huge", GuestImages.kernel("hello"), 100_000, "")));
        assertEquals(free, xen.framePool().freeFrames(), "more than machine memory: nothing kept");
    }

    @Test
    void releasingADomainReturnsEveryFrame() {
        long free = xen.framePool().freeFrames();
        Domain domain = create("hello", "");
        assertTrue(xen.framePool().countOwnedBy(domain.id()) > 32 * 256);
        domain.run();
        domain.release();
        assertEquals(0, xen.framePool().countOwnedBy(domain.id()));
        assertEquals(free, xen.framePool().freeFrames());
    }
}
