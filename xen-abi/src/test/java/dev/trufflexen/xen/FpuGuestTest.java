package dev.trufflexen.xen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.DomainSpec;
import dev.trufflexen.xen.domain.ShutdownAction;
import dev.trufflexen.xen.domain.ShutdownReason;

/**
 * The fpu guest (guest-images/fpu: SSE2 and x87 arithmetic, conversions, comparisons, special
 * values, denormals, rounding modes, with the exception flags each operation raises) must print,
 * line for line, what the same code prints when it runs natively on the host CPU. The host
 * build is run here, at test time, so the reference is always the machine's own CPU.
 */
class FpuGuestTest {
    private XenHypervisor xen;

    @BeforeEach
    void start() {
        xen = XenHypervisor.create(new XenHypervisor.Options(false, true, null, 256));
    }

    @AfterEach
    void stop() {
        xen.close();
    }

    @Test
    void floatingPointResultsMatchTheHostCpuLineByLine() throws Exception {
        List<String> expected = GuestImages.hostOutput("fpu");
        assertTrue(expected.size() > 100 && expected.get(expected.size() - 1).equals("fpu: done"),
                "host build output is incomplete: " + expected);

        Domain domain = xen.createDomain(new DomainSpec("fpu", GuestImages.kernel("fpu"), Optional.empty(), 32, 1, "",
                ShutdownAction.DESTROY, ShutdownAction.DESTROY, ShutdownAction.DESTROY));
        ShutdownReason reason = domain.run();
        List<String> actual = GuestImages.consoleIoLines(xen, domain.id());

        List<String> differences = GuestImages.differences(expected, actual, 40);
        assertTrue(differences.isEmpty(), differences.size() + " (or more) lines differ from the host CPU's output:\n"
                + String.join("\n", differences)
                + (domain.crashReport() != null ? "\n" + domain.crashReport().text() : ""));
        assertEquals(ShutdownReason.POWEROFF, reason);
    }
}
