package dev.trufflexen.x86.mmu;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.memory.MachineMemory;
import dev.trufflexen.x86.nodes.X86FaultProfile;
import dev.trufflexen.x86.nodes.X86Likelihood;
import sun.misc.Unsafe;

/**
 * The inline fast path of guest memory accesses, as translated code uses it: one TLB tag compare
 * (which also rules out a page crossing, see {@link #lastBytePage}), then one Unsafe access at {@code addend + linearAddress}. A miss, an access crossing a page, a
 * write to a frame with translated code, or a fault goes to {@link X86Mmu}'s slow paths. Values
 * are zero-extended to {@code long}; {@code size} is 1, 2, 4 or 8 and a constant at every call
 * site, so partial evaluation keeps only one arm of each switch.
 */
public final class X86GuestMemory {
    private static final Unsafe UNSAFE = MachineMemory.unsafe();

    private X86GuestMemory() {
    }

    public static long read(X86Cpu cpu, long linearAddress, int size) {
        return read(cpu, linearAddress, size, X86FaultProfile.ALWAYS);
    }

    /** A read whose slow path has no exception edge until {@code faults} has seen an exit. */
    public static long read(X86Cpu cpu, long linearAddress, int size, X86FaultProfile faults) {
        long[] tlb = cpu.tlb();
        int entry = X86Mmu.entryOffset(linearAddress);
        if (X86Likelihood.likely(X86Mmu.tlbWord(tlb, entry + X86Mmu.READ) == lastBytePage(linearAddress, size))) {
            return load(X86Mmu.tlbWord(tlb, entry + X86Mmu.ADDEND) + linearAddress, size);
        }
        return readSlow(cpu.mmu(), linearAddress, size, faults);
    }

    /** The slow path of a read, quiet until {@code faults} has seen an exit ({@link X86FaultProfile}). */
    public static long readSlow(X86Mmu mmu, long linearAddress, int size, X86FaultProfile faults) {
        if (faults.seen()) {
            return mmu.readSlow(linearAddress, size);
        }
        long value = mmu.readSlowQuietly(linearAddress, size);
        if (X86Likelihood.unlikely(mmu.hasPendingExit())) {
            throw faults.pendingExit(mmu);
        }
        return value;
    }

    /**
     * The read of a read-modify-write: hits only in the write TLB (the page must be writable) and
     * otherwise checks write permission before reading.
     */
    public static long readForWrite(X86Cpu cpu, long linearAddress, int size) {
        return readForWrite(cpu, linearAddress, size, X86FaultProfile.ALWAYS);
    }

    /** {@link #readForWrite(X86Cpu, long, int)} with a fault profile ({@link #read(X86Cpu, long, int, X86FaultProfile)}). */
    public static long readForWrite(X86Cpu cpu, long linearAddress, int size, X86FaultProfile faults) {
        long[] tlb = cpu.tlb();
        int entry = X86Mmu.entryOffset(linearAddress);
        if (X86Likelihood.likely(X86Mmu.tlbWord(tlb, entry + X86Mmu.WRITE) == lastBytePage(linearAddress, size))) {
            return load(X86Mmu.tlbWord(tlb, entry + X86Mmu.ADDEND) + linearAddress, size);
        }
        return readForWriteSlow(cpu.mmu(), linearAddress, size, faults);
    }

    /** The slow path of a read-modify-write's read, quiet until {@code faults} has seen an exit. */
    public static long readForWriteSlow(X86Mmu mmu, long linearAddress, int size, X86FaultProfile faults) {
        if (faults.seen()) {
            return mmu.readForWriteSlow(linearAddress, size);
        }
        long value = mmu.readForWriteSlowQuietly(linearAddress, size);
        if (X86Likelihood.unlikely(mmu.hasPendingExit())) {
            throw faults.pendingExit(mmu);
        }
        return value;
    }

    /**
     * The page of the access's last byte, for the one-compare hit test (QEMU's softmmu fast path):
     * the TLB entry is chosen by the page of the first byte, and an entry only ever holds a page
     * with its own index, so a match means both ends are on that page. Pages next to each other
     * have different indices, and an empty comparator ({@link X86Mmu#EMPTY}) is not page-aligned, so an access that
     * crosses a page, wraps around, or reaches a non-canonical address never matches.
     */
    public static long lastBytePage(long linearAddress, int size) {
        return (linearAddress + size - 1) & X86Mmu.PAGE_MASK;
    }

    /** A zero-extended load at a host address the TLB vouched for. */
    public static long load(long host, int size) {
        return switch (size) {
            case 1 -> UNSAFE.getByte(host) & 0xFFL;
            case 2 -> UNSAFE.getShort(host) & 0xFFFFL;
            case 4 -> UNSAFE.getInt(host) & 0xFFFF_FFFFL;
            default -> UNSAFE.getLong(host);
        };
    }

