package dev.trufflexen.xen.mm;

import java.util.Arrays;

import dev.trufflexen.xen.abi.XenErrno;

/**
 * One domain's share of machine memory, as Xen's {@code struct domain} keeps it: how many frames
 * it holds ({@code tot_pages}), the most it may ever hold ({@code max_pages}), its frames' M2P
 * entries and the E820 map the toolstack set for it. memory_op's reservation sub-operations
 * change it; nothing else gives a running domain frames or takes them away.
 *
 * <p><b>The limit.</b> Every frame a domain gains through {@link #allocateExtent} is counted
 * against {@code max_pages} before it is taken from the pool, all or nothing per extent, so no
 * sequence of hypercalls can give a domain more frames than its maximum (Xen's
 * {@code assign_pages}). Frames exchanged one for one ({@link #exchange}) are not checked against
 * it, as Xen's exchange moves them with {@code MEMF_no_refcount}.
 *
 * <p><b>Giving frames back.</b> A PV guest names the frames it returns by machine frame number.
 * {@link #removePage} is Xen's {@code guest_remove_page}: a frame outside machine memory is
 * -EINVAL, one the domain does not own (or that is free) -ENXIO; otherwise its M2P entry is
 * invalidated at once and the frame goes to {@link FrameRelease}, which drops the domain's
 * allocation reference: a frame still mapped or in use as a page table stays the domain's until
 * its last reference goes. tot_pages is the frames the domain owns (the pool keeps the count),
 * so such a frame counts until it is really free, as in Xen. Frames the hypervisor shares with
 * the guest (shared_info) are never given up by a guest: as Xen's xenheap pages, they stay, and
 * do not count.
 *
 * <p>The methods that change the domain's share are synchronized: its vCPUs run on different host
 * threads. Frames a domain no longer references may go back to the pool at any time (a vCPU
 * dropping the last mapping), which only lowers tot_pages.
 */
public final class DomainMemory {
    /** Xen's CONFIG_DOMU_MAX_ORDER on x86: the largest extent order an unprivileged domain may use. */
    public static final int DOMU_MAX_ORDER = 9;
    /** Xen's MAX_ORDER on x86 (CONFIG_PAGEALLOC_MAX_ORDER). */
    public static final int MAX_ORDER = 18;
    /** libxl's LIBXL_MAXMEM_CONSTANT, added to a domain's memory for its max_pages: 1 MiB. */
    public static final long MAXMEM_SLACK_PAGES = 256;

    private final int domid;
    private final FramePool pool;
    private final MachToPhys m2p;
    private final FrameRelease release;
    private volatile long maxPages;
    private final long[] sharedFrames;
    private byte[] memoryMap = new byte[0];

    /**
     * @param maxPages the domain's limit (xl: memory plus {@link #MAXMEM_SLACK_PAGES})
     * @param sharedFrames frames of the domain the hypervisor shares with it (not counted, never given up)
     */
    public DomainMemory(int domid, FramePool pool, MachToPhys m2p, FrameRelease release, long maxPages,
            long... sharedFrames) {
        this.domid = domid;
        this.pool = pool;
        this.m2p = m2p;
        this.release = release;
        this.maxPages = maxPages;
        this.sharedFrames = sharedFrames.clone();
    }

    public int domid() {
        return domid;
    }

    /** Xen's {@code domain_tot_pages}: the frames the domain owns, shared ones aside. */
    public long totPages() {
        return pool.countOwnedBy(domid) - sharedFrames.length;
    }

    /** Xen's {@code d->max_pages}. */
    public long maxPages() {
        return maxPages;
    }

    /**
     * XEN_DOMCTL_max_mem: the toolstack sets the domain's limit. Pages it holds above the new
     * limit stay; only further allocations are refused, as in Xen.
     */
    public void setMaxPages(long pages) {
        if (pages < 0) {
            throw new IllegalArgumentException("max_pages must not be negative, not " + pages);
        }
        this.maxPages = pages;
    }

    /** Xen's {@code max_page}: one past the highest machine frame. */
    public long maxMachinePage() {
        return pool.totalFrames();
    }

    /** The M2P table's frame for its 2 MiB chunk {@code chunk} ({@link MachToPhys#chunkFrame}). */
    public long m2pChunkFrame(long chunk) {
        return m2p.chunkFrame(chunk);
    }

