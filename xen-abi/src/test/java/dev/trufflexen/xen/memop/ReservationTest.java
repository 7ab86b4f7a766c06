package dev.trufflexen.xen.memop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.memory.MachineMemory;
import dev.trufflexen.xen.abi.MemoryOp;
import dev.trufflexen.xen.mm.DomainMemory;
import dev.trufflexen.xen.mm.FramePool;
import dev.trufflexen.xen.mm.FrameRelease;
import dev.trufflexen.xen.mm.MachToPhys;

/** The argument rules of construct_memop_from_reservation, from the host side. */
class ReservationTest {
    private final MachineMemory memory = new MachineMemory(32768);
    private final FramePool pool = new FramePool(memory);
    private final DomainMemory domain = new DomainMemory(1, pool, new MachToPhys(pool), new FrameRelease(pool.frameTable()), 10);

    @AfterEach
    void close() {
        memory.close();
    }

    @Test
    void theContinuationEncodingBoundsTheExtentCount() {
        assertEquals(0x3FF_FFFFL, Reservation.MAX_EXTENTS);
    }

    @Test
    void addressWidthsLimitAllocationsOrAreRefused() {
        assertEquals(Long.MAX_VALUE, Reservation.allocationLimit(domain, 0), "no width: anywhere");
        assertEquals(0, Reservation.allocationLimit(domain, 12 << 8), "12 bits: refused");
        assertEquals(0, Reservation.allocationLimit(domain, 1 << 8), "1 bit: refused");
        assertEquals(1 << 8, Reservation.allocationLimit(domain, 20 << 8), "20 bits: below frame 256");
        assertEquals(Long.MAX_VALUE, Reservation.allocationLimit(domain, 27 << 8), "as wide as machine memory");
        assertEquals(Long.MAX_VALUE, Reservation.allocationLimit(domain, 255 << 8));
    }

    @Test
    void ordersOfPagesRoundUp() {
        assertEquals(0, Reservation.orderOfPages(1));
        assertEquals(15, Reservation.orderOfPages(32768));
        assertEquals(16, Reservation.orderOfPages(32769));
    }

    @Test
    void anUnprivilegedDomainMayHintANodeButNotInsistOnIt() {
        assertTrue(Reservation.nodeAccepted(0));
        assertTrue(Reservation.nodeAccepted(1));
        assertFalse(Reservation.nodeAccepted(1 | MemoryOp.XENMEMF_exact_node_request));
        assertTrue(Reservation.nodeAccepted(MemoryOp.XENMEMF_exact_node_request), "no node, nothing to insist on");
        assertTrue(Reservation.nodeAccepted(1 | MemoryOp.XENMEMF_exact_node_request | MemoryOp.XENMEMF_vnode),
                "vnode without vNUMA information skips the test");
    }
}
