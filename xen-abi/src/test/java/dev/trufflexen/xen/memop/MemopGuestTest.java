package dev.trufflexen.xen.memop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.trufflexen.xen.TestHypervisor;
import dev.trufflexen.xen.GuestImages;
import dev.trufflexen.xen.KtestResults;
import dev.trufflexen.xen.XenHypervisor;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.DomainSpec;
import dev.trufflexen.xen.domain.ShutdownReason;
import dev.trufflexen.xen.mm.DomainMemory;

/**
 * The memop guest: every memory_op sub-operation a PV domU can make, positive and hostile, one
 * "ok"/"not ok" line per case through the real path (image, builder, CPU, hypercall page). A
 * second, idle domain gives the guest another domain to aim at. The runner then checks from the
 * host what the guest cannot see: the pool's ownership against the domain's tot_pages, that the
 * long reservation was continued, and that destroying both domains gives every frame back.
 */
class MemopGuestTest {
    @RegisterExtension
    final TestHypervisor hypervisor = new TestHypervisor(128);

    private XenHypervisor xen() {
        return hypervisor.get();
    }

    private Domain memop(String cmdline) {
        return GuestImages.createGuest(xen(), "memop", cmdline);
    }

    @Test
    void everyCasePassesAndEveryFrameComesBack() {
        long freeAtStart = xen().framePool().freeFrames();
        Domain victim = xen().createDomain(DomainSpec.of("victim", GuestImages.kernel("hello"), 16, ""));
        long victimFrame = xen().bootImage(victim).p2m()[5];
        Domain domain = memop("other=" + victim.id() + " victim_frame=" + victimFrame);
        long victimFrames = xen().framePool().countOwnedBy(victim.id());

        ShutdownReason reason = domain.run();
        List<String> lines = GuestImages.consoleIoLines(xen(), domain.id());
        String all = GuestImages.transcript(xen(), domain);
        assertEquals(ShutdownReason.POWEROFF, reason, all);
        KtestResults results = KtestResults.parse(lines);
        results.assertAllPassed(185, all);

        DomainMemory memory = domain.part(MemoryOpHypercall.MEMORY);
        assertEquals(xen().framePool().totalFrames(), results.value("max_ram_page"));
        assertEquals(xen().m2p().chunkFrame(0), results.value("m2p_frame"));
        assertEquals(memory.totPages(), results.value("final_reservation"));
        long l4 = results.value("l4_frame");
        assertEquals(domain.id(), xen().framePool().ownerOf(l4), "the L4 it gave back is still its own");
        assertEquals(false, xen().framePool().frameTable().isAllocated(l4), "without its allocation reference");
        assertEquals(List.of(), xen().auditMmu(domain), "the frame table's invariants hold");
        assertEquals(victimFrames, xen().framePool().countOwnedBy(victim.id()), "the other domain lost nothing");
        assertEquals(victim.id(), xen().framePool().ownerOf(victimFrame));
        assertTrue(xen().pvEntry(domain).hypercallContext().continuations() >= 3,
                "1000 extents are done in continued pieces");

        domain.release();
        victim.destroy();
        victim.release();
        assertEquals(List.of(), xen().auditReleased(domain.id()));
        assertEquals(0, xen().guestFrames().leakedFrames(), "no frame was still referenced when its domain went");
        assertEquals(freeAtStart, xen().framePool().freeFrames(), "every frame back in the pool");
    }

    /**
     * max_pages set by the toolstack (xl's mem-max and mem-set) as the guest meets it: what
     * maximum_reservation says, and how many of eight frames populate_physmap gives it, with room
     * for three, with none (a maximum below tot_pages, which Xen takes), and after it is raised.
     */
    @ParameterizedTest
    @ValueSource(longs = {3, -5, 64})
    void theMaximumTheToolstackSetsIsTheOneTheGuestMeets(long room) {
        Domain domain = memop("limits=8");
        DomainMemory memory = xen().memoryOf(domain);
        long tot = memory.totPages();
        memory.setMaxPages(tot + room);
        ShutdownReason reason = domain.run();
        String all = GuestImages.transcript(xen(), domain);
        assertEquals(ShutdownReason.POWEROFF, reason, all);
        KtestResults results = KtestResults.parse(GuestImages.consoleIoLines(xen(), domain.id()));
        assertEquals(tot + room, results.value("max_pages"), all);
        assertEquals(tot, results.value("tot_pages"), all);
        assertEquals(Math.max(0, Math.min(8, room)), results.value("populated"), all);
        assertEquals(tot, results.value("tot_pages_after"), all);
        assertEquals(tot, memory.totPages());
        domain.release();
        assertEquals(List.of(), xen().auditReleased(domain.id()));
    }

    /** populate_physmap + decrease_reservation round trips, timed by the guest; printed, not judged. */
    @Test
    void reservationRoundTripsRunAndAreTimed() {
        Domain domain = memop("bench=" + Integer.getInteger("memop.bench", 20000));
        assertEquals(ShutdownReason.POWEROFF, domain.run());
        List<String> bench = GuestImages.consoleIoLines(xen(), domain.id()).stream().filter(l -> l.startsWith("bench: "))
                .toList();
        assertEquals(2, bench.size(), bench.toString());
        int rounds = Integer.getInteger("memop.bench", 20000);
        assertTrue(bench.get(0).endsWith("(" + 2 * rounds + " ok)"), bench.get(0));
        bench.forEach(System.out::println);
    }

    /** Alone (as txl runs memop.cfg), the other-domain cases aim at no domain and get Xen's -ESRCH. */
    @Test
    void aloneEveryCaseStillPasses() {
        Domain domain = memop("");
        assertEquals(ShutdownReason.POWEROFF, domain.run());
        List<String> lines = GuestImages.consoleIoLines(xen(), domain.id());
        KtestResults.parse(lines).assertAllPassed(185, String.join("\n", lines));
    }

    /**
     * Random memory_op sequences, hostile arguments mixed in: the domain must survive, stay within
     * max_pages, leave the other domain untouched, keep the frame table's invariants, and give
     * every frame back when it goes.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void randomSequencesKeepTheAccountingAndGiveEveryFrameBack(long seed) {
        long freeAtStart = xen().framePool().freeFrames();
        Domain victim = xen().createDomain(DomainSpec.of("victim", GuestImages.kernel("hello"), 16, ""));
        long victimFrames = xen().framePool().countOwnedBy(victim.id());
        Domain domain = memop("other=" + victim.id() + " fuzz=" + seed);
        ShutdownReason reason = domain.run();
        List<String> lines = GuestImages.consoleIoLines(xen(), domain.id());
        String all = GuestImages.transcript(xen(), domain);
        assertEquals(ShutdownReason.POWEROFF, reason, all);
        DomainMemory memory = domain.part(MemoryOpHypercall.MEMORY);
        assertEquals(memory.totPages(), KtestResults.parse(lines).value("fuzz_reservation"), all);
        assertTrue(memory.totPages() <= memory.maxPages(), "never more than max_pages");
        assertEquals(victimFrames, xen().framePool().countOwnedBy(victim.id()), "the other domain lost nothing");
        assertEquals(List.of(), xen().auditMmu(domain), "the frame table's invariants hold");
        System.out.println(lines.stream().filter(l -> l.startsWith("fuzz:")).findFirst().orElse(all));

        domain.release();
        victim.destroy();
        victim.release();
        assertEquals(List.of(), xen().auditReleased(domain.id()));
        assertEquals(0, xen().guestFrames().leakedFrames());
        assertEquals(freeAtStart, xen().framePool().freeFrames(), "every frame back in the pool");
    }
}
