package dev.trufflexen.xen.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.trufflexen.xen.domain.DomainBuildException;

/** The start-of-day layout rules of xen.h. */
class BootLayoutTest {
    private static BootLayout layout(long kernelBytes, long memoryMiB) {
        byte[] code = new byte[(int) kernelBytes];
        GuestParameters p = GuestParameters.from(ElfImage.parse("k", TestElf.standard().code(code).bytes()));
        return new BootLayout(p, memoryMiB << 8, 0, "k", "r");
    }

    @Test
    void piecesFollowTheKernelInXensOrder() {
        BootLayout l = layout(3 * 4096 + 10, 32);
        assertEquals(0, l.kernelPfn);
        assertEquals(4, l.kernelPages);
        assertEquals(4, l.p2mPfn, "P2M list right after the kernel");
        assertEquals(16, l.p2mPages, "32 MiB = 8192 pages x 8 bytes = 16 pages");
        assertEquals(20, l.startInfoPfn);
        assertEquals(21, l.xenstorePfn);
        assertEquals(22, l.consolePfn);
        assertEquals(23, l.pageTablePfn);
        assertEquals(l.pageTablePfn + l.pageTableFrames(), l.stackPfn);
    }

    @Test
    void regionEndsOnA4MiBBoundaryWithSpare() {
        BootLayout l = layout(4096, 32);
        assertEquals(0, (l.virtEnd - l.virtBase) % (4 << 20));
        long spare = l.virtEnd - l.virtOf(l.stackPfn + 1);
        assertTrue(spare >= 512 * 1024, "spare " + spare);
        assertEquals(1, l.l3Count);
        assertEquals(1, l.l2Count);
        assertEquals(2, l.l1Count, "4 MiB region = two 2 MiB L1 tables");
    }

    @Test
    void kernelNearA4MiBBoundaryGrowsTheRegion() {
        BootLayout l = layout((4 << 20) - 64 * 1024, 32);
        assertTrue(l.virtEnd - l.virtBase >= (8 << 20));
        assertTrue(l.virtEnd - l.virtOf(l.stackPfn + 1) >= 512 * 1024);
    }

    @Test
    void memoryTooSmallForTheBootMapping() {
        DomainBuildException e = assertThrows(DomainBuildException.class, () -> layout(6 << 20, 4));
        assertTrue(e.getMessage().contains("raise 'memory'"), e.getMessage());
    }
}
