package dev.trufflexen.x86.memory;

import java.lang.reflect.Field;

import sun.misc.Unsafe;

/**
 * The host's machine memory: every machine frame of every domain, off-heap, addressed by machine
 * address ({@code mfn << 12 | offset}).
 *
 * <p>Guest page tables hold machine frame numbers, so the CPU's page walk and every guest access
 * end here. Memory is reserved once, off the Java heap, and accessed with {@link Unsafe} so that
 * compiled guest code reaches it with one bounds check and one host load or store (base plus
 * machine address).
 *
 * <p><b>On demand, as the host gives it.</b> The reservation is host address space only
 * ({@link HostPages}): a frame costs host memory from the first store into it, and a frame never
 * stored to reads as zero. Reserving more machine memory than the host has is therefore free;
 * what a domain costs is what it touches. {@link #discardFrames} is the scrub: the frames go back
 * to the host and read as zero afterwards, so whoever hands out frames that were discarded (or
 * never used) need not zero them.
 *
 * <p>All public accessors check bounds and throw {@link IllegalArgumentException} for an address
 * outside machine memory: callers (page walker, hypercalls) validate guest-supplied frame numbers
 * before they get here, so reaching that exception is a host bug, never a guest action.
 */
public final class MachineMemory implements AutoCloseable {
    public static final int PAGE_SHIFT = 12;
    public static final int PAGE_SIZE = 1 << PAGE_SHIFT;

    static final Unsafe UNSAFE = loadUnsafe();

    private final long base;
    private final long size;
    private final long frameCount;
    private boolean closed;

    /** Reserves {@code frameCount} machine frames of 4 KiB. */
    public MachineMemory(long frameCount) {
        if (frameCount <= 0 || frameCount > (1L << 28)) {
            throw new IllegalArgumentException("machine memory must be 1 to 2^28 frames, not " + frameCount);
        }
        this.frameCount = frameCount;
        this.size = frameCount << PAGE_SHIFT;
        this.base = HostPages.reserve(size);
    }

    public long frameCount() {
        return frameCount;
    }

    public long size() {
        return size;
    }

    /** True when {@code [maddr, maddr + length)} lies inside machine memory. */
    public boolean contains(long maddr, long length) {
        return maddr >= 0 && length >= 0 && maddr <= size - length;
    }

    public boolean isValidFrame(long mfn) {
        return mfn >= 0 && mfn < frameCount;
    }

    /**
     * Host virtual address of a machine address, for the CPU's TLB. Only valid while this memory
     * is open; the caller has checked {@link #contains}.
     */
    public long hostAddress(long maddr) {
        return base + maddr;
    }

    public byte read8(long maddr) {
        check(maddr, 1);
        return UNSAFE.getByte(base + maddr);
    }

    public short read16(long maddr) {
        check(maddr, 2);
        return UNSAFE.getShort(base + maddr);
    }

    public int read32(long maddr) {
        check(maddr, 4);
        return UNSAFE.getInt(base + maddr);
    }

    public long read64(long maddr) {
        check(maddr, 8);
        return UNSAFE.getLong(base + maddr);
    }

    public void write8(long maddr, byte value) {
        check(maddr, 1);
        UNSAFE.putByte(base + maddr, value);
    }

    public void write16(long maddr, short value) {
        check(maddr, 2);
        UNSAFE.putShort(base + maddr, value);
    }

    public void write32(long maddr, int value) {
        check(maddr, 4);
        UNSAFE.putInt(base + maddr, value);
    }

    public void write64(long maddr, long value) {
        check(maddr, 8);
        UNSAFE.putLong(base + maddr, value);
    }

    /** Atomic compare-and-exchange of a 64-bit word (page-table updates, LOCK CMPXCHG). */
    public boolean compareAndSwap64(long maddr, long expected, long value) {
        check(maddr, 8);
        if ((maddr & 7) != 0) {
            throw new IllegalArgumentException("unaligned 64-bit compare-and-swap at " + Long.toHexString(maddr));
        }
        return UNSAFE.compareAndSwapLong(null, base + maddr, expected, value);
    }

    public void copyIn(long maddr, byte[] src, int srcOffset, int length) {
        check(maddr, length);
        UNSAFE.copyMemory(src, Unsafe.ARRAY_BYTE_BASE_OFFSET + srcOffset, null, base + maddr, length);
    }

    public void copyOut(long maddr, byte[] dst, int dstOffset, int length) {
        check(maddr, length);
        UNSAFE.copyMemory(null, base + maddr, dst, Unsafe.ARRAY_BYTE_BASE_OFFSET + dstOffset, length);
    }

    public void fill(long maddr, long length, byte value) {
        check(maddr, length);
        UNSAFE.setMemory(base + maddr, length, value);
    }

    /** Zeroes one whole frame by storing zeroes into it (it then costs host memory). */
    public void zeroFrame(long mfn) {
        fill(mfn << PAGE_SHIFT, PAGE_SIZE, (byte) 0);
    }

    /**
     * Scrubs {@code count} frames from {@code firstMfn}: they go back to the host, read as zero
     * and cost no host memory until stored to again. Where the host refuses (a host page larger
     * than a frame), they are zeroed by stores instead.
     */
    public void discardFrames(long firstMfn, long count) {
        long maddr = firstMfn << PAGE_SHIFT;
        long length = count << PAGE_SHIFT;
        check(maddr, length);
        if (!HostPages.discard(base + maddr, length)) {
            UNSAFE.setMemory(base + maddr, length, (byte) 0);
        }
    }

    /**
     * How many of {@code count} frames from {@code firstMfn} are resident now: stored to and not
     * discarded since (what they take from the host), or only read (those map the host's one
     * shared zero page and cost a page-table entry), for measurements.
     */
    public long residentFrames(long firstMfn, long count) {
        long maddr = firstMfn << PAGE_SHIFT;
        long length = count << PAGE_SHIFT;
        check(maddr, length);
        return HostPages.residentPages(base + maddr, length);
    }

    private void check(long maddr, long length) {
        if (!contains(maddr, length)) {
            throw new IllegalArgumentException("machine address 0x" + Long.toHexString(maddr) + "+" + length
                    + " outside machine memory of 0x" + Long.toHexString(size) + " bytes");
        }
    }

    /** Raw access for the CPU's TLB fast path: no bounds check, host address already validated. */
    public static Unsafe unsafe() {
        return UNSAFE;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            HostPages.release(base, size);
        }
    }

    private static Unsafe loadUnsafe() {
        try {
            Field field = Unsafe.class.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            return (Unsafe) field.get(null);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
