package dev.trufflexen.xen.builder;

import dev.trufflexen.xen.domain.DomainBuildException;

/**
 * The pseudo-physical and virtual layout of a new 64-bit PV domain, computed the way Xen's domain
 * builder does ({@code xen.h}, "start of day memory layout"; libxenguest's
 * {@code xc_dom_build_image} and {@code alloc_pgtables_pv}).
 *
 * <ol>
 * <li>The domain starts in one contiguous virtual region from VIRT_BASE that maps the first
 * pseudo-physical frames 1:1 ({@code va = virt_base + pfn * 4096}): the boot mapping.
 * <li>In it, in order, each piece 4 KiB aligned: the kernel image, the initial ramdisk (unless the
 * kernel's MOD_START_PFN note asks for it unmapped), the P2M list (one 8-byte MFN per PFN; unless
 * the INIT_P2M note gives it its own address), start_info, the xenstore page, the console page,
 * the bootstrap page tables (mapped read-only), the bootstrap stack.
 * <li>The boot mapping ends on a 4 MiB boundary with at least 512 KiB to spare after the stack.
 * Its page tables map the region itself, so their number depends on the region's end and the end
 * on their number: like Xen, grow the end until the count fits.
 * <li>After the boot mapping: the unmapped ramdisk (start_info gives its first frame number, with
 * SIF_MOD_START_PFN), then the INIT_P2M list followed by the L3, L2 and L1 tables that map it at
 * its own virtual address (tables shared with the boot mapping are reused, as in Xen).
 * start_info's first_p2m_pfn and nr_p2m_frames describe those frames.
 * </ol>
 */
public final class BootLayout {
    static final int PAGE_SHIFT = 12;
    static final long PAGE_SIZE = 1L << PAGE_SHIFT;
    private static final long ALIGN_4M = 4L << 20;
    private static final long SPARE_PAGES = (512 * 1024) / PAGE_SIZE;
    /** Page-table bits of a 4-level virtual address; libxenguest masks addresses to them. */
    private static final long VADDR_MASK = (1L << 48) - 1;
    /** L4 slots 256-271: Xen's own part of every 64-bit PV address space. */
    private static final long XEN_AREA_START = 0xFFFF_8000_0000_0000L;
    private static final long XEN_AREA_END = 0xFFFF_8800_0000_0000L;

    final long virtBase;
    final long nrPages;
    final long kernelPfn;
    final long kernelPages;
    final boolean ramdiskMapped;
    final long ramdiskPfn;
    final long ramdiskPages;
    final boolean p2mOutside;
    final long p2mPfn;
    final long p2mPages;
    /** Virtual address of the P2M list (start_info.mfn_list). */
    final long p2mVirt;
    /** Frames of the INIT_P2M tables, after the list: L3s, then L2s, then L1s. */
    final long p2mL3Count;
    final long p2mL2Count;
    final long p2mL1Count;
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

