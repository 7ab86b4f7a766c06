package dev.trufflexen.xen.mm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.memory.MachineMemory;
import dev.trufflexen.xen.abi.XenErrno;

class DomainMemoryTest {
    private static final int DOMID = 3;
    private final MachineMemory memory = new MachineMemory(2048);
    private final FramePool pool = new FramePool(memory);
    private final MachToPhys m2p = new MachToPhys(pool);
    private final long[] boot = pool.allocate(DOMID, 8);
    private final long shared = pool.allocate(DOMID);
    private final DomainMemory domain = new DomainMemory(DOMID, pool, m2p, new FrameRelease(pool.frameTable()), 40, shared);

    @AfterEach
    void close() {
        memory.close();
    }

    @Test
    void extentsAreCountedAgainstTheMaximumAllOrNothing() {
        assertEquals(8, domain.totPages());
        long extent = domain.allocateExtent(4, Long.MAX_VALUE);
        assertTrue(extent >= 0);
        assertEquals(24, domain.totPages());
        assertEquals(-1, domain.allocateExtent(5, Long.MAX_VALUE), "32 more would pass 40");
        assertEquals(24, domain.totPages(), "a refused extent costs nothing");
        for (int i = 0; i < 16; i++) {
            assertTrue(domain.allocateExtent(0, Long.MAX_VALUE) >= 0);
        }
        assertEquals(40, domain.totPages());
        assertEquals(-1, domain.allocateExtent(0, Long.MAX_VALUE), "never more than max_pages");
        assertEquals(40 + 1, pool.countOwnedBy(DOMID), "the pool agrees (plus shared_info)");
    }

    @Test
    void aLoweredMaximumRatchetsTheDomainDownAsXenDoes() {
        for (int i = 0; i < 20; i++) {
            assertTrue(domain.allocateExtent(0, Long.MAX_VALUE) >= 0);
        }
        domain.setMaxPages(16);
        assertEquals(16, domain.maxPages(), "taken although tot_pages is above it");
        assertEquals(28, domain.totPages(), "the domain keeps what it has");
        assertEquals(-1, domain.allocateExtent(0, Long.MAX_VALUE), "but gets nothing more");
        domain.setMaxPages(29);
        assertTrue(domain.allocateExtent(0, Long.MAX_VALUE) >= 0, "room for one again");
        assertEquals(-1, domain.allocateExtent(0, Long.MAX_VALUE));
        domain.setMaxPages(1L << 40);
        assertEquals(DomainMemory.MAX_PAGES_LIMIT, domain.maxPages(), "max_pages is an unsigned int in Xen");
        assertThrows(IllegalArgumentException.class, () -> domain.setMaxPages(-1));
    }

    @Test
    void theBalloonTargetIsRecordedAndLimitsNothing() {
        assertEquals(40, domain.targetPages(), "max_pages until the toolstack sets a target");
        domain.setTargetPages(4);
        assertEquals(4, domain.targetPages());
        assertEquals(40, domain.maxPages());
        assertTrue(domain.allocateExtent(3, Long.MAX_VALUE) >= 0, "the target is the guest's to reach, not a limit");
        assertThrows(IllegalArgumentException.class, () -> domain.setTargetPages(-1));
    }

    @Test
    void physmapAddWritesTheM2pForEveryFrameOfTheExtent() {
        long extent = domain.allocateExtent(2, Long.MAX_VALUE);
        domain.physmapAdd(extent, 100, 2);
        for (int i = 0; i < 4; i++) {
            assertEquals(100 + i, m2p.get(extent + i));
        }
    }

    @Test
    void removingAFreshFrameFreesItAndForgetsItsM2pEntry() {
        long mfn = domain.allocateExtent(0, Long.MAX_VALUE);
        domain.physmapAdd(mfn, 50, 0);
        assertEquals(0, domain.removePage(mfn));
        assertEquals(8, domain.totPages());
        assertEquals(FramePool.OWNER_FREE, pool.ownerOf(mfn));
        assertEquals(MachToPhys.INVALID_M2P_ENTRY, m2p.get(mfn));
        assertEquals(-XenErrno.ENXIO, domain.removePage(mfn), "not the domain's any more");
    }

