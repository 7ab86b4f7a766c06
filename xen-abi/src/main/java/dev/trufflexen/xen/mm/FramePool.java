package dev.trufflexen.xen.mm;

import java.util.Arrays;
import java.util.function.LongConsumer;

import dev.trufflexen.x86.memory.MachineMemory;
import dev.trufflexen.xen.abi.DomainIds;

/**
 * The host-wide pool of machine frames, with an owner recorded for every frame.
 *
 * <p>Every frame of machine memory is either free, owned by Xen itself (the M2P table and the
 * page tables that map it), or owned by one domain. Ownership is what the PV MMU checks before
 * letting a guest map a frame, so it is recorded per frame, not per range.
 *
 * <p>Frames are handed out from the top of machine memory downwards, so a domain's
 * pseudo-physical frame 0 is the highest free machine frame: MFN never equals PFN, and a guest
 * (or a piece of our own code) that confuses the two fails in our tests instead of for a user.
 *
 * <h2>Scrubbing, as Xen scrubs</h2>
 * A frame that leaves its owner may hold that owner's secrets, so it is scrubbed before anyone
 * else can have it. As Xen does, the pool scrubs on the way back, not on the way out: a freed
 * frame goes to a short list of frames waiting for the scrub, and is not allocatable while there.
 * The scrub gives the list back to the host in runs of contiguous frames
 * ({@link MachineMemory#discardFrames}, one {@code madvise} per run) when the list is full, when
 * a domain's release ends ({@link #scrubFreedFrames}), or when an allocation finds no scrubbed
 * frame. Every frame on the free stack therefore reads as zero, having never been touched or
 * having been discarded, and allocation does not touch it: handing a domain 4 GiB costs host
 * memory only for what the builder writes and what the guest later touches.
 */
public final class FramePool {
    /** Owner value of a free frame. */
    public static final int OWNER_FREE = -1;
    /** Owner value of frames that belong to the hypervisor (Xen's DOMID_XEN). */
    public static final int OWNER_XEN = 0x7FF2;

    /**
     * Java heap the pool and its frame table keep per frame of machine memory: owner and free
     * stack (4 + 4 bytes), general and type counts (8 + 8), linear count (4), unmap stamp (8).
     */
    public static final int HEAP_BYTES_PER_FRAME = 36;

    /** Frames freed and waiting for the scrub: 2 MiB, so a scrub is a few large madvise calls. */
    static final int SCRUB_BATCH = 512;

    private final MachineMemory memory;
    private final LongConsumer frameChangingHands;
    private final int[] owner;
    /** Scrubbed free frames as a stack; the top of the stack is handed out next. */
    private final int[] freeStack;
    private int freeCount;
    /** Freed frames not yet scrubbed: free, but on no stack until {@link #scrubFreedFrames}. */
    private final int[] freedUnscrubbed = new int[SCRUB_BATCH];
    private int unscrubbedCount;
    private final FrameTable frameTable;
    /** Frames per owner (domain ids and Xen's), so a domain's share is known without a scan. */
    private final int[] ownedCount = new int[DomainIds.DOMID_MASK + 1];

    public FramePool(MachineMemory memory) {
        this(memory, mfn -> { });
    }

    /**
     * A pool that calls {@code frameChangingHands} with a frame that is allocated or freed, so
     * translated code built from the frame's old contents is dropped (the CPU's code cache's
     * {@code invalidateFrame}).
     */
    public FramePool(MachineMemory memory, LongConsumer frameChangingHands) {
        this.memory = memory;
        this.frameChangingHands = frameChangingHands;
        long frames = memory.frameCount();
        this.owner = new int[Math.toIntExact(frames)];
        Arrays.fill(owner, OWNER_FREE);
        this.freeStack = new int[owner.length];
        // Lowest frame at the bottom of the stack: allocation proceeds from the top downwards.
        for (int i = 0; i < owner.length; i++) {
            freeStack[i] = i;
        }
        this.freeCount = owner.length;
        this.frameTable = new FrameTable(this, owner.length);
    }

    /** The reference counts and types of every frame (see {@link FrameTable}). */
    public FrameTable frameTable() {
        return frameTable;
    }

    public MachineMemory memory() {
        return memory;
    }

    /** Free frames, scrubbed or waiting for the scrub. */
    public synchronized long freeFrames() {
        return freeCount + unscrubbedCount;
    }

    public long totalFrames() {
        return owner.length;
    }

    /**
     * Allocates one scrubbed (zero) frame for {@code domid}.
     *
     * @throws OutOfFramesException when machine memory is exhausted
     */
    public synchronized long allocate(int domid) {
        if (freeCount == 0) {
            scrubFreedFrames();
            if (freeCount == 0) {
                throw new OutOfFramesException(1, 0);
            }
        }
        int mfn = freeStack[--freeCount];
        take(domid, mfn);
        return mfn;
    }

    private void take(int domid, int mfn) {
        owner[mfn] = domid;
        ownedCount[domid]++;
        frameChangingHands.accept(mfn);
        frameTable.assigned(mfn);
    }

