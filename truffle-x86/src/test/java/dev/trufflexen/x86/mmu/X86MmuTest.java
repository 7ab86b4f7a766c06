package dev.trufflexen.x86.mmu;

import static dev.trufflexen.x86.cpu.X86Reg.RAX;
import static dev.trufflexen.x86.cpu.X86Reg.RBX;
import static dev.trufflexen.x86.cpu.X86Reg.RSI;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.memory.MachineMemory;
import dev.trufflexen.x86.testing.X86PageTableBuilder;
import dev.trufflexen.x86.testing.X86TestMachine;

/** Page walk, permissions and error codes, A/D bits, TLB invalidation, host copies. */
class X86MmuTest {
    private static final long LOAD_RBX_FROM_RSI = 0; // "488b1e f4": mov rbx, [rsi]; hlt
    private static final long UNMAPPED = 0x0080_0000L;

    private static X86Fault runLoad(X86TestMachine m, long address) {
        m.code("488b1ef4");
        m.cpu.setRip(X86TestMachine.CODE + LOAD_RBX_FROM_RSI);
        m.cpu.setReg(RSI, address);
        Object exit = m.run();
        return exit instanceof X86Fault fault ? fault : null;
    }

    @Test
    void translatesThroughFourLevelsToNonIdentityFrames() {
        try (X86TestMachine m = new X86TestMachine()) {
            long machine = m.cpu.translate(X86TestMachine.DATA + 0x123, false);
            assertTrue(machine >= 300L << 12, "frames come from the builder's pool");
            assertEquals(0x123, machine & 0xFFF);
            assertEquals(-1, m.cpu.translate(UNMAPPED, false));
            assertEquals(-1, m.cpu.translate(X86TestMachine.CODE, true), "code is mapped read-only");
        }
    }

    @Test
    void notPresentPageFaultReportsAddressAndUserBit() {
        try (X86TestMachine m = new X86TestMachine()) {
            X86Fault fault = runLoad(m, UNMAPPED + 8);
            assertEquals(X86Fault.PF, fault.vector());
            assertEquals(X86Fault.PF_USER, fault.errorCode());
            assertEquals(UNMAPPED + 8, fault.faultAddress());
            assertEquals(UNMAPPED + 8, m.cpu.cr2());
            assertEquals(X86TestMachine.CODE, m.cpu.rip(), "RIP at the faulting load");
        }
    }

    @Test
    void writeToReadOnlyPageIsAProtectionFault() {
        try (X86TestMachine m = new X86TestMachine()) {
            m.code("48890500010000f4"); // mov [rip+0x100], rax: into the read-only code page
            X86Fault fault = (X86Fault) m.run();
            assertEquals(X86Fault.PF_PRESENT | X86Fault.PF_WRITE | X86Fault.PF_USER, fault.errorCode());
            assertEquals(X86TestMachine.CODE + 7 + 0x100, fault.faultAddress());
        }
    }

    @Test
    void supervisorPagesAreNotAccessibleFromRing3() {
        try (X86TestMachine m = new X86TestMachine()) {
            long page = UNMAPPED;
            m.pages.mapNew(page, X86PageTableBuilder.USER_RW & ~X86PageTable.USER);
            X86Fault fault = runLoad(m, page);
            assertEquals(X86Fault.PF_PRESENT | X86Fault.PF_USER, fault.errorCode());
        }
    }

    @Test
    void noExecutePagesFaultOnFetch() {
        try (X86TestMachine m = new X86TestMachine()) {
            long page = UNMAPPED;
            m.pages.mapNew(page, X86PageTableBuilder.USER_RW | X86PageTable.NO_EXECUTE);
            m.cpu.setRip(page);
            X86Fault fault = (X86Fault) m.run();
            assertEquals(X86Fault.PF_PRESENT | X86Fault.PF_USER | X86Fault.PF_FETCH, fault.errorCode());
            assertEquals(page, fault.faultAddress());
        }
    }

    @Test
    void reservedBitsInALargePageEntry() {
        try (X86TestMachine m = new X86TestMachine()) {
            long linear = 0x4000_0000L;
            m.pages.mapLarge(linear, 512, X86PageTableBuilder.USER_RW);
            assertNotEquals(-1, m.cpu.translate(linear + 0x1F_F000, false), "a 2 MiB page maps all of it");
            assertEquals((512L << 12) + 0x1F_F000, m.cpu.translate(linear + 0x1F_F000, false));
            long entry = m.pages.readEntry(linear, 2);
            m.pages.writeEntry(linear, 2, entry | (1L << 13));
            m.cpu.flushTlb();
            X86Fault fault = runLoad(m, linear);
            assertEquals(X86Fault.PF_PRESENT | X86Fault.PF_USER | X86Fault.PF_RESERVED, fault.errorCode());
        }
    }

    @Test
    void nonCanonicalAddressesRaiseGeneralProtection() {
        try (X86TestMachine m = new X86TestMachine()) {
            X86Fault fault = runLoad(m, 0x0000_8000_0000_0000L);
            assertEquals(X86Fault.GP, fault.vector());
            assertEquals(0, fault.errorCode());
        }
    }

