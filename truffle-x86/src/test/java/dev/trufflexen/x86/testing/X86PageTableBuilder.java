package dev.trufflexen.x86.testing;

import dev.trufflexen.x86.memory.MachineMemory;
import dev.trufflexen.x86.mmu.X86PageTable;

/**
 * Builds 4-level page tables in machine memory for tests: hands out machine frames from a bump
 * allocator (deliberately not identity-mapped to linear addresses) and maps 4 KiB or 2 MiB pages.
 * Intermediate entries are present, writable and user, so leaf flags decide permissions unless a
 * test edits an entry itself.
 */
public final class X86PageTableBuilder {
    public static final long USER_RW = X86PageTable.PRESENT | X86PageTable.WRITABLE | X86PageTable.USER;
    public static final long USER_RO = X86PageTable.PRESENT | X86PageTable.USER;

    private final MachineMemory memory;
    private long nextFrame;
    private final long l4;

    public X86PageTableBuilder(MachineMemory memory, long firstFreeFrame) {
        this.memory = memory;
        this.nextFrame = firstFreeFrame;
        this.l4 = allocateFrame() << MachineMemory.PAGE_SHIFT;
    }

    /** Machine address of the L4 table (what CR3 is loaded with). */
    public long cr3() {
        return l4;
    }

    public MachineMemory memory() {
        return memory;
    }

    /** A zeroed machine frame number. */
    public long allocateFrame() {
        long mfn = nextFrame++;
        memory.zeroFrame(mfn);
        return mfn;
    }

    /** Maps the 4 KiB page at {@code linear} to frame {@code mfn} with leaf {@code flags}. */
    public void map(long linear, long mfn, long flags) {
        long entry = entryAddress(linear, 1, true);
        memory.write64(entry, (mfn << MachineMemory.PAGE_SHIFT) | flags);
    }

    /** Maps a fresh frame at {@code linear}; returns its frame number. */
    public long mapNew(long linear, long flags) {
        long mfn = allocateFrame();
        map(linear, mfn, flags);
        return mfn;
    }

    /** Maps a 2 MiB page at {@code linear} (2 MiB aligned) to the 512 frames starting at {@code firstMfn} (512-aligned). */
    public void mapLarge(long linear, long firstMfn, long flags) {
        long entry = entryAddress(linear, 2, true);
        memory.write64(entry, (firstMfn << MachineMemory.PAGE_SHIFT) | flags | X86PageTable.LARGE);
    }

    /** The machine address of the entry for {@code linear} at {@code level} (1 = L1), creating tables on the way. */
    public long entryAddress(long linear, int level, boolean create) {
        long table = l4;
        for (int current = 4; current > level; current--) {
            long entryAddress = table + ((linear >>> (12 + 9 * (current - 1))) & 511) * 8;
            long entry = memory.read64(entryAddress);
            if ((entry & X86PageTable.PRESENT) == 0) {
                if (!create) {
                    return -1;
                }
                entry = (allocateFrame() << MachineMemory.PAGE_SHIFT) | USER_RW;
                memory.write64(entryAddress, entry);
            }
            table = entry & X86PageTable.ADDRESS_MASK;
        }
        return table + ((linear >>> (12 + 9 * (level - 1))) & 511) * 8;
    }

    public long readEntry(long linear, int level) {
        return memory.read64(entryAddress(linear, level, false));
    }

    public void writeEntry(long linear, int level, long value) {
        memory.write64(entryAddress(linear, level, false), value);
    }
}
