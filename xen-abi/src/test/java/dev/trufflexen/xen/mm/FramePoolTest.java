package dev.trufflexen.xen.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.memory.MachineMemory;

class FramePoolTest {
    private final MachineMemory memory = new MachineMemory(1024);
    private final FramePool pool = new FramePool(memory);

    @AfterEach
    void close() {
        memory.close();
    }

    @Test
    void framesComeFromTheTopSoMfnIsNotPfn() {
        long[] frames = pool.allocate(7, 4);
        assertEquals(1023, frames[0]);
        assertEquals(1020, frames[3]);
        for (int pfn = 0; pfn < frames.length; pfn++) {
            assertNotEquals(pfn, frames[pfn]);
            assertEquals(7, pool.ownerOf(frames[pfn]));
        }
        assertEquals(1020, pool.freeFrames());
    }

    @Test
    void framesAreScrubbedWhenTheyChangeHands() {
        long mfn = pool.allocate(1);
        memory.write64(mfn << 12, 0xDEADBEEFL);
        memory.write64((mfn << 12) + 4088, -1L);
        pool.free(mfn);
        assertNotEquals(mfn, pool.allocate(2), "a freed frame is not handed out before its scrub");
        pool.scrubFreedFrames();
        long again = pool.allocate(2);
        assertEquals(mfn, again);
        assertEquals(0, memory.read64(again << 12));
        assertEquals(0, memory.read64((again << 12) + 4088));
    }

    @Test
    void aFullBatchOfFreedFramesIsScrubbedAndAnEmptyStackScrubsTheRest() {
        long[] frames = pool.allocate(1, 1024);
        for (long mfn : frames) {
            memory.write64((mfn << 12) + 8 * (mfn % 512), mfn | 1L << 40);
        }
        for (int i = 0; i < FramePool.SCRUB_BATCH + 2; i++) {
            pool.free(frames[i]);
        }
        assertEquals(FramePool.SCRUB_BATCH + 2, pool.freeFrames(), "scrubbed or waiting, each freed frame is free");
        for (long mfn : pool.allocate(2, FramePool.SCRUB_BATCH)) {
            assertEquals(0, memory.read64((mfn << 12) + 8 * (mfn % 512)), "frame " + mfn + " of the full batch");
        }
        for (long mfn : pool.allocate(3, 2)) {
            assertEquals(0, memory.read64((mfn << 12) + 8 * (mfn % 512)), "frame " + mfn + " scrubbed for the allocation");
        }
        assertEquals(0, pool.freeFrames());
    }

    @Test
    void anExtentFindsFramesStillWaitingForTheScrub() {
        long[] frames = pool.allocate(1, 1024);
        memory.write64(frames[0] << 12, 1);
        for (long mfn : frames) {
            if (mfn >= 1024 - 16) {
                pool.free(mfn);
            }
        }
        long extent = pool.allocateExtent(2, 4, Long.MAX_VALUE);
        assertEquals(1024 - 16, extent);
        assertEquals(0, memory.read64(frames[0] << 12));
    }

    @Test
    void freeingEverythingOfADomainReturnsItAll() {
        pool.allocate(3, 100);
        pool.allocate(4, 10);
        assertEquals(100, pool.freeAllOwnedBy(3));
        assertEquals(0, pool.countOwnedBy(3));
        assertEquals(10, pool.countOwnedBy(4));
        assertEquals(1014, pool.freeFrames());
    }

    @Test
    void extentsAreContiguousAlignedAndBelowTheirLimit() {
        pool.allocate(9, 3);
        long extent = pool.allocateExtent(5, 4, Long.MAX_VALUE);
        assertEquals(1024 - 32, extent, "the highest aligned run that is wholly free");
        for (long mfn = extent; mfn < extent + 16; mfn++) {
            assertEquals(5, pool.ownerOf(mfn));
        }
        long low = pool.allocateExtent(5, 0, 100);
        assertEquals(99, low, "the highest frame below the limit");
        assertEquals(1024 - 3 - 16 - 1, pool.freeFrames());
        long next = pool.allocate(6);
        assertNotEquals(low, next);
        assertEquals(1020, next, "the free stack skips the frames the extents took");
        assertEquals(-1, pool.allocateExtent(5, 11, Long.MAX_VALUE), "no run of 2048 frames in 1024");
        assertEquals(-1, pool.allocateExtent(5, 0, 0), "nothing below frame 0");
    }

    @Test
    void freeingWithACallbackSeesEveryFrame() {
        pool.allocate(3, 5);
        java.util.List<Long> seen = new java.util.ArrayList<>();
        assertEquals(5, pool.freeAllOwnedBy(3, seen::add));
        assertEquals(5, seen.size());
    }

    @Test
    void exhaustionIsAllOrNothing() {
        assertThrows(FramePool.OutOfFramesException.class, () -> pool.allocate(1, 2000));
        assertEquals(1024, pool.freeFrames());
    }

    @Test
    void doubleFreeIsAHostBug() {
        long mfn = pool.allocate(1);
        pool.free(mfn);
        assertThrows(IllegalStateException.class, () -> pool.free(mfn));
    }

    @Test
    void machToPhysIsMappedReadOnlyAndStartsInvalid() {
        MachToPhys m2p = new MachToPhys(pool);
        assertEquals(MachToPhys.INVALID_M2P_ENTRY, m2p.get(5));
        m2p.set(5, 42);
        assertEquals(42, m2p.get(5));
        long l4Entry = m2p.l4Entry();
        assertEquals(0, l4Entry & 2, "read-only");
        assertEquals(5, l4Entry & 5, "present and user");
        assertEquals(FramePool.OWNER_XEN, pool.ownerOf(l4Entry >>> 12));
    }
}
