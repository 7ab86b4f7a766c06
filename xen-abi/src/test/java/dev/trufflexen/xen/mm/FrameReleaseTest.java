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
    private final FrameRelease release = new FrameRelease(pool);

    @AfterEach
    void close() {
        memory.close();
    }

    @Test
    void anUnreferencedFrameGoesBackAtOnce() {
        long mfn = pool.allocate(2);
        release.allocated(mfn, 1);
        assertTrue(release.canSteal(2, mfn));
        assertTrue(release.release(2, mfn));
        assertEquals(FramePool.OWNER_FREE, pool.ownerOf(mfn));
        assertFalse(release.canSteal(2, mfn), "a freed frame is nobody's to steal");
    }

    @Test
    void aFrameThatMayBeReferencedStaysTheDomains() {
        long mfn = pool.allocate(2);
        assertFalse(release.canSteal(2, mfn));
        assertFalse(release.release(2, mfn));
        assertEquals(2, pool.ownerOf(mfn));
    }

    @Test
    void onlyTheOwnerCanGiveAFrameBack() {
        long mfn = pool.allocate(2);
        release.allocated(mfn, 1);
        assertFalse(release.canSteal(3, mfn));
        assertFalse(release.release(3, mfn));
        assertEquals(2, pool.ownerOf(mfn));
    }
}
