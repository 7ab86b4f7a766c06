package dev.trufflexen.x86.mmu;

import java.util.Arrays;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;

import dev.trufflexen.x86.cpu.X86Breakpoints;
import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.memory.MachineMemory;
import dev.trufflexen.x86.runtime.X86ExitException;

/**
 * The MMU of one vCPU: a 4-level page walk over machine memory and a software TLB in front of it.
 *
 * <h2>Design</h2>
 * <p><b>Everything is CPL 3.</b> A Xen PV kernel runs in ring 3, so every access the CPU makes is
 * a user access: each level of the walk must be present and have U/S set, writes need R/W at
 * every level (CR0.WP semantics), instruction fetches need NX clear at every level. Large pages
 * (PS in L3 or L2) are honoured; PS in L4, or address bits a large leaf must keep zero, are
 * reserved-bit violations. Table entries hold machine frame numbers (bits 12..51), which is what
 * a PV guest writes; frames outside machine memory are reported as reserved-bit faults, so a
 * hostile table never reaches a host bounds check. A successful walk sets Accessed bits, and
 * Dirty on the leaf for writes, with compare-and-swap like the hardware's locked update.
 *
 * <p><b>The TLB is three direct-mapped arrays</b> (read, write, fetch) of {@link #TLB_SIZE}
 * entries indexed by linear page number. A read/write entry holds the page-aligned linear address
 * as tag and, as value, the addend that turns a linear address into a host address (so the fast
 * path in {@link X86GuestMemory} is: index, compare tag, add, Unsafe load). Tags of empty entries
 * are -1, which no page-aligned address equals; non-canonical addresses are never installed, so
 * the fast path needs no canonical check. Entries are 4 KiB even when the walk found a large page;
 * {@link #invalidatePage} then flushes everything, which is rare and always correct.
 *
 * <p><b>Self-modifying code.</b> A write entry is never installed for a frame that holds bytes of
 * translated code ({@link X86CodeFrames#holdsCode}). Writes to such frames therefore always take
 * {@link #writeSlow}, which tells the code cache; the cache invalidates the regions whose bytes
 * the write overlaps. Before a store from translated code writes such a frame, the cache may
 * have the instruction run again ({@link X86CodeFrames#beforeGuestWrite}): code shared with
 * other domains is left before it is written. When a frame starts holding code the cache's epoch changes, and each CPU
 * flushes its write TLB before it next enters translated code ({@link #syncCodeEpoch}).
 *
 * <p><b>Faults</b> are returned from {@link #walk} as negative codes (never thrown there), and
 * thrown as {@link X86ExitException} only by the slow paths that translated code calls, which sit
 * behind {@link TruffleBoundary} with {@code transferToInterpreterOnException = false} so a guest
 * page fault does not deoptimize the caller.
 */
public final class X86Mmu {
    public static final int ACCESS_READ = 0;
    public static final int ACCESS_WRITE = 1;
    public static final int ACCESS_FETCH = 2;

    public static final int TLB_BITS = 10;
    public static final int TLB_SIZE = 1 << TLB_BITS;
    public static final int TLB_MASK = TLB_SIZE - 1;
    public static final long PAGE_MASK = ~0xFFFL;

    /** Negative walk results: the low bits are the #PF error code. */
    static final long FAULT = Long.MIN_VALUE;
    /** Walk result for a non-canonical address (#GP(0) rather than #PF). */
    static final long NON_CANONICAL = FAULT | (1L << 32);

    private final MachineMemory memory;
    private final X86CodeFrames codeFrames;
    private long cr3;
    private int codeEpoch;
    private boolean largePagesCached;
    /** Bumped whenever TLB entries are dropped; caches derived from fetch translations compare it. */
    private int translationGeneration;
    /** Advances at every full flush of any CPU's TLB (see {@link #lastFullFlush}). */
    private static final java.util.concurrent.atomic.AtomicLong FLUSH_CLOCK = new java.util.concurrent.atomic.AtomicLong();
    private volatile long lastFullFlush;

    /** Read TLB: tag = page-aligned linear address, addend: host address = addend + linear. */
    public final long[] readTags = new long[TLB_SIZE];
    public final long[] readAddends = new long[TLB_SIZE];
    /** Write TLB, same layout; never holds frames with translated code. */
    public final long[] writeTags = new long[TLB_SIZE];
    public final long[] writeAddends = new long[TLB_SIZE];
    private X86Breakpoints watched;
    private X86Breakpoints debuggerWatched;
    private int debuggerWatchHits;
    private int watchHits;
    /** Fetch TLB: tag = page-aligned linear address, value = machine address of the page. */
    private final long[] fetchTags = new long[TLB_SIZE];
    private final long[] fetchFrames = new long[TLB_SIZE];