    @Test
    void accessedAndDirtyBits() {
        try (X86TestMachine m = new X86TestMachine()) {
            long page = X86TestMachine.DATA + 0x3000;
            assertEquals(0, m.pages.readEntry(page, 1) & (X86PageTable.ACCESSED | X86PageTable.DIRTY));
            runLoad(m, page);
            assertEquals(X86PageTable.ACCESSED, m.pages.readEntry(page, 1) & (X86PageTable.ACCESSED | X86PageTable.DIRTY));
            assertTrue((m.pages.readEntry(page, 4) & X86PageTable.ACCESSED) != 0, "upper levels too");
            m.code("48891ef4"); // mov [rsi], rbx; hlt
            m.cpu.setRip(X86TestMachine.CODE);
            m.run();
            assertEquals(X86PageTable.ACCESSED | X86PageTable.DIRTY, m.pages.readEntry(page, 1) & (X86PageTable.ACCESSED | X86PageTable.DIRTY));
        }
    }

    @Test
    void tlbKeepsTranslationsUntilInvalidated() {
        try (X86TestMachine m = new X86TestMachine()) {
            long page = X86TestMachine.DATA;
            MachineMemory memory = m.memory;
            long oldFrame = m.cpu.translate(page, false) >>> 12;
            long newFrame = m.pages.allocateFrame();
            memory.write64(oldFrame << 12, 111);
            memory.write64(newFrame << 12, 222);
            runLoad(m, page);
            assertEquals(111, m.reg(RBX));
            m.pages.map(page, newFrame, X86PageTableBuilder.USER_RW);
            runLoad(m, page);
            assertEquals(111, m.reg(RBX), "stale until invalidated, as on hardware");
            m.cpu.invalidatePage(page);
            runLoad(m, page);
            assertEquals(222, m.reg(RBX));
            m.pages.map(page, oldFrame, X86PageTableBuilder.USER_RW);
            m.cpu.setCr3(m.cpu.cr3());
            runLoad(m, page);
            assertEquals(111, m.reg(RBX), "a CR3 load flushes");
        }
    }