    public static void write(X86Cpu cpu, long linearAddress, int size, long value) {
        write(cpu, linearAddress, size, value, X86FaultProfile.ALWAYS);
    }

    /** A write whose slow path has no exception edge until {@code faults} has seen an exit. */
    public static void write(X86Cpu cpu, long linearAddress, int size, long value, X86FaultProfile faults) {
        long[] tlb = cpu.tlb();
        int entry = X86Mmu.entryOffset(linearAddress);
        if (X86Likelihood.likely(X86Mmu.tlbWord(tlb, entry + X86Mmu.WRITE) == lastBytePage(linearAddress, size))) {
            store(X86Mmu.tlbWord(tlb, entry + X86Mmu.ADDEND) + linearAddress, size, value);
            return;
        }
        writeSlow(cpu.mmu(), linearAddress, size, value, faults);
    }

    /** The slow path of a write, quiet until {@code faults} has seen an exit. */
    public static void writeSlow(X86Mmu mmu, long linearAddress, int size, long value, X86FaultProfile faults) {
        if (faults.seen()) {
            mmu.writeSlow(linearAddress, size, value);
            return;
        }
        mmu.writeSlowQuietly(linearAddress, size, value);
        if (X86Likelihood.unlikely(mmu.hasPendingExit())) {
            throw faults.pendingExit(mmu);
        }
    }

    /**
     * A 16-byte write (SSE stores): one compare covers the whole operand, as for the smaller
     * sizes; a miss or a page crossing is one call to the slow path, which checks both pages
     * before writing either.
     */
    public static void write16(X86Cpu cpu, long linearAddress, long low, long high) {
        long[] tlb = cpu.tlb();
        int entry = X86Mmu.entryOffset(linearAddress);
        if (X86Likelihood.likely(X86Mmu.tlbWord(tlb, entry + X86Mmu.WRITE) == lastBytePage(linearAddress, 16))) {
            long host = X86Mmu.tlbWord(tlb, entry + X86Mmu.ADDEND) + linearAddress;
            UNSAFE.putLong(host, low);
            UNSAFE.putLong(host + 8, high);
            return;
        }
        cpu.mmu().write16Slow(linearAddress, low, high);
    }

    /** A store at a host address the TLB vouched for (writable, no translated code). */
    public static void store(long host, int size, long value) {
        switch (size) {
            case 1 -> UNSAFE.putByte(host, (byte) value);
            case 2 -> UNSAFE.putShort(host, (short) value);
            case 4 -> UNSAFE.putInt(host, (int) value);
            default -> UNSAFE.putLong(host, value);
        }
    }

    /** Atomic load at a host address from {@link X86Mmu#lockedHostAddress}. */
    public static long loadHost(long host, int size) {
        return switch (size) {
            case 1 -> UNSAFE.getByteVolatile(null, host) & 0xFFL;
            case 2 -> UNSAFE.getShortVolatile(null, host) & 0xFFFFL;
            case 4 -> UNSAFE.getIntVolatile(null, host) & 0xFFFF_FFFFL;
            default -> UNSAFE.getLongVolatile(null, host);
        };
    }

    /**
     * Atomic compare-and-swap at a host address. 8- and 16-bit operands (and operands not aligned
     * to their size) are swapped inside the aligned 64-bit word that contains them when they fit in
     * it; an operand straddling two words is swapped under the {@link X86SplitLock} (a split
     * lock, which hardware also makes slow and rare).
     */
    public static boolean casHost(long host, int size, long expected, long value) {
        if (size == 8 && (host & 7) == 0) {
            return UNSAFE.compareAndSwapLong(null, host, expected, value);
        }
        if (size == 4 && (host & 3) == 0) {
            return UNSAFE.compareAndSwapInt(null, host, (int) expected, (int) value);
        }
        long word = host & ~7L;
        int shift = (int) (host - word) * 8;
        if (shift + size * 8 > 64) {
            return X86SplitLock.compareAndSwap(host, size, expected, value);
        }
        long mask = (size == 8 ? -1L : (1L << (size * 8)) - 1) << shift;
        while (true) {
            long current = UNSAFE.getLongVolatile(null, word);
            if (((current & mask) >>> shift) != (expected & (mask >>> shift))) {
                return false;
            }
            long updated = (current & ~mask) | ((value << shift) & mask);
            if (UNSAFE.compareAndSwapLong(null, word, current, updated)) {
                return true;
            }
        }
    }

    static void storeHostBytes(long host, int size, long value) {
        for (int i = 0; i < size; i++) {
            UNSAFE.putByte(host + i, (byte) (value >>> (8 * i)));
        }
    }
}