    public X86Mmu(MachineMemory memory, X86CodeFrames codeFrames) {
        this.memory = memory;
        this.codeFrames = codeFrames;
        this.codeEpoch = codeFrames.epoch();
        flush();
    }

    public MachineMemory memory() {
        return memory;
    }

    public long cr3() {
        return cr3;
    }

    public void setCr3(long l4MachineAddress) {
        cr3 = l4MachineAddress & X86PageTable.ADDRESS_MASK;
        flush();
    }

    public void flush() {
        lastFullFlush = FLUSH_CLOCK.incrementAndGet();
        translationGeneration++;
        Arrays.fill(readTags, -1L);
        Arrays.fill(writeTags, -1L);
        Arrays.fill(fetchTags, -1L);
        largePagesCached = false;
    }

    /** The value of a clock that advances at every full TLB flush of any CPU (CR3 load or flush). */
    public static long flushClock() {
        return FLUSH_CLOCK.get();
    }

    /**
     * The {@link #flushClock} value this TLB's last full flush set: a translation dropped from the
     * page tables when the clock read {@code t} can still be in this TLB only if this value is
     * not above {@code t}.
     */
    public long lastFullFlush() {
        return lastFullFlush;
    }

    public void invalidatePage(long linearAddress) {
        if (largePagesCached) {
            flush();
            return;
        }
        translationGeneration++;
        long page = linearAddress & PAGE_MASK;
        int index = tlbIndex(linearAddress);
        if (readTags[index] == page) {
            readTags[index] = -1L;
        }
        if (writeTags[index] == page) {
            writeTags[index] = -1L;
        }
        if (fetchTags[index] == page) {
            fetchTags[index] = -1L;
        }
    }

    /**
     * Changes whenever this MMU drops TLB entries (CR3 load, flush, INVLPG): a cache of anything
     * derived from fetch translations, such as the dispatcher's jump cache, is valid only while
     * this value is the one it was filled under.
     */
    public int translationGeneration() {
        return translationGeneration;
    }

    /** The code-cache epoch this MMU's write TLB was last synchronized with. */
    public int syncedCodeEpoch() {
        return codeEpoch;
    }

    /** Flushes the write TLB if some frame started holding code since the last call. */
    public void syncCodeEpoch() {
        int epoch = codeFrames.epoch();
        if (epoch != codeEpoch) {
            codeEpoch = epoch;
            Arrays.fill(writeTags, -1L);
        }
    }

    public static int tlbIndex(long linearAddress) {
        return (int) (linearAddress >>> 12) & TLB_MASK;
    }

    /** True when a {@link #walk} result is a fault code rather than a machine address. */
    public static boolean isFault(long walkResult) {
        return walkResult < 0;
    }

    /** The guest exception a {@link #walk} fault code stands for. */
    public static X86Fault faultFor(long walkResult, long linearAddress) {
        if (walkResult == NON_CANONICAL) {
            return X86Fault.withErrorCode(X86Fault.GP, 0);
        }
        return X86Fault.pageFault(linearAddress, (int) (walkResult & 0x1F));
    }

    /** The fault code a fetch from an unmapped or out-of-range page reports. */
    public static long fetchFaultCode() {
        return FAULT | X86Fault.PF_USER | X86Fault.PF_FETCH;
    }

