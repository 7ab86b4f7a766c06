package dev.trufflexen.xen.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.memory.MachineMemory;

class FrameReleaseTest {
    private final MachineMemory memory = new MachineMemory(256);
    private final FramePool pool = new FramePool(memory);
    private final FrameTable table = pool.frameTable();
    private final FrameRelease release = new FrameRelease(table);

    @AfterEach
    void close() {
        memory.close();
    }

    @Test
    void anUnreferencedFrameGoesBackAtOnce() {
        long mfn = pool.allocate(2);
        assertTrue(release.canSteal(2, mfn));
        assertTrue(release.giveBack(2, mfn));
        assertEquals(FramePool.OWNER_FREE, pool.ownerOf(mfn));
        assertFalse(release.giveBack(2, mfn), "a free frame is nobody's to give back");
        assertFalse(release.canSteal(2, mfn));
    }

    @Test
    void aReferencedFrameStaysUntilItsLastReferenceGoes() {
        long mfn = pool.allocate(2);
        assertTrue(table.getPage(mfn, 2));
        assertFalse(release.canSteal(2, mfn), "two references: not stealable");
        assertTrue(release.giveBack(2, mfn));
        assertEquals(2, pool.ownerOf(mfn));
        assertTrue(release.isInUseBy(2, mfn));
        table.putPage(mfn);
        assertEquals(FramePool.OWNER_FREE, pool.ownerOf(mfn));
    }

    @Test
    void onlyTheOwnerCanGiveAFrameBackOrStealIt() {
        long mfn = pool.allocate(2);
        assertFalse(release.canSteal(3, mfn));
        assertFalse(release.giveBack(3, mfn));
        assertFalse(release.isInUseBy(3, mfn));
        assertEquals(2, pool.ownerOf(mfn));
        release.steal(mfn);
        assertEquals(FramePool.OWNER_FREE, pool.ownerOf(mfn));
    }
}
