package dev.trufflexen.dom0.xenstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.trufflexen.xen.GuestImages;
import dev.trufflexen.xen.KtestResults;
import dev.trufflexen.xen.XenHypervisor;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.DomainSpec;
import dev.trufflexen.xen.domain.ShutdownReason;

/**
 * The xenstore guest speaks to xenstored through its real ring page and event channel: the
 * toolstack's entries, reads, writes, permissions, quota, watches, transactions, refused
 * requests, a hostile ring and its reconnect; then it waits, watching control/shutdown, until
 * the toolstack asks it to power off, and does.
 */
class XenstoreGuestTest {
    private XenHypervisor xen;
    private Xenstored xenstored;

    @BeforeEach
    void start() {
        xen = XenHypervisor.create(new XenHypervisor.Options(false, false, null, 256));
        xenstored = Xenstored.start(xen.console());
    }

    @AfterEach
    void stop() {
        xenstored.close();
        xen.close();
    }

    @Test
    void theGuestsClientWorksThroughTheRingAndPowersOffWhenAsked() throws Exception {
        Domain domain = xen.createDomain(DomainSpec.of("xsguest", GuestImages.kernel("xenstore"), 32, ""));
        XenstoreClient toolstack = xenstored.toolstack();
        new DomainEntries(domain.id(), "xsguest", 32 * 1024, 32 * 1024, 1, domain.consoleMfn(), domain.consolePort(),
                domain.xenstoreMfn(), domain.xenstorePort()).writeTo(toolstack);
        toolstack.watch("@releaseDomain", "released");
        xenstored.introduce(domain);
        String dom = "/local/domain/" + domain.id();
        ExecutorService runner = Executors.newSingleThreadExecutor();
        try {
            Future<ShutdownReason> run = runner.submit(domain::run);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!run.isDone() && toolstack.readOr(dom + "/data/ready", "").isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals("hello", toolstack.read(dom + "/data/greeting"), GuestImages.transcript(xen, domain));
            assertTrue(xenstored.domainWatches(domain.id(), dom + "/control/shutdown"), "the guest watches control/shutdown");
            long requests = xenstored.requestsFrom(domain.id());
            toolstack.write(dom + "/control/shutdown", "poweroff");
            assertEquals(ShutdownReason.POWEROFF, run.get(60, TimeUnit.SECONDS), GuestImages.transcript(xen, domain));
            List<String> lines = GuestImages.consoleIoLines(xen, domain.id());
            KtestResults.parse(lines).assertAllPassed(55, String.join("\n", lines));
            System.out.printf("xenstore guest: %d requests through the ring before the shutdown request%n", requests);
        } finally {
            runner.shutdownNow();
        }
        assertTrue(!xenstored.isIntroduced(domain.id()), "released when it stopped");
        assertEquals("ENOENT", org.junit.jupiter.api.Assertions.assertThrows(XsError.class, () -> toolstack.read(dom)).errno());
        assertTrue(toolstack.takeEvents().contains(List.of("@releaseDomain", "released")));
    }
}
