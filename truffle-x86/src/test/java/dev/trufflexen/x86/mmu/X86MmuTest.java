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
}