    @Test
    void hostCopiesCrossPagesAndRefuseFaultingRanges() {
        try (X86TestMachine m = new X86TestMachine()) {
            byte[] data = new byte[6000];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) i;
            }
            long start = X86TestMachine.DATA + 4000;
            assertTrue(m.cpu.copyToGuest(start, data, 0, data.length));
            byte[] back = new byte[data.length];
            assertTrue(m.cpu.copyFromGuest(start, back, 0, back.length));
            assertArrayEquals(data, back);
            long lastDataPage = X86TestMachine.DATA + (X86TestMachine.DATA_PAGES - 1) * 4096L;
            assertFalse(m.cpu.copyToGuest(lastDataPage + 4000, data, 0, 200), "runs into an unmapped page");
            assertFalse(m.cpu.copyToGuest(X86TestMachine.CODE, data, 0, 1), "read-only");
            assertFalse(m.cpu.copyFromGuest(0x0000_8000_0000_0000L, back, 0, 8), "non-canonical");
            assertTrue(m.cpu.copyFromGuest(X86TestMachine.CODE, back, 0, 8));
        }
    }

    @Test
    void loadsCrossingAPageBoundary() {
        try (X86TestMachine m = new X86TestMachine()) {
            long address = X86TestMachine.DATA + 4096 - 3;
            byte[] bytes = {1, 2, 3, 4, 5, 6, 7, 8};
            assertTrue(m.cpu.copyToGuest(address, bytes, 0, 8));
            runLoad(m, address);
            assertEquals(0x0807060504030201L, m.reg(RBX));
            m.cpu.setReg(RAX, 0);
        }
    }

    /** A page whose TLB index equals {@code page}'s. */
    private static long sameIndex(long page) {
        return page + (long) X86Mmu.TLB_SIZE * 4096;
    }

    private static long readThroughTlb(X86Mmu mmu, long linear) {
        return mmu.readSlow(linear, 8);
    }

    @Test
    void anEvictedEntryIsServedFromTheVictimTlbUntilInvalidated() {
        try (X86TestMachine m = new X86TestMachine()) {
            X86Mmu mmu = m.cpu.mmu();
            long page = X86TestMachine.DATA;
            long rival = sameIndex(page);
            long rivalFrame = m.pages.mapNew(rival, X86PageTableBuilder.USER_RW);
            m.memory.write64(rivalFrame << 12, 333);
            long oldFrame = m.cpu.translate(page, false) >>> 12;
            m.memory.write64(oldFrame << 12, 111);
            long newFrame = m.pages.allocateFrame();
            m.memory.write64(newFrame << 12, 222);
            assertEquals(111, readThroughTlb(mmu, page));
            assertEquals(333, readThroughTlb(mmu, rival), "evicts the page into the victim TLB");
            assertEquals(rival, mmu.tlb[X86Mmu.entryOffset(page) + X86Mmu.READ]);
            m.pages.map(page, newFrame, X86PageTableBuilder.USER_RW);
            assertEquals(111, readThroughTlb(mmu, page), "from the victim TLB, stale as a hardware TLB entry");
            assertEquals(page, mmu.tlb[X86Mmu.entryOffset(page) + X86Mmu.READ], "swapped back in");
            assertEquals(333, readThroughTlb(mmu, rival), "and the rival swapped out, not lost");
            m.cpu.invalidatePage(page);
            assertEquals(222, readThroughTlb(mmu, page), "INVLPG reaches the victim TLB");
            m.pages.map(page, oldFrame, X86PageTableBuilder.USER_RW);
            readThroughTlb(mmu, rival);
            m.cpu.flushTlb();
            assertEquals(111, readThroughTlb(mmu, page), "a flush empties the victim TLB");
        }
    }

    @Test
    void thePageWalkCacheIsDroppedByInvlpgAndFlushes() {
        try (X86TestMachine m = new X86TestMachine()) {
            X86Mmu mmu = m.cpu.mmu();
            long page = X86TestMachine.DATA;
            long neighbour = page + 0x1000;
            m.memory.write64((m.cpu.translate(neighbour, false) & X86Mmu.PAGE_MASK), 111);
            readThroughTlb(mmu, page); // walks, and caches the L1 table of this 2 MiB

            long oldL2 = m.pages.readEntry(page, 2);
            // A second L1 table for the same 2 MiB, mapping the neighbour to another frame.
            long newL1 = m.pages.allocateFrame();
            long otherFrame = m.pages.allocateFrame();
            m.memory.write64(otherFrame << 12, 222);
            m.memory.write64((newL1 << 12) + ((neighbour >>> 12) & 511) * 8, (otherFrame << 12) | X86PageTableBuilder.USER_RW);
            m.pages.writeEntry(page, 2, (newL1 << 12) | X86PageTableBuilder.USER_RW | X86PageTable.ACCESSED);
            assertEquals(111, readThroughTlb(mmu, neighbour), "a miss reuses the cached L1 table, as a paging-structure cache does");
            m.cpu.invalidatePage(neighbour);
            assertEquals(222, readThroughTlb(mmu, neighbour), "INVLPG drops the page-walk cache");
            m.pages.writeEntry(page, 2, oldL2);
            m.cpu.setCr3(m.cpu.cr3());
            assertEquals(111, readThroughTlb(mmu, neighbour), "a CR3 load drops it too");
            assertEquals(-1, m.cpu.translate(0x0000_7000_0000_0000L, false), "a probe of an unmapped address still faults");
        }
    }

    @Test
    void aFlushEmptiesEveryFilledEntryHoweverManyWereFilled() {
        for (int pages : new int[] {3, 200}) {
            try (X86TestMachine m = new X86TestMachine()) {
                X86Mmu mmu = m.cpu.mmu();
                long base = 0x0100_0000L;
                long[] frames = new long[pages];
                for (int i = 0; i < pages; i++) {
                    frames[i] = m.pages.mapNew(base + i * 4096L, X86PageTableBuilder.USER_RW);
                    m.memory.write64(frames[i] << 12, i);
                    assertEquals(i, readThroughTlb(mmu, base + i * 4096L));
                }
                long spare = m.pages.allocateFrame();
                m.memory.write64(spare << 12, -1);
                for (int i = 0; i < pages; i++) {
                    m.pages.map(base + i * 4096L, spare, X86PageTableBuilder.USER_RW);
                }
                m.cpu.flushTlb();
                for (int i = 0; i < pages; i++) {
                    assertEquals(-1, readThroughTlb(mmu, base + i * 4096L), pages + " pages filled, page " + i);
                }
                int comparators = 0;
                for (int entry = 0; entry < mmu.tlb.length; entry += X86Mmu.ENTRY_LONGS) {
                    comparators += mmu.tlb[entry + X86Mmu.READ] != X86Mmu.EMPTY ? 1 : 0;
                }
                assertEquals(pages, comparators);
            }
        }
    }

    @Test
    void aReadRefillThroughAnotherFrameDropsTheWriteComparator() {
        try (X86TestMachine m = new X86TestMachine()) {
            X86Mmu mmu = m.cpu.mmu();
            long page = X86TestMachine.DATA;
            int entry = X86Mmu.entryOffset(page);
            mmu.writeSlow(page, 8, 5);
            assertEquals(page, mmu.tlb[entry + X86Mmu.WRITE]);
            long readOnly = m.pages.allocateFrame();
            m.pages.map(page, readOnly, X86PageTableBuilder.USER_RO);
            mmu.tlb[entry + X86Mmu.READ] = X86Mmu.EMPTY; // as if only the write comparator had survived
            assertEquals(0, readThroughTlb(mmu, page));
            assertEquals(page, mmu.tlb[entry + X86Mmu.READ]);
            assertEquals(X86Mmu.EMPTY, mmu.tlb[entry + X86Mmu.WRITE], "the old frame's write permission must not carry over");
        }
    }
}
