package dev.trufflexen.x86.selftest;

import dev.trufflexen.x86.memory.MachineMemory;
import dev.trufflexen.x86.mmu.X86PageTable;

/**
 * Minimal 4-level page-table builder for the self-test machine: frames come from a bump
 * allocator, intermediate entries are present, writable and user, leaves carry the flags given.
 */
final class SelftestPageTables {
    static final long USER_RW = X86PageTable.PRESENT | X86PageTable.WRITABLE | X86PageTable.USER;
    static final long USER_RO = X86PageTable.PRESENT | X86PageTable.USER;

    private final MachineMemory memory;
    private long nextFrame;
    private final long l4;

    SelftestPageTables(MachineMemory memory, long firstFreeFrame) {
        this.memory = memory;
        this.nextFrame = firstFreeFrame;
        this.l4 = allocateFrame() << MachineMemory.PAGE_SHIFT;
    }

    long cr3() {
        return l4;
    }

    long allocateFrame() {
        long mfn = nextFrame++;
        memory.zeroFrame(mfn);
        return mfn;
    }

    /** Maps a fresh frame at {@code linear} with leaf {@code flags}; returns the frame number. */
    long mapNew(long linear, long flags) {
        long mfn = allocateFrame();
        long table = l4;
        for (int level = 4; level > 1; level--) {
            long entryAddress = table + ((linear >>> (12 + 9 * (level - 1))) & 511) * 8;
            long entry = memory.read64(entryAddress);
            if ((entry & X86PageTable.PRESENT) == 0) {
                entry = (allocateFrame() << MachineMemory.PAGE_SHIFT) | USER_RW;
                memory.write64(entryAddress, entry);
            }
            table = entry & X86PageTable.ADDRESS_MASK;
        }
        memory.write64(table + ((linear >>> 12) & 511) * 8, (mfn << MachineMemory.PAGE_SHIFT) | flags);
        return mfn;
    }
}
