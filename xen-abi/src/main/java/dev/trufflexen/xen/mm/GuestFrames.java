package dev.trufflexen.xen.mm;

import dev.trufflexen.x86.memory.MachineMemory;
import dev.trufflexen.x86.runtime.X86CodeCache;

/**
 * The one path for host reads and writes of guest frames (a backend filling a ring, the
 * hypervisor writing shared_info, a toolstack writing guest memory, a domain's frames given
 * back).
 *
 * <p>The CPU translates guest code into regions and caches them by the machine frames their
 * bytes came from. A guest's own store into such a frame goes through the CPU's MMU, which tells
 * the code cache; a host write does not, so every host write here tells the code cache itself
 * ({@code codeWritten}), and a frame that changes hands drops every region built from it
 * ({@code invalidateFrame}). Nothing else in the core writes guest frames after the domain
 * builder has finished.
 *
 * <p>Accesses address one frame and an offset inside it; an access that would cross the frame or
 * a frame outside machine memory is a host bug and throws {@link IllegalArgumentException}.
 */
public final class GuestFrames {
    private static final int PAGE = MachineMemory.PAGE_SIZE;

    private final FramePool pool;
    private final MachToPhys m2p;
    private final MachineMemory memory;
    private final X86CodeCache codeCache;
    private final java.util.concurrent.atomic.AtomicLong leaked = new java.util.concurrent.atomic.AtomicLong();

    public GuestFrames(FramePool pool, MachToPhys m2p, X86CodeCache codeCache) {
        this.pool = pool;
        this.m2p = m2p;
        this.memory = pool.memory();
        this.codeCache = codeCache;
    }

    /** Reference counts and types of every frame. */
    public FrameTable frameTable() {
        return pool.frameTable();
    }

    /** The owning domain of a frame ({@link FramePool#ownerOf}). */
    public int ownerOf(long mfn) {
        return pool.ownerOf(mfn);
    }

    /** The guest frame number the M2P table gives {@code mfn} (Xen's mfn_to_gfn for a PV domain). */
    public long pfnOf(long mfn) {
        return m2p.get(mfn);
    }

    public byte read8(long mfn, int offset) {
        return memory.read8(address(mfn, offset, 1));
    }

    public int read32(long mfn, int offset) {
        return memory.read32(address(mfn, offset, 4));
    }

    public long read64(long mfn, int offset) {
        return memory.read64(address(mfn, offset, 8));
    }

    public void copyOut(long mfn, int offset, byte[] into, int intoOffset, int length) {
        memory.copyOut(address(mfn, offset, length), into, intoOffset, length);
    }

    public void write8(long mfn, int offset, byte value) {
        long at = address(mfn, offset, 1);
        memory.write8(at, value);
        noteWrite(at, 1);
    }

    public void write32(long mfn, int offset, int value) {
        long at = address(mfn, offset, 4);
        memory.write32(at, value);
        noteWrite(at, 4);
    }

    public void write64(long mfn, int offset, long value) {
        long at = address(mfn, offset, 8);
        memory.write64(at, value);
        noteWrite(at, 8);
    }

    /** Atomically sets bits in a 64-bit word (event-channel pending bits shared with the guest). */
    public boolean setBits64(long mfn, int offset, long bits) {
        long at = address(mfn, offset, 8);
        long old;
        do {
            old = memory.read64(at);
        } while (!memory.compareAndSwap64(at, old, old | bits));
        noteWrite(at, 8);
        return (old & bits) == bits;
    }

    /** Atomically clears bits in a 64-bit word; true when all of them were set before. */
    public boolean clearBits64(long mfn, int offset, long bits) {
        long at = address(mfn, offset, 8);
        long old;
        do {
            old = memory.read64(at);
        } while (!memory.compareAndSwap64(at, old, old & ~bits));
        noteWrite(at, 8);
        return (old & bits) == bits;
    }

    /** Atomically replaces a 64-bit word (a page-table entry) if it still holds {@code expected}. */
    public boolean compareAndSwap64(long mfn, int offset, long expected, long value) {
        long at = address(mfn, offset, 8);
        if (!memory.compareAndSwap64(at, expected, value)) {
            return false;
        }
        noteWrite(at, 8);
        return true;
    }

    public void copyIn(long mfn, int offset, byte[] from, int fromOffset, int length) {
        long at = address(mfn, offset, length);
        memory.copyIn(at, from, fromOffset, length);
        noteWrite(at, length);
    }

    /**
     * Gives a dead domain's frames back (those it was built with and those memory_op gave it
     * later): M2P entries invalidated, every reference its frames hold dropped
     * ({@link FrameTable#relinquish}), so each frame returns to the pool (code built from it
     * dropped) as its count reaches zero, and is scrubbed (its host memory returned) before this
     * returns. Frames still referenced afterwards are a reference-counting bug: they are counted
     * in {@link #leakedFrames} and reclaimed anyway. Returns how many there were.
     */
    public long releaseDomain(int domid, long[] p2m) {
        for (long mfn : pool.framesOwnedBy(domid)) {
            m2p.invalidate(mfn);
        }
        long held = pool.frameTable().relinquish(domid);
        if (held > 0) {
            leaked.addAndGet(held);
            pool.freeAllOwnedBy(domid);
        }
        pool.scrubFreedFrames();
        return held;
    }

    /** Frames that were still referenced when their domain was released (0 unless reference counting is broken). */
    public long leakedFrames() {
        return leaked.get();
    }

    /** Tells the code cache about a host write, if the frame holds translated code (the MMU's own test, lock-free). */
    private void noteWrite(long at, int length) {
        if (codeCache.holdsCode(at >>> MachineMemory.PAGE_SHIFT)) {
            codeCache.codeWritten(at, length);
        }
    }

    private long address(long mfn, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > PAGE || !memory.isValidFrame(mfn)) {
            throw new IllegalArgumentException(String.format("host access to frame %#x at offset %d length %d",
                    mfn, offset, length));
        }
        return (mfn << MachineMemory.PAGE_SHIFT) + offset;
    }
}
