package dev.trufflexen.xen.pv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.trufflexen.xen.GuestImages;
import dev.trufflexen.xen.XenHypervisor;
import dev.trufflexen.xen.builder.BootImage;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.DomainSpec;
import dev.trufflexen.xen.domain.ShutdownReason;
import dev.trufflexen.xen.mm.FrameTable;
import dev.trufflexen.xen.mm.PageTables;

/**
 * The builder's page tables are typed as Xen's toolstack leaves them: the L4 pinned and in use
 * as vCPU 0's base table, every L3/L2/L1 typed by reference, frames mapped writable typed
 * writable; the invariant checker agrees, and after the domain ran and was released every frame
 * is back in the pool.
 */
class BootPageTablesTest {
    private XenHypervisor xen;

    @BeforeEach
    void start() {
        xen = XenHypervisor.create(new XenHypervisor.Options(false, false, null, 128));
    }

    @AfterEach
    void stop() {
        xen.close();
    }

    @Test
    void bootTablesAreValidatedPinnedAndCounted() {
        Domain domain = xen.createDomain(DomainSpec.of("hello", GuestImages.kernel("hello"), 16, ""));
        BootImage boot = xen.bootImage(domain);
        FrameTable frames = xen.framePool().frameTable();
        long l4 = boot.l4Mfn();
        assertEquals(FrameTable.TYPE_L4, frames.type(l4));
        assertTrue(frames.isPinned(l4) && frames.isValidated(l4));
        assertEquals(2, frames.typeCount(l4), "the pin and vCPU 0's base pointer");
        assertEquals(4, frames.count(l4), "allocation, pin, base pointer, the boot mapping's read-only entry");
        PageTables tables = xen.pageTables();
        long l3 = PageTables.mfnOf(tables.read(l4, (int) ((boot.virtBase() >>> 39) & 511)));
        assertEquals(FrameTable.TYPE_L3, frames.type(l3));
        assertEquals(1, frames.typeCount(l3), "typed by the one L4 entry that links it");
        long l1 = tables.l1TableOf(l4, boot.entry());
        assertEquals(FrameTable.TYPE_L1, frames.type(l1));
        long text = PageTables.mfnOf(tables.read(l1, (int) ((boot.entry() >>> 12) & 511)));
        assertEquals(FrameTable.TYPE_WRITABLE, frames.type(text));
        assertEquals(xen.m2p().l4Entry(), tables.read(l4, 256), "Xen's slot 256: the read-only M2P");
        assertEquals(java.util.List.of(), xen.auditMmu(domain));

        assertEquals(ShutdownReason.POWEROFF, domain.run());
        int domid = domain.id();
        domain.release();
        assertEquals(java.util.List.of(), xen.auditReleased(domid));
    }
}