    /**
     * Walks the page tables for a CPL-3 access. Returns the machine address, or a negative fault
     * code ({@link #isFault}). With {@code update}, sets Accessed bits (and Dirty for writes).
     */
    public long walk(long linearAddress, int access, boolean update) {
        if (!X86PageTable.isCanonical(linearAddress)) {
            return NON_CANONICAL;
        }
        boolean write = access == ACCESS_WRITE;
        boolean fetch = access == ACCESS_FETCH;
        long error = X86Fault.PF_USER | (write ? X86Fault.PF_WRITE : 0) | (fetch ? X86Fault.PF_FETCH : 0);
        boolean user = true;
        boolean writable = true;
        boolean noExecute = false;
        long table = cr3;
        for (int level = 4; level >= 1; level--) {
            int shift = 12 + 9 * (level - 1);
            long entryAddress = table + ((linearAddress >>> shift) & 511) * 8;
            if (!memory.contains(entryAddress, 8)) {
                return FAULT | error | X86Fault.PF_PRESENT | X86Fault.PF_RESERVED;
            }
            long entry = memory.read64(entryAddress);
            if ((entry & X86PageTable.PRESENT) == 0) {
                return FAULT | error;
            }
            boolean large = (entry & X86PageTable.LARGE) != 0 && level > 1;
            if (large && (level == 4 || (entry & (level == 3 ? X86PageTable.RESERVED_1G : X86PageTable.RESERVED_2M)) != 0)) {
                return FAULT | error | X86Fault.PF_PRESENT | X86Fault.PF_RESERVED;
            }
            user &= (entry & X86PageTable.USER) != 0;
            writable &= (entry & X86PageTable.WRITABLE) != 0;
            noExecute |= (entry & X86PageTable.NO_EXECUTE) != 0;
            boolean leaf = large || level == 1;
            if (!leaf) {
                if (update) {
                    setBits(entryAddress, entry, X86PageTable.ACCESSED);
                }
                table = entry & X86PageTable.ADDRESS_MASK;
                continue;
            }
            if (!user || (write && !writable) || (fetch && noExecute)) {
                return FAULT | error | X86Fault.PF_PRESENT;
            }
            long pageMask = (1L << shift) - 1;
            long machine = (entry & X86PageTable.ADDRESS_MASK & ~pageMask) | (linearAddress & pageMask);
            if (!memory.contains(machine & PAGE_MASK, MachineMemory.PAGE_SIZE)) {
                return FAULT | error | X86Fault.PF_PRESENT | X86Fault.PF_RESERVED;
            }
            if (update) {
                setBits(entryAddress, entry, write ? X86PageTable.ACCESSED | X86PageTable.DIRTY : X86PageTable.ACCESSED);
            }
            if (large) {
                largePagesCached = true;
            }
            return machine;
        }
        throw new AssertionError("unreachable");
    }

    private void setBits(long entryAddress, long entry, long bits) {
        long current = entry;
        while ((current & bits) != bits) {
            if (memory.compareAndSwap64(entryAddress, current, current | bits)) {
                return;
            }
            current = memory.read64(entryAddress);
            if ((current & X86PageTable.PRESENT) == 0) {
                return;
            }
        }
    }

    /** Side-effect-free translation: machine address or -1. */
    public long probe(long linearAddress, int access) {
        long result = walk(linearAddress, access, false);
        return isFault(result) ? -1 : result;
    }

    /** Translates (filling the TLB) or throws the guest fault. */
    public long translate(long linearAddress, int access) {
        long machine = walk(linearAddress, access, true);
        if (isFault(machine)) {
            throw X86ExitException.fault(faultFor(machine, linearAddress));
        }
        fill(linearAddress, machine, access);
        return machine;
    }

    /** Translates an instruction fetch, returning the machine address or a fault code; fills the fetch TLB. */
    public long translateFetch(long linearAddress) {
        int index = tlbIndex(linearAddress);
        long page = linearAddress & PAGE_MASK;
        if (fetchTags[index] == page) {
            return fetchFrames[index] | (linearAddress & ~PAGE_MASK);
        }
        long machine = walk(linearAddress, ACCESS_FETCH, true);
        if (!isFault(machine)) {
            fetchTags[index] = page;
            fetchFrames[index] = machine & PAGE_MASK;
        }
        return machine;
    }

    /**
     * Watches data breakpoints (null: none). While set, the TLB stays empty, so every guest
     * access takes a slow path below and is checked against them; the hits gather until
     * {@link #takeWatchHits}.
     */
    public void watch(X86Breakpoints breakpoints) {
        watched = breakpoints;
        watchHits = 0;
        flush();
    }

    /** Watches a debugger's data watchpoints (null: none), beside the guest's own and in the same way. */
    public void watchForDebugger(X86Breakpoints breakpoints) {
        debuggerWatched = breakpoints;
        debuggerWatchHits = 0;
        flush();
    }

    /** The B bits of the debugger's watchpoints hit since the last call, cleared. */
    public int takeDebuggerWatchHits() {
        int hits = debuggerWatchHits;
        debuggerWatchHits = 0;
        return hits;
    }

    /** The DR6 B bits of the data breakpoints hit since the last call, cleared. */
    public int takeWatchHits() {
        int hits = watchHits;
        watchHits = 0;
        return hits;
    }

    private void noteAccess(long linearAddress, int size, boolean write) {
        if (watched != null) {
            watchHits |= watched.dataHits(linearAddress, size, write);
        }
        if (debuggerWatched != null) {
            debuggerWatchHits |= debuggerWatched.dataHits(linearAddress, size, write);
        }
    }

