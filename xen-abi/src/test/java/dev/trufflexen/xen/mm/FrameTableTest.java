package dev.trufflexen.xen.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.memory.MachineMemory;
import dev.trufflexen.xen.abi.XenErrno;

/** The frame table's counting rules on their own: allocation reference, exclusive types, pinning. */
class FrameTableTest {
    private final MachineMemory memory = new MachineMemory(256);
    private final FramePool pool = new FramePool(memory);
    private final FrameTable table = pool.frameTable();

    @AfterEach
    void close() {
        memory.close();
    }

    @Test
    void aFrameReturnsToThePoolOnlyWhenItsLastReferenceGoes() {
        long mfn = pool.allocate(3);
        assertTrue(table.isAllocated(mfn));
        assertEquals(1, table.count(mfn));
        assertTrue(table.getPage(mfn, 3));
        assertFalse(table.getPage(mfn, 4), "another domain's frame");
        assertTrue(table.releaseAllocation(mfn));
        assertFalse(table.releaseAllocation(mfn), "released twice");
        assertEquals(3, pool.ownerOf(mfn), "still mapped: still the domain's");
        table.putPage(mfn);
        assertEquals(FramePool.OWNER_FREE, pool.ownerOf(mfn));
        assertFalse(table.getPage(mfn, 3), "a free frame");
    }

    @Test
    void typesAreExclusiveWhileCounted() {
        long mfn = pool.allocate(3);
        assertEquals(0, table.getPageType(mfn, FrameTable.TYPE_WRITABLE));
        assertEquals(-XenErrno.EINVAL, table.getPageType(mfn, FrameTable.TYPE_SEG_DESC));
        table.putPageType(mfn);
        assertEquals(0, table.getPageType(mfn, FrameTable.TYPE_SEG_DESC));
        assertEquals(0, table.getPageType(mfn, FrameTable.TYPE_SEG_DESC));
        assertEquals(2, table.typeCount(mfn));
        assertEquals(-XenErrno.EINVAL, table.getPageType(mfn, FrameTable.TYPE_WRITABLE));
        table.putPageType(mfn);
        table.putPageType(mfn);
        assertEquals(0, table.getPageType(mfn, FrameTable.TYPE_WRITABLE));
        assertEquals(FrameTable.TYPE_WRITABLE, table.type(mfn));
    }

    @Test
    void pinningTakesAndUnpinningDropsOneOfEach() {
        long mfn = pool.allocate(5);
        assertEquals(0, table.pin(mfn, 5, FrameTable.TYPE_SEG_DESC));
        assertEquals(-XenErrno.EINVAL, table.pin(mfn, 5, FrameTable.TYPE_SEG_DESC), "already pinned");
        assertEquals(2, table.count(mfn));
        assertEquals(1, table.typeCount(mfn));
        assertEquals(-XenErrno.EINVAL, table.unpin(mfn, 6), "not the owner");
        assertEquals(0, table.unpin(mfn, 5));
        assertEquals(-XenErrno.EINVAL, table.unpin(mfn, 5), "not pinned");
        assertEquals(1, table.count(mfn));
        assertEquals(0, table.typeCount(mfn));
    }
}
