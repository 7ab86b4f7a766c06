package dev.trufflexen.xen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.trufflexen.x86.runtime.X86CodeCache;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.ShutdownReason;

/**
 * Domains running the same kernel share its translated and compiled code, and each keeps its own
 * validity: through the sharedcode guest, one domain rewrites the code of a function while
 * another runs the same function from the same compiled code. The writer sees every value it
 * stored; the other sees the original value throughout; a third domain started afterwards still
 * finds (and runs) the code of the original bytes, not the writer's.
 */
class SharedCodeGuestTest {
    private static final long RUN_LIMIT_S = 300;

    /** Sharing is on by default but can be turned off (see X86CodeCache): on for the hypervisor this test creates whatever the JVM says. */
    private final String sharingBefore = System.setProperty(X86CodeCache.SHARED_CODE_PROPERTY, "true");

    @RegisterExtension
    final TestHypervisor hypervisor = new TestHypervisor(256);

    @AfterEach
    void sharingAsBefore() {
        if (sharingBefore == null) {
            System.clearProperty(X86CodeCache.SHARED_CODE_PROPERTY);
        } else {
            System.setProperty(X86CodeCache.SHARED_CODE_PROPERTY, sharingBefore);
        }
    }

    private XenHypervisor xen() {
        return hypervisor.get();
    }

    private void assertPassed(Domain domain, CompletableFuture<ShutdownReason> run) throws Exception {
        ShutdownReason reason = run.get(RUN_LIMIT_S, TimeUnit.SECONDS);
        String transcript = GuestImages.transcript(xen(), domain);
        assertEquals(ShutdownReason.POWEROFF, reason, transcript);
        KtestResults.parse(GuestImages.consoleIoLines(xen(), domain.id())).assertAllPassed(4, transcript);
    }

    @Test
    void aDomainRewritingItsCodeLeavesTheSharedCodeToTheOthers() throws Exception {
        Domain reader = GuestImages.createGuest(xen(), "sharedcode", "calls=0x100000");
        Domain writer = GuestImages.createGuest(xen(), "sharedcode", "rewrite=1 calls=0x40000");
        X86CodeCache cache = reader.vcpu0().cpu().codeCache();
        CompletableFuture<ShutdownReason> readerRun = CompletableFuture.supplyAsync(reader::run);
        CompletableFuture<ShutdownReason> writerRun = CompletableFuture.supplyAsync(writer::run);
        assertPassed(writer, writerRun);
        assertPassed(reader, readerRun);
        X86CodeCache.SharingStats together = cache.sharingStats();
        assertTrue(together.sharedReused() > 0, "the second domain ran code the first translated: " + together);
        assertTrue(together.framesUnshared() >= 1, "the writer's stores moved its code frame off shared code: " + together);

        long builtBefore = cache.regionsBuilt();
        Domain late = GuestImages.createGuest(xen(), "sharedcode", "calls=0x40000");
        assertPassed(late, CompletableFuture.supplyAsync(late::run));
        long built = cache.regionsBuilt() - builtBefore;
        long reused = cache.sharingStats().sharedReused() - together.sharedReused();
        assertTrue(reused > 4 * built, "a domain started on a warm host runs the code already there: " + reused
                + " regions reused, " + built + " built");
        System.out.printf("shared code: %s; the late domain reused %d regions and built %d%n", cache.sharingStats(), reused, built);
    }
}