    private void fill(long linearAddress, long machine, int access) {
        if (watched != null || debuggerWatched != null) {
            return;
        }
        long page = linearAddress & PAGE_MASK;
        int index = tlbIndex(linearAddress);
        long addend = memory.hostAddress(machine & PAGE_MASK) - page;
        if (access == ACCESS_READ) {
            readTags[index] = page;
            readAddends[index] = addend;
        } else if (access == ACCESS_WRITE) {
            readTags[index] = page;
            readAddends[index] = addend;
            if (!codeFrames.holdsCode(machine >>> MachineMemory.PAGE_SHIFT)) {
                writeTags[index] = page;
                writeAddends[index] = addend;
            }
        }
    }

    private static boolean crossesPage(long linearAddress, int size) {
        return (linearAddress & 0xFFF) > 0x1000 - size;
    }

    /** Slow path of every guest read: TLB miss, page crossing or fault. Returns the zero-extended value. */
    @TruffleBoundary(transferToInterpreterOnException = false)
    public long readSlow(long linearAddress, int size) {
        noteAccess(linearAddress, size, false);
        if (!crossesPage(linearAddress, size)) {
            long machine = translate(linearAddress, ACCESS_READ);
            return readMachine(machine, size);
        }
        checkLastByteCanonical(linearAddress, size);
        long first = translate(linearAddress, ACCESS_READ);
        long secondAddress = (linearAddress | 0xFFF) + 1;
        long second = translate(secondAddress, ACCESS_READ);
        int firstBytes = (int) (secondAddress - linearAddress);
        long value = 0;
        for (int i = 0; i < size; i++) {
            long machine = i < firstBytes ? first + i : second + (i - firstBytes);
            value |= (memory.read8(machine) & 0xFFL) << (8 * i);
        }
        return value;
    }

    /**
     * Slow path of the read half of a read-modify-write: the access is checked as a write first,
     * as hardware does, so a fault reports the write bit in its error code.
     */
    @TruffleBoundary(transferToInterpreterOnException = false)
    public long readForWriteSlow(long linearAddress, int size) {
        noteAccess(linearAddress, size, true);
        if (crossesPage(linearAddress, size)) {
            checkLastByteCanonical(linearAddress, size);
        }
        translate(linearAddress, ACCESS_WRITE);
        if (crossesPage(linearAddress, size)) {
            translate((linearAddress | 0xFFF) + 1, ACCESS_WRITE);
        }
        return readSlow(linearAddress, size);
    }

    /** Slow path of every guest write: TLB miss, page crossing, code frame or fault. */
    @TruffleBoundary(transferToInterpreterOnException = false)
    public void writeSlow(long linearAddress, int size, long value) {
        noteAccess(linearAddress, size, true);
        if (!crossesPage(linearAddress, size)) {
            long machine = translate(linearAddress, ACCESS_WRITE);
            beforeCodeWrite(machine, size);
            writeMachine(machine, size, value);
            noteCodeWrite(machine, size);
            return;
        }
        checkLastByteCanonical(linearAddress, size);
        long first = translate(linearAddress, ACCESS_WRITE);
        long secondAddress = (linearAddress | 0xFFF) + 1;
        long second = translate(secondAddress, ACCESS_WRITE);
        int firstBytes = (int) (secondAddress - linearAddress);
        beforeCodeWrite(first, firstBytes);
        beforeCodeWrite(second, size - firstBytes);
        for (int i = 0; i < size; i++) {
            long machine = i < firstBytes ? first + i : second + (i - firstBytes);
            memory.write8(machine, (byte) (value >>> (8 * i)));
        }
        noteCodeWrite(first, firstBytes);
        noteCodeWrite(second, size - firstBytes);
    }

    /**
     * For LOCK-prefixed read-modify-write: the host address of a writable, aligned-enough operand,
     * or 0 when the operand crosses a page (then the caller falls back to a plain read and write).
     * Throws the guest fault when the access is not allowed.
     */
    @TruffleBoundary(transferToInterpreterOnException = false)
    public long lockedHostAddress(long linearAddress, int size) {
        noteAccess(linearAddress, size, true);
        if (crossesPage(linearAddress, size)) {
            checkLastByteCanonical(linearAddress, size);
            translate(linearAddress, ACCESS_WRITE);
            translate((linearAddress | 0xFFF) + 1, ACCESS_WRITE);
            return 0;
        }
        long machine = translate(linearAddress, ACCESS_WRITE);
        beforeCodeWrite(machine, size);
        noteCodeWrite(machine, size);
        return memory.hostAddress(machine);
    }