    @Test
    void removeRefusesFramesOutsideMemoryOrOwnedByOthers() {
        assertEquals(-XenErrno.EINVAL, domain.removePage(2048));
        assertEquals(-XenErrno.EINVAL, domain.removePage(-1));
        long other = pool.allocate(DOMID + 1);
        assertEquals(-XenErrno.ENXIO, domain.removePage(other));
        assertEquals(DOMID + 1, pool.ownerOf(other));
        assertEquals(-XenErrno.ENXIO, domain.removePage(pool.totalFrames() - 1), "an M2P frame is Xen's");
    }

    @Test
    void referencedAndSharedFramesStayWhenGivenBack() {
        FrameTable table = pool.frameTable();
        assertTrue(table.getPage(boot[0], DOMID), "a mapping of the frame");
        assertEquals(0, domain.removePage(boot[0]));
        assertEquals(DOMID, pool.ownerOf(boot[0]), "a mapped frame stays");
        assertEquals(8, domain.totPages(), "and still counts");
        assertFalse(table.isAllocated(boot[0]), "without its allocation reference");
        assertEquals(0, domain.removePage(boot[0]), "get_page still succeeds: given back again");
        table.putPage(boot[0]);
        assertEquals(FramePool.OWNER_FREE, pool.ownerOf(boot[0]), "freed when the mapping goes");
        assertEquals(7, domain.totPages());
        assertEquals(0, domain.removePage(shared));
        assertEquals(DOMID, pool.ownerOf(shared));
        assertEquals(7, domain.totPages(), "shared_info never counts");
    }

    @Test
    void exchangeTradesStealableFramesOnly() {
        long a = domain.allocateExtent(0, Long.MAX_VALUE);
        long b = domain.allocateExtent(0, Long.MAX_VALUE);
        long[] out = domain.exchange(new long[] {a, b}, 1, 1, Long.MAX_VALUE);
        assertEquals(1, out.length);
        assertEquals(0, out[0] % 2);
        assertEquals(FramePool.OWNER_FREE, pool.ownerOf(a));
        assertEquals(DOMID, pool.ownerOf(out[0] + 1));
        assertEquals(10, domain.totPages(), "an exchange is one for one");
        assertTrue(pool.frameTable().getPage(boot[1], DOMID));
        assertFalse(domain.isStealable(boot[1]), "a mapped frame");
        assertFalse(domain.isStealable(shared));
        DomainMemory.ExchangeFailure failure = assertThrows(DomainMemory.ExchangeFailure.class,
                () -> domain.exchange(new long[] {boot[1]}, 1, 0, Long.MAX_VALUE));
        assertEquals(XenErrno.EINVAL, failure.errno());
        assertEquals(XenErrno.EINVAL, assertThrows(DomainMemory.ExchangeFailure.class,
                () -> domain.exchange(new long[] {out[0], out[0]}, 1, 1, Long.MAX_VALUE)).errno(), "a frame twice");
    }

    @Test
    void aFailedExchangeKeepsItsInputsAndFreesItsOutputs() {
        long a = domain.allocateExtent(0, Long.MAX_VALUE);
        long free = pool.freeFrames();
        DomainMemory.ExchangeFailure failure = assertThrows(DomainMemory.ExchangeFailure.class,
                () -> domain.exchange(new long[] {a}, 1, 0, 0));
        assertEquals(XenErrno.ENOMEM, failure.errno());
        assertEquals(DOMID, pool.ownerOf(a));
        assertEquals(free, pool.freeFrames());
        assertTrue(domain.isStealable(a));
    }

    @Test
    void theMemoryMapIsWhatWasSetOrNone() {
        byte[] map = new byte[20];
        map[16] = 1;
        domain.setMemoryMap(map);
        assertArrayEquals(map, domain.memoryMap());
        domain.setMemoryMap(new byte[0]);
        assertNull(domain.memoryMap());
    }

    @Test
    void theM2pIsReportedInTwoMegabyteChunks() {
        assertEquals(m2p.chunkFrame(0), domain.m2pChunkFrame(0));
        assertEquals(-1, domain.m2pChunkFrame(1), "8 MiB of machine memory needs one chunk");
        assertEquals(2048, domain.maxMachinePage());
    }
}