    /** Allocates {@code count} frames for {@code domid}, all or none. */
    public synchronized long[] allocate(int domid, long count) {
        if (count < 0 || count > freeFrames()) {
            throw new OutOfFramesException(count, freeFrames());
        }
        if (count > freeCount) {
            scrubFreedFrames();
        }
        long[] frames = new long[(int) count];
        for (int i = 0; i < frames.length; i++) {
            int mfn = freeStack[--freeCount];
            take(domid, mfn);
            frames[i] = mfn;
        }
        return frames;
    }

    /**
     * Allocates {@code 2^order} scrubbed, contiguous frames for {@code domid}, the first aligned to
     * their number and all below frame {@code limit} (Xen's extents with MEMF_bits); returns the
     * first frame, or -1 when no such run is free. Order 0 without a limit takes the fast path.
     */
    public synchronized long allocateExtent(int domid, int order, long limit) {
        long count = 1L << order;
        long top = Math.min(limit, owner.length);
        if (order == 0 && top == owner.length) {
            return freeFrames() == 0 ? -1 : allocate(domid);
        }
        if (count > freeFrames()) {
            return -1;
        }
        scrubFreedFrames();
        for (long base = (top >>> order) - 1 << order; base >= 0; base -= count) {
            if (runIsFree(base, count)) {
                takeRun(domid, base, count);
                return base;
            }
        }
        return -1;
    }

    private boolean runIsFree(long base, long count) {
        for (long mfn = base + count - 1; mfn >= base; mfn--) {
            if (owner[(int) mfn] != OWNER_FREE) {
                return false;
            }
        }
        return true;
    }

    /** Takes a free run out of the free stack (keeping the stack's order) and gives it to {@code domid}. */
    private void takeRun(int domid, long base, long count) {
        int kept = 0;
        for (int i = 0; i < freeCount; i++) {
            int mfn = freeStack[i];
            if (mfn < base || mfn >= base + count) {
                freeStack[kept++] = mfn;
            }
        }
        freeCount = kept;
        for (long mfn = base; mfn < base + count; mfn++) {
            take(domid, (int) mfn);
        }
    }

    /** Returns a frame to the pool; it is scrubbed before it can be allocated again. */
    public synchronized void free(long mfn) {
        int index = Math.toIntExact(mfn);
        if (owner[index] == OWNER_FREE) {
            throw new IllegalStateException("frame 0x" + Long.toHexString(mfn) + " freed twice");
        }
        frameChangingHands.accept(mfn);
        frameTable.cleared(mfn);
        ownedCount[owner[index]]--;
        owner[index] = OWNER_FREE;
        freedUnscrubbed[unscrubbedCount++] = index;
        if (unscrubbedCount == freedUnscrubbed.length) {
            scrubFreedFrames();
        }
    }

    /**
     * Scrubs every freed frame now: sorted into runs of contiguous frames, each run given back to
     * the host at once (it reads as zero afterwards), then pushed on the free stack.
     */
    public synchronized void scrubFreedFrames() {
        if (unscrubbedCount == 0) {
            return;
        }
        Arrays.sort(freedUnscrubbed, 0, unscrubbedCount);
        int runStart = 0;
        for (int i = 1; i <= unscrubbedCount; i++) {
            if (i == unscrubbedCount || freedUnscrubbed[i] != freedUnscrubbed[i - 1] + 1) {
                memory.discardFrames(freedUnscrubbed[runStart], i - runStart);
                runStart = i;
            }
        }
        System.arraycopy(freedUnscrubbed, 0, freeStack, freeCount, unscrubbedCount);
        freeCount += unscrubbedCount;
        unscrubbedCount = 0;
    }

    /** Frees every frame owned by {@code domid}; returns how many. */
    public synchronized long freeAllOwnedBy(int domid) {
        return freeAllOwnedBy(domid, mfn -> { });
    }

    /** Frees (and scrubs) every frame owned by {@code domid}, calling {@code beforeFree} with each first; returns how many. */
    public synchronized long freeAllOwnedBy(int domid, LongConsumer beforeFree) {
        long freed = 0;
        for (int i = 0; i < owner.length; i++) {
            if (owner[i] == domid) {
                beforeFree.accept(i);
                free(i);
                freed++;
            }
        }
        scrubFreedFrames();
        return freed;
    }

    /**
     * The owner of a frame, or {@link #OWNER_FREE}; -2 for a frame number outside machine memory.
     * Unsynchronized: a caller holding a reference ({@link FrameTable#getPage}, whose volatile
     * count update follows the owner's store) sees the owner that cannot change under it.
     */
    public int ownerOf(long mfn) {
        if (mfn < 0 || mfn >= owner.length) {
            return -2;
        }
        return owner[(int) mfn];
    }

    /** The frames {@code domid} owns, ascending. */
    public synchronized long[] framesOwnedBy(int domid) {
        long[] frames = new long[(int) countOwnedBy(domid)];
        int n = 0;
        for (int i = 0; i < owner.length; i++) {
            if (owner[i] == domid) {
                frames[n++] = i;
            }
        }
        return frames;
    }

    /** How many frames {@code domid} owns (kept as frames change hands, not counted by a scan). */
    public synchronized long countOwnedBy(int domid) {
        return domid >= 0 && domid < ownedCount.length ? ownedCount[domid] : 0;
    }

    /** Thrown when a request for frames cannot be met. */
    public static final class OutOfFramesException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        OutOfFramesException(long wanted, long free) {
            super("out of machine memory: wanted " + wanted + " frames, " + free + " free");
        }
    }
}