    /** True when {@code mfn} is a frame of machine memory (Xen's {@code mfn_valid}). */
    public boolean isMachineFrame(long mfn) {
        return mfn >= 0 && mfn < pool.totalFrames();
    }

    /**
     * alloc_domheap_pages for the domain: {@code 2^order} contiguous frames below frame
     * {@code limit}, counted against max_pages. Returns the first frame, or -1 when the domain
     * would pass its maximum or machine memory has no such run.
     */
    public synchronized long allocateExtent(int order, long limit) {
        long count = 1L << order;
        if (totPages() + count > maxPages) {
            return -1;
        }
        return pool.allocateExtent(domid, order, limit);
    }

    /** guest_physmap_add_page for a PV domain: the M2P says which pseudo-physical frames these are. */
    public void physmapAdd(long mfn, long gpfn, int order) {
        for (long i = 0; i < 1L << order; i++) {
            m2p.set(mfn + i, gpfn + i);
        }
    }

    /** guest_remove_page: 0, -EINVAL (not a machine frame) or -ENXIO (not this domain's). */
    public synchronized int removePage(long mfn) {
        if (!isMachineFrame(mfn)) {
            return -XenErrno.EINVAL;
        }
        if (isShared(mfn)) {
            return release.isInUseBy(domid, mfn) ? 0 : -XenErrno.ENXIO;
        }
        if (pool.ownerOf(mfn) != domid) {
            return -XenErrno.ENXIO;
        }
        m2p.invalidate(mfn);
        return release.giveBack(domid, mfn) ? 0 : -XenErrno.ENXIO;
    }

    /** steal_page's test for one frame: this domain's, not shared with the hypervisor, referenced only by its allocation. */
    public synchronized boolean isStealable(long mfn) {
        return isMachineFrame(mfn) && pool.ownerOf(mfn) == domid && !isShared(mfn) && release.canSteal(domid, mfn);
    }

    /**
     * memory_exchange for one chunk: takes {@code in} (every frame owned by the domain, not shared,
     * and stealable) and gives {@code outCount} extents of {@code outOrder} below {@code limit} in
     * exchange, all or nothing. Returns the new extents' first frames, or throws the errno Xen
     * fails the chunk with: -EINVAL for a frame that cannot be stolen, -ENOMEM when memory runs out.
     */
    public synchronized long[] exchange(long[] in, int outCount, int outOrder, long limit) {
        for (long mfn : in) {
            if (!isStealable(mfn)) {
                throw new ExchangeFailure(XenErrno.EINVAL);
            }
        }
        if (Arrays.stream(in).distinct().count() != in.length) {
            throw new ExchangeFailure(XenErrno.EINVAL);
        }
        long[] out = new long[outCount];
        for (int j = 0; j < outCount; j++) {
            out[j] = pool.allocateExtent(domid, outOrder, limit);
            if (out[j] < 0) {
                for (int k = 0; k < j; k++) {
                    for (long i = 0; i < 1L << outOrder; i++) {
                        release.steal(out[k] + i);
                    }
                }
                throw new ExchangeFailure(XenErrno.ENOMEM);
            }
        }
        for (long mfn : in) {
            m2p.invalidate(mfn);
            release.steal(mfn);
        }
        return out;
    }

    /** XENMEM_memory_map: the E820 entries the toolstack set (20 bytes each), or null when none was set. */
    public synchronized byte[] memoryMap() {
        return memoryMap.length == 0 ? null : memoryMap.clone();
    }

    /** XENMEM_set_memory_map: replaces the E820 map (20-byte entries). */
    public synchronized void setMemoryMap(byte[] entries) {
        memoryMap = entries.clone();
    }

    private boolean isShared(long mfn) {
        for (long shared : sharedFrames) {
            if (shared == mfn) {
                return true;
            }
        }
        return false;
    }

    /** A chunk of memory_exchange failed with a Xen errno (positive); nothing was changed. */
    public static final class ExchangeFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int errno;

        ExchangeFailure(int errno) {
            super("exchange failed: errno " + errno, null, false, false);
            this.errno = errno;
        }

        public int errno() {
            return errno;
        }
    }
}