    /** The canonical check covers the whole operand and comes before paging (#GP(0), not #PF). */
    private static void checkLastByteCanonical(long linearAddress, int size) {
        if (X86PageTable.isCanonical(linearAddress) && !X86PageTable.isCanonical(linearAddress + size - 1)) {
            throw X86ExitException.fault(X86Fault.withErrorCode(X86Fault.GP, 0));
        }
    }

    private void beforeCodeWrite(long machine, int length) {
        if (codeFrames.holdsCode(machine >>> MachineMemory.PAGE_SHIFT)) {
            codeFrames.beforeGuestWrite(machine, length);
        }
    }

    private void noteCodeWrite(long machine, int length) {
        if (codeFrames.holdsCode(machine >>> MachineMemory.PAGE_SHIFT)) {
            codeFrames.codeWritten(machine, length);
        }
    }

    private long readMachine(long machine, int size) {
        return switch (size) {
            case 1 -> memory.read8(machine) & 0xFFL;
            case 2 -> memory.read16(machine) & 0xFFFFL;
            case 4 -> memory.read32(machine) & 0xFFFF_FFFFL;
            default -> memory.read64(machine);
        };
    }

    private void writeMachine(long machine, int size, long value) {
        switch (size) {
            case 1 -> memory.write8(machine, (byte) value);
            case 2 -> memory.write16(machine, (short) value);
            case 4 -> memory.write32(machine, (int) value);
            default -> memory.write64(machine, value);
        }
    }

    /** Host-side copy out of guest-virtual memory; false if any page would fault. */
    public boolean copyFromGuest(long linearAddress, byte[] dst, int offset, int length) {
        long hit = tlbHit(linearAddress, length, readTags, readAddends);
        if (hit >= 0) {
            memory.copyOut(hit, dst, offset, length);
            return true;
        }
        long[] machines = translateRange(linearAddress, length, ACCESS_READ);
        if (machines == null) {
            return false;
        }
        int done = 0;
        for (int i = 0; done < length; i++) {
            int chunk = chunk(linearAddress + done, length - done);
            memory.copyOut(machines[i], dst, offset + done, chunk);
            done += chunk;
        }
        return true;
    }

    /** Host-side copy into guest-virtual memory; false (nothing written) if any page would fault. */
    public boolean copyToGuest(long linearAddress, byte[] src, int offset, int length) {
        long hit = tlbHit(linearAddress, length, writeTags, writeAddends);
        if (hit >= 0) {
            memory.copyIn(hit, src, offset, length);
            return true;
        }
        long[] machines = translateRange(linearAddress, length, ACCESS_WRITE);
        if (machines == null) {
            return false;
        }
        int done = 0;
        for (int i = 0; done < length; i++) {
            int chunk = chunk(linearAddress + done, length - done);
            memory.copyIn(machines[i], src, offset + done, chunk);
            noteCodeWrite(machines[i], chunk);
            done += chunk;
        }
        return true;
    }

    /**
     * The machine address of a copy within one page that the TLB already allows, or -1: the
     * hypervisor's copies of small structures (a bounce frame, an iret context, a hypercall's
     * argument) then skip the page walk. A write entry never maps a frame holding translated
     * code, and its accessed and dirty bits were set when it was filled.
     */
    private long tlbHit(long linearAddress, int length, long[] tags, long[] addends) {
        if (length <= 0 || (linearAddress & 0xFFF) + length > 0x1000) {
            return -1;
        }
        int index = tlbIndex(linearAddress);
        if (tags[index] != (linearAddress & PAGE_MASK)) {
            return -1;
        }
        return addends[index] + linearAddress - memory.hostAddress(0);
    }

    private static int chunk(long linearAddress, int remaining) {
        return (int) Math.min(remaining, 0x1000 - (linearAddress & 0xFFF));
    }

    private long[] translateRange(long linearAddress, int length, int access) {
        if (length < 0) {
            return null;
        }
        int pages = length == 0 ? 0 : (int) ((((linearAddress + length - 1) & PAGE_MASK) - (linearAddress & PAGE_MASK)) >>> 12) + 1;
        if (pages < 0 || pages > (length >>> 12) + 2) {
            return null;
        }
        long[] machines = new long[pages];
        long address = linearAddress;
        for (int i = 0; i < pages; i++) {
            long machine = walk(address, access, true);
            if (isFault(machine)) {
                return null;
            }
            machines[i] = machine;
            address = (address & PAGE_MASK) + 0x1000;
        }
        return machines;
    }
}
