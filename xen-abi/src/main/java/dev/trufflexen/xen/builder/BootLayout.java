package dev.trufflexen.xen.builder;

import dev.trufflexen.xen.domain.DomainBuildException;

/**
 * The virtual layout of a new 64-bit PV domain, computed the way Xen's domain builder does
 * ({@code xen.h}, "start of day memory layout"):
 *
 * <ol>
 * <li>The domain starts in one contiguous virtual region from VIRT_BASE that maps the first
 * pseudo-physical frames 1:1 ({@code va = virt_base + pfn * 4096}).
 * <li>In order, each piece 4 KiB aligned: the kernel image, the initial ramdisk (if any), the P2M
 * list (one 8-byte MFN per PFN), start_info, the xenstore page, the console page, the bootstrap
 * page tables (mapped read-only), the bootstrap stack.
 * <li>The region ends on a 4 MiB boundary with at least 512 KiB to spare after the stack.
 * </ol>
 *
 * <p>The page tables map the region itself, so their number depends on the region's end and the
 * end on their number: like Xen, grow the end until the count fits.
 */
public final class BootLayout {
    static final int PAGE_SHIFT = 12;
    static final long PAGE_SIZE = 1L << PAGE_SHIFT;
    private static final long ALIGN_4M = 4L << 20;
    private static final long SPARE_PAGES = (512 * 1024) / PAGE_SIZE;

    final long virtBase;
    final long nrPages;
    final long kernelPfn;
    final long kernelPages;
    final long ramdiskPfn;
    final long ramdiskLength;
    final long p2mPfn;
    final long p2mPages;
    final long startInfoPfn;
    final long xenstorePfn;
    final long consolePfn;
    final long pageTablePfn;
    final long l3Count;
    final long l2Count;
    final long l1Count;
    final long stackPfn;
    /** One past the last mapped virtual address: a 4 MiB boundary. */
    final long virtEnd;

    BootLayout(GuestParameters params, long nrPages, long ramdiskLength, String kernelName) {
        this.virtBase = params.virtBase();
        this.nrPages = nrPages;
        this.ramdiskLength = ramdiskLength;
        if ((params.virtKstart() & (PAGE_SIZE - 1)) != 0) {
            throw new DomainBuildException(kernelName + ": kernel start 0x" + Long.toHexString(params.virtKstart())
                    + " is not page aligned");
        }
        kernelPfn = (params.virtKstart() - virtBase) >>> PAGE_SHIFT;
        kernelPages = pages(params.virtKend() - params.virtKstart());
        long next = kernelPfn + kernelPages;
        ramdiskPfn = next;
        next += pages(ramdiskLength);
        p2mPfn = next;
        p2mPages = pages(nrPages * 8);
        next += p2mPages;
        startInfoPfn = next++;
        xenstorePfn = next++;
        consolePfn = next++;
        pageTablePfn = next;

        long allocEnd = virtBase + (next << PAGE_SHIFT);
        long extraPages = 1 + SPARE_PAGES;
        long tablePages = extraPages;
        long tryEnd;
        long[] counts;
        while (true) {
            tryEnd = roundUp(allocEnd + tablePages * PAGE_SIZE, ALIGN_4M, kernelName);
            counts = countTables(virtBase, tryEnd);
            long needed = counts[0] + counts[1] + counts[2] + 1;
            tablePages = needed + extraPages;
            if (Long.compareUnsigned(allocEnd + tablePages * PAGE_SIZE, tryEnd) <= 0) {
                break;
            }
        }
        l3Count = counts[0];
        l2Count = counts[1];
        l1Count = counts[2];
        stackPfn = pageTablePfn + pageTableFrames();
        virtEnd = tryEnd;
        long mappedPages = (virtEnd - virtBase) >>> PAGE_SHIFT;
        if (mappedPages > nrPages) {
            throw new DomainBuildException(kernelName + ": the boot mapping needs " + (mappedPages >> 8)
                    + " MiB but the domain has " + (nrPages >> 8) + " MiB of memory; raise 'memory'");
        }
    }

    /** Number of L3, L2 and L1 tables needed to map [start, end). */
    private static long[] countTables(long start, long end) {
        long last = end - 1;
        return new long[] {
            (last >>> 39) - (start >>> 39) + 1,
            (last >>> 30) - (start >>> 30) + 1,
            (last >>> 21) - (start >>> 21) + 1,
        };
    }

    private long roundUp(long value, long alignment, String kernelName) {
        long rounded = (value + alignment - 1) & -alignment;
        if (Long.compareUnsigned(rounded, virtBase) <= 0) {
            throw new DomainBuildException(kernelName + ": the boot mapping from VIRT_BASE 0x"
                    + Long.toHexString(virtBase) + " runs past the top of the address space");
        }
        return rounded;
    }

    private static long pages(long bytes) {
        return (bytes + PAGE_SIZE - 1) >>> PAGE_SHIFT;
    }

    long pageTableFrames() {
        return 1 + l3Count + l2Count + l1Count;
    }

    long virtOf(long pfn) {
        return virtBase + (pfn << PAGE_SHIFT);
    }

    long mappedPages() {
        return (virtEnd - virtBase) >>> PAGE_SHIFT;
    }

    boolean isPageTable(long pfn) {
        return pfn >= pageTablePfn && pfn < pageTablePfn + pageTableFrames();
    }
}