    /**
     * @param ramdiskBytes the ramdisk's region (0 without a ramdisk)
     * @param ramdiskName how errors name the ramdisk
     */
    BootLayout(GuestParameters params, long nrPages, long ramdiskBytes, String kernelName, String ramdiskName) {
        this.virtBase = params.virtBase();
        this.nrPages = nrPages;
        if ((params.virtKstart() & (PAGE_SIZE - 1)) != 0) {
            throw new DomainBuildException(kernelName + ": kernel start 0x" + Long.toHexString(params.virtKstart())
                    + " is not page aligned");
        }
        long p2mBase = params.p2mBase();
        p2mOutside = p2mBase != GuestParameters.UNSET;
        ramdiskPages = pages(ramdiskBytes);
        ramdiskMapped = ramdiskPages > 0 && !params.unmappedInitrd();
        p2mPages = pages(nrPages * 8);

        kernelPfn = (params.virtKstart() - virtBase) >>> PAGE_SHIFT;
        kernelPages = pages(params.virtKend() - params.virtKstart());
        long next = kernelPfn + kernelPages;
        long mappedRamdiskPfn = next;
        if (ramdiskMapped) {
            next += ramdiskPages;
        }
        long mappedP2mPfn = next;
        if (!p2mOutside) {
            next += p2mPages;
        }
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
            counts = countTables(virtBase, tryEnd - 1, null);
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
        long mappedPages = mappedPages();
        if (mappedPages > nrPages) {
            String what = ramdiskMapped ? ramdiskName + ": the boot mapping of this " + (ramdiskPages >> 8)
                    + " MiB ramdisk and kernel " + kernelName : kernelName + ": the boot mapping";
            throw new DomainBuildException(what + " needs " + (mappedPages >> 8) + " MiB but the domain has "
                    + (nrPages >> 8) + " MiB of memory; raise 'memory'");
        }

        long after = mappedPages;
        ramdiskPfn = ramdiskMapped ? mappedRamdiskPfn : after;
        if (ramdiskPages > 0 && !ramdiskMapped) {
            after += ramdiskPages;
            if (after > nrPages) {
                throw new DomainBuildException(ramdiskName + ": the ramdisk needs " + (ramdiskPages >> 8) + " MiB after the "
                        + (mappedPages >> 8) + " MiB boot mapping but the domain has " + (nrPages >> 8)
                        + " MiB of memory; raise 'memory'");
            }
        }
        if (p2mOutside) {
            p2mPfn = after;
            p2mVirt = p2mBase;
            long last = p2mBase + p2mPages * PAGE_SIZE - 1;
            checkP2mPlacement(p2mBase, last, kernelName);
            long[] p2mCounts = countTables(p2mBase, last, new long[] {virtBase, virtEnd - 1});
            p2mL3Count = p2mCounts[0];
            p2mL2Count = p2mCounts[1];
            p2mL1Count = p2mCounts[2];
            if (p2mPfn + p2mFrames() > nrPages) {
                throw new DomainBuildException(kernelName + ": the P2M list at INIT_P2M and its page tables need "
                        + p2mFrames() + " pages after the first " + p2mPfn + " but the domain has " + nrPages
                        + "; raise 'memory'");
            }
        } else {
            p2mPfn = mappedP2mPfn;
            p2mVirt = virtOf(p2mPfn);
            p2mL3Count = 0;
            p2mL2Count = 0;
            p2mL1Count = 0;
        }
    }

    private void checkP2mPlacement(long first, long last, String kernelName) {
        if (Long.compareUnsigned(last, first) < 0 || Long.compareUnsigned(last, virtBase) >= 0) {
            throw new DomainBuildException(String.format("%s: the P2M list at INIT_P2M 0x%x (%d pages) overlaps the "
                    + "boot mapping from VIRT_BASE 0x%x", kernelName, first, p2mPages, virtBase));
        }
        if (Long.compareUnsigned(first, XEN_AREA_END) < 0 && Long.compareUnsigned(last, XEN_AREA_START) >= 0) {
            throw new DomainBuildException(String.format("%s: the P2M list at INIT_P2M 0x%x lies in the address range "
                    + "Xen reserves for itself (0x%x-0x%x)", kernelName, first, XEN_AREA_START, XEN_AREA_END - 1));
        }
    }

    /**
     * Number of L3, L2 and L1 tables needed to map [first, last], not counting the tables that
     * already map {@code shared} ([first, last] of another mapping, or null).
     */
    private static long[] countTables(long first, long last, long[] shared) {
        long[] counts = new long[3];
        int[] shifts = {39, 30, 21};
        for (int level = 0; level < 3; level++) {
            int shift = shifts[level];
            long from = (first & VADDR_MASK) >>> shift;
            long to = (last & VADDR_MASK) >>> shift;
            long count = to - from + 1;
            if (shared != null) {
                long sharedFrom = (shared[0] & VADDR_MASK) >>> shift;
                long sharedTo = (shared[1] & VADDR_MASK) >>> shift;
                long overlap = Math.min(to, sharedTo) - Math.max(from, sharedFrom) + 1;
                count -= Math.max(0, overlap);
            }
            counts[level] = count;
        }
        return counts;
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

    /** Frames of the P2M segment outside the boot mapping: the list and its page tables (0 when inside). */
    long p2mFrames() {
        return p2mOutside ? p2mPages + p2mL3Count + p2mL2Count + p2mL1Count : 0;
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
