package dev.trufflexen.xen.mm;

import java.util.Arrays;
import java.util.function.LongConsumer;

import dev.trufflexen.x86.memory.MachineMemory;

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
 * Every frame is scrubbed (zeroed) when it changes hands, as Xen does.
 */
public final class FramePool {
    /** Owner value of a free frame. */
    public static final int OWNER_FREE = -1;
    /** Owner value of frames that belong to the hypervisor (Xen's DOMID_XEN). */
    public static final int OWNER_XEN = 0x7FF2;

    private final MachineMemory memory;
    private final LongConsumer frameChangingHands;
    private final int[] owner;
    /** Free frames as a stack; the top of the stack is handed out next. */
    private final long[] freeStack;
    private int freeCount;
    private final FrameTable frameTable;

    public FramePool(MachineMemory memory) {
        this(memory, mfn -> { });
    }

    /**
     * A pool that calls {@code frameChangingHands} before it scrubs a frame that is allocated or
     * freed, so translated code built from the frame's old contents is dropped (the CPU's code
     * cache's {@code invalidateFrame}).
     */
    public FramePool(MachineMemory memory, LongConsumer frameChangingHands) {
        this.memory = memory;
        this.frameChangingHands = frameChangingHands;
        long frames = memory.frameCount();
        this.owner = new int[Math.toIntExact(frames)];
        Arrays.fill(owner, OWNER_FREE);
        this.freeStack = new long[owner.length];
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

    public synchronized long freeFrames() {
        return freeCount;
    }

    public long totalFrames() {
        return owner.length;
    }

    /**
     * Allocates one scrubbed frame for {@code domid}.
     *
     * @throws OutOfFramesException when machine memory is exhausted
     */
    public synchronized long allocate(int domid) {
        if (freeCount == 0) {
            throw new OutOfFramesException(1, 0);
        }
        long mfn = freeStack[--freeCount];
        owner[(int) mfn] = domid;
        scrub(mfn);
        frameTable.assigned(mfn);
        return mfn;
    }

    /** Allocates {@code count} frames for {@code domid}, all or none. */
    public synchronized long[] allocate(int domid, long count) {
        if (count < 0 || count > freeCount) {
            throw new OutOfFramesException(count, freeCount);
        }
        long[] frames = new long[(int) count];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = allocate(domid);
        }
        return frames;
    }

    /** Returns a frame to the pool, scrubbed. */
    public synchronized void free(long mfn) {
        int index = Math.toIntExact(mfn);
        if (owner[index] == OWNER_FREE) {
            throw new IllegalStateException("frame 0x" + Long.toHexString(mfn) + " freed twice");
        }
        scrub(mfn);
        frameTable.cleared(mfn);
        owner[index] = OWNER_FREE;
        freeStack[freeCount++] = mfn;
    }

    /** Frees every frame owned by {@code domid}; returns how many. */
    public synchronized long freeAllOwnedBy(int domid) {
        long freed = 0;
        for (int i = 0; i < owner.length; i++) {
            if (owner[i] == domid) {
                free(i);
                freed++;
            }
        }
        return freed;
    }

    private void scrub(long mfn) {
        frameChangingHands.accept(mfn);
        memory.zeroFrame(mfn);
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

    public synchronized long countOwnedBy(int domid) {
        long count = 0;
        for (int o : owner) {
            if (o == domid) {
                count++;
            }
        }
        return count;
    }

    /** Thrown when a request for frames cannot be met. */
    public static final class OutOfFramesException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        OutOfFramesException(long wanted, long free) {
            super("out of machine memory: wanted " + wanted + " frames, " + free + " free");
        }
    }
}
