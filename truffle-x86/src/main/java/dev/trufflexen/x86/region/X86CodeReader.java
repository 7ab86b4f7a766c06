package dev.trufflexen.x86.region;

import java.util.ArrayList;
import java.util.List;

import dev.trufflexen.x86.decoder.X86CodeSource;
import dev.trufflexen.x86.memory.MachineMemory;
import dev.trufflexen.x86.mmu.X86Mmu;

/**
 * Instruction bytes for the region builder, fetched through the CPU's MMU with fetch
 * permissions. Remembers every page it read (linear page, machine page, byte range), which is
 * what the region's validity depends on: the code cache re-checks those translations before it
 * reuses the region, and watches those byte ranges for writes.
 */
final class X86CodeReader implements X86CodeSource {
    /** A page the region was built from. */
    record Page(long linearPage, long machinePage, int firstOffset, int lastOffset) {
    }

    private final X86Mmu mmu;
    private final MachineMemory memory;
    private final int maxPages;
    private final List<long[]> pages = new ArrayList<>(); // {linearPage, machinePage, first, last}

    X86CodeReader(X86Mmu mmu, int maxPages) {
        this.mmu = mmu;
        this.memory = mmu.memory();
        this.maxPages = maxPages;
    }

    @Override
    public long byteAt(long linearAddress) {
        long linearPage = linearAddress & X86Mmu.PAGE_MASK;
        int offset = (int) (linearAddress & 0xFFF);
        for (long[] page : pages) {
            if (page[0] == linearPage) {
                page[2] = Math.min(page[2], offset);
                page[3] = Math.max(page[3], offset);
                return memory.read8(page[1] + offset) & 0xFF;
            }
        }
        if (pages.size() >= maxPages) {
            return X86Mmu.fetchFaultCode(); // ends the block here; the dispatcher continues there
        }
        long machine = mmu.translateFetch(linearAddress);
        if (X86Mmu.isFault(machine)) {
            return machine;
        }
        pages.add(new long[] {linearPage, machine & X86Mmu.PAGE_MASK, offset, offset});
        return memory.read8(machine) & 0xFF;
    }

    List<Page> pages() {
        List<Page> result = new ArrayList<>();
        for (long[] page : pages) {
            result.add(new Page(page[0], page[1], (int) page[2], (int) page[3]));
        }
        return result;
    }
}
