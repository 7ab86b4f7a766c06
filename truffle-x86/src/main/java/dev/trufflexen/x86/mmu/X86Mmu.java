package dev.trufflexen.x86.mmu;

import java.util.Arrays;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;

import dev.trufflexen.x86.cpu.X86Breakpoints;
import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.memory.MachineMemory;
import dev.trufflexen.x86.runtime.X86Counters;
import dev.trufflexen.x86.runtime.X86ExitException;
import sun.misc.Unsafe;

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
 * <p><b>The TLB is one direct-mapped array of interleaved entries</b> ({@link #tlb}, {@link
 * #TLB_SIZE} entries indexed by linear page number), laid out as QEMU's softmmu lays out its
 * entries: per entry a read, a write and a fetch comparator (the page-aligned linear address the
 * entry allows that access for, or {@link #EMPTY}) and one addend that turns a linear address into
 * a host address. A hit therefore touches one entry of {@link #ENTRY_LONGS} adjacent longs: index,
 * compare, add, Unsafe access ({@link X86GuestMemory}). All comparators of an entry name the same
 * page, so they share the addend; a fill for another page or another frame empties the other
 * comparators first. Non-canonical addresses are never installed, so the fast path needs no
 * canonical check. Entries are 4 KiB even when the walk found a large page; {@link
 * #invalidatePage} then flushes everything, which is rare and always correct.
 *
 * <p><b>Behind it</b>, on the slow path only: a victim TLB of {@link #VICTIMS} entries, which
 * catches the pages two hot addresses with the same index keep evicting from each other (an
 * entry a fill displaces moves there, and a hit there swaps it back), and a page-walk cache of
 * {@link #WALK_CACHE_SIZE} entries that remembers, per 2 MiB of linear space, the L1 table the
 * walk reached and the permissions of the three levels above it, so a miss on a page next to a
 * recently walked one reads one table entry instead of four. Both are TLB state: everything that
 * flushes or invalidates TLB entries empties them too (a paging-structure cache is dropped by
 * INVLPG as the hardware's is), and the walk cache only holds entries whose Accessed bits an
 * updating walk has already set.
 *
 * <p><b>Flushing costs what was filled.</b> PV guests load CR3 at every switch between kernel
 * and user mode, so a flush must not cost the whole array: the indices of the first {@link
 * #FILL_LOG_SIZE} fills since the last flush are logged, and a flush empties just those entries
 * unless more were filled.
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
    private static final Unsafe UNSAFE = MachineMemory.unsafe();
    private static final long LONG_ARRAY_BASE = UNSAFE.arrayBaseOffset(long[].class);
    public static final int ACCESS_READ = 0;
    public static final int ACCESS_WRITE = 1;
    public static final int ACCESS_FETCH = 2;

    public static final int TLB_BITS = 12;
    public static final int TLB_SIZE = 1 << TLB_BITS;
    public static final int TLB_MASK = TLB_SIZE - 1;
    public static final long PAGE_MASK = ~0xFFFL;

    /** Longs per TLB entry, and the offsets of the entry's fields. */
    public static final int ENTRY_LONGS = 4;
    public static final int READ = 0;
    public static final int WRITE = 1;
    public static final int FETCH = 2;
    public static final int ADDEND = 3;
    /** A comparator that matches no access: not page-aligned, so no page address equals it. */
    public static final long EMPTY = -1L;

    /** Entries of the victim TLB. */
    static final int VICTIMS = 8;
    /** Entries of the page-walk cache, one per 2 MiB of linear space (direct-mapped). */
    static final int WALK_CACHE_SIZE = 64;
    /** Fills since the last flush that a flush empties one by one rather than the whole array. */
    static final int FILL_LOG_SIZE = 128;

    /** Negative walk results: the low bits are the #PF error code. */
    static final long FAULT = Long.MIN_VALUE;
    /** Walk result for a non-canonical address (#GP(0) rather than #PF). */
    static final long NON_CANONICAL = FAULT | (1L << 32);
    /** Page-walk cache bits beside the L1 table's address: the upper levels' permissions. */
    private static final long WALK_USER = 1L << 0;
    private static final long WALK_WRITABLE = 1L << 1;
    private static final long WALK_NO_EXECUTE = 1L << 2;

    private final MachineMemory memory;
    private final X86CodeFrames codeFrames;
    /** The CPU's preallocated exit, filled and thrown for a page fault. */
    private final X86ExitException exit;
    private final long hostBase;
    private long cr3;
    private int codeEpoch;
    private boolean largePagesCached;
    /** Bumped whenever TLB entries are dropped; caches derived from fetch translations compare it. */
    private int translationGeneration;
    /** Advances at every full flush of any CPU's TLB (see {@link #lastFullFlush}). */
    private static final java.util.concurrent.atomic.AtomicLong FLUSH_CLOCK = new java.util.concurrent.atomic.AtomicLong();
    private volatile long lastFullFlush;

    /**
     * The TLB: {@link #TLB_SIZE} entries of {@link #ENTRY_LONGS} longs ({@link #READ}, {@link
     * #WRITE}, {@link #FETCH} comparators and the {@link #ADDEND}: host address = addend + linear).
     * A write comparator never names a frame with translated code.
     */
    public final long[] tlb = new long[TLB_SIZE * ENTRY_LONGS];
    /** The victim TLB, entries laid out as in {@link #tlb}, replaced round-robin. */
    private final long[] victims = new long[VICTIMS * ENTRY_LONGS];
    private int nextVictim;
    /** Page-walk cache: linear address >>> 21 as tag, and the L1 table's machine address with WALK_* bits. */
    private final long[] walkTags = new long[WALK_CACHE_SIZE];
    private final long[] walkTables = new long[WALK_CACHE_SIZE];
    /** Entry offsets filled since the last flush (the first {@link #FILL_LOG_SIZE}), and how many fills there were. */
    private final int[] fillLog = new int[FILL_LOG_SIZE];
    private int fills;
    private X86Breakpoints watched;
    private X86Breakpoints debuggerWatched;
    private int debuggerWatchHits;
    private Runnable debuggerWatchHitAhead;
    private boolean preciseWatch;
    private int watchHits;

    public X86Mmu(MachineMemory memory, X86CodeFrames codeFrames, X86ExitException exit) {
        this.memory = memory;
        this.codeFrames = codeFrames;
        this.exit = exit;
        this.codeEpoch = codeFrames.epoch();
        this.hostBase = memory.hostAddress(0);
        Arrays.fill(tlb, EMPTY);
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
        if (fills <= FILL_LOG_SIZE) {
            for (int i = 0; i < fills; i++) {
                clearEntry(tlb, fillLog[i]);
            }
        } else {
            Arrays.fill(tlb, EMPTY);
        }
        fills = 0;
        Arrays.fill(victims, EMPTY);
        Arrays.fill(walkTags, EMPTY);
        largePagesCached = false;
    }

    private static void clearEntry(long[] entries, int entry) {
        entries[entry + READ] = EMPTY;
        entries[entry + WRITE] = EMPTY;
        entries[entry + FETCH] = EMPTY;
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
        int entry = entryOffset(linearAddress);
        if (holdsPage(tlb, entry, page)) {
            clearEntry(tlb, entry);
        }
        for (int victim = 0; victim < victims.length; victim += ENTRY_LONGS) {
            if (holdsPage(victims, victim, page)) {
                clearEntry(victims, victim);
            }
        }
        Arrays.fill(walkTags, EMPTY);
    }

    /** True when some comparator of the entry at {@code entry} names {@code page}. */
    private static boolean holdsPage(long[] entries, int entry, long page) {
        return entries[entry + READ] == page || entries[entry + WRITE] == page || entries[entry + FETCH] == page;
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
            for (int entry = 0; entry < tlb.length; entry += ENTRY_LONGS) {
                tlb[entry + WRITE] = EMPTY;
            }
            for (int victim = 0; victim < victims.length; victim += ENTRY_LONGS) {
                victims[victim + WRITE] = EMPTY;
            }
        }
    }

    /** The TLB index of a linear address's page. */
    public static int tlbIndex(long linearAddress) {
        return (int) (linearAddress >>> 12) & TLB_MASK;
    }

    /** The offset in {@link #tlb} of the entry for a linear address's page. */
    public static int entryOffset(long linearAddress) {
        return tlbIndex(linearAddress) * ENTRY_LONGS;
    }

    /**
     * Long {@code index} of a TLB, for translated code's inline probes, whose indexes are an
     * {@link #entryOffset} plus a field ({@link #READ}, {@link #WRITE}, {@link #ADDEND}) and so
     * always in range: read without the array's bounds check, which cost a load of the length
     * and two compares per guest memory access.
     */
    public static long tlbWord(long[] tlb, int index) {
        assert index >= 0 && index < tlb.length;
        return UNSAFE.getLong(tlb, LONG_ARRAY_BASE + ((long) index << 3));
    }

    /**
     * Calls {@code visitor} with every page the TLB and its victim TLB allow reads or writes of:
     * for audits of what a guest could reach without a walk.
     */
    public void forEachTranslation(TranslationVisitor visitor) {
        visitEntries(tlb, visitor);
        visitEntries(victims, visitor);
    }

    private void visitEntries(long[] entries, TranslationVisitor visitor) {
        for (int entry = 0; entry < entries.length; entry += ENTRY_LONGS) {
            long page = entries[entry + READ] != EMPTY ? entries[entry + READ] : entries[entry + WRITE];
            if (page != EMPTY) {
                long machine = entries[entry + ADDEND] + page - hostBase;
                visitor.visit(page, machine, entries[entry + WRITE] == page);
            }
        }
    }

    /** Receives one readable or writable TLB translation. */
    @FunctionalInterface
    public interface TranslationVisitor {
        void visit(long linearPage, long machineAddress, boolean writable);
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
        int startLevel = 4;
        int walkSlot = (int) (linearAddress >>> 21) & (WALK_CACHE_SIZE - 1);
        long walkTag = linearAddress >>> 21;
        if (update && walkTags[walkSlot] == walkTag) {
            long cached = walkTables[walkSlot];
            table = cached & X86PageTable.ADDRESS_MASK;
            user = (cached & WALK_USER) != 0;
            writable = (cached & WALK_WRITABLE) != 0;
            noExecute = (cached & WALK_NO_EXECUTE) != 0;
            startLevel = 1;
            count(X86Counters.Event.WALK_CACHE_HITS);
        }
        for (int level = startLevel; level >= 1; level--) {
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
                if (update && level == 2) {
                    walkTags[walkSlot] = walkTag;
                    walkTables[walkSlot] = table | (user ? WALK_USER : 0) | (writable ? WALK_WRITABLE : 0) | (noExecute ? WALK_NO_EXECUTE : 0);
                }
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

    /**
     * Translates (from the TLB or its victim TLB, else by a walk that fills the TLB) or throws the
     * guest fault.
     */
    public long translate(long linearAddress, int access) {
        int entry = entryOffset(linearAddress);
        if (tlb[entry + comparator(access)] == (linearAddress & PAGE_MASK)) {
            return tlb[entry + ADDEND] + linearAddress - hostBase;
        }
        long victim = fromVictim(linearAddress, access);
        if (victim >= 0) {
            return victim;
        }
        count(X86Counters.Event.PAGE_WALKS);
        long machine = walk(linearAddress, access, true);
        if (isFault(machine)) {
            throw machine == NON_CANONICAL ? X86ExitException.generalProtection() : exit.pageFault(linearAddress, (int) (machine & 0x1F));
        }
        fill(linearAddress, machine, access);
        return machine;
    }

    /** Translates an instruction fetch, returning the machine address or a fault code; fills the fetch comparator. */
    public long translateFetch(long linearAddress) {
        int entry = entryOffset(linearAddress);
        if (tlb[entry + FETCH] == (linearAddress & PAGE_MASK)) {
            return tlb[entry + ADDEND] + linearAddress - hostBase;
        }
        long victim = fromVictim(linearAddress, ACCESS_FETCH);
        if (victim >= 0) {
            return victim;
        }
        count(X86Counters.Event.PAGE_WALKS);
        long machine = walk(linearAddress, ACCESS_FETCH, true);
        if (!isFault(machine)) {
            install(linearAddress, machine, FETCH, false);
        }
        return machine;
    }

    /**
     * The machine address of an access the victim TLB allows, after swapping that entry back into
     * the TLB; -1 when it holds none.
     */
    private long fromVictim(long linearAddress, int access) {
        long page = linearAddress & PAGE_MASK;
        int comparator = comparator(access);
        for (int victim = 0; victim < victims.length; victim += ENTRY_LONGS) {
            if (victims[victim + comparator] == page) {
                int entry = entryOffset(linearAddress);
                for (int field = 0; field < ENTRY_LONGS; field++) {
                    long displaced = tlb[entry + field];
                    tlb[entry + field] = victims[victim + field];
                    victims[victim + field] = displaced;
                }
                logFill(entry);
                count(X86Counters.Event.VICTIM_TLB_HITS);
                return tlb[entry + ADDEND] + linearAddress - hostBase;
            }
        }
        return -1;
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

    /**
     * Watches a debugger's data watchpoints (null: none), page by page: the TLB never holds a read
     * or write entry for a page a watchpoint touches, so accesses to those pages take a slow path
     * below while every other page keeps its TLB entries and translated code its fast path. An
     * access that hits a watchpoint outside {@link #setPreciseWatch precise} mode is not made: it
     * calls {@code hitAhead} and leaves the region with {@link X86ExitException#retry()}, before
     * anything of the instruction is written (as a page fault would), so that the CPU runs that
     * instruction again alone, in precise mode, and stops after it.
     */
    public void watchForDebugger(X86Breakpoints breakpoints, Runnable hitAhead) {
        debuggerWatched = breakpoints;
        debuggerWatchHitAhead = hitAhead;
        debuggerWatchHits = 0;
        flush();
    }

    /**
     * With {@code on}, debugger watchpoint hits are recorded for {@link #takeDebuggerWatchHits}
     * and the access made: the CPU runs one instruction alone and looks at them after it.
     */
    public void setPreciseWatch(boolean on) {
        preciseWatch = on;
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
            int hits = debuggerWatched.dataHits(linearAddress, size, write);
            if (hits != 0 && !preciseWatch) {
                debuggerWatchHitAhead.run();
                throw X86ExitException.retry();
            }
            debuggerWatchHits |= hits;
        }
    }

    private void fill(long linearAddress, long machine, int access) {
        if (watched != null || debuggerWatched != null && debuggerWatched.touchesPage(linearAddress & PAGE_MASK)) {
            return;
        }
        if (access == ACCESS_READ) {
            install(linearAddress, machine, READ, false);
        } else if (access == ACCESS_WRITE) {
            install(linearAddress, machine, READ, !codeFrames.holdsCode(machine >>> MachineMemory.PAGE_SHIFT));
        }
    }

    /**
     * Sets the {@code comparator} of the entry for {@code linearAddress} (and its write comparator
     * when {@code writable}). The entry's other comparators stay only if they name the same page
     * through the same frame; an entry holding another page moves to the victim TLB.
     */
    private void install(long linearAddress, long machine, int comparator, boolean writable) {
        long page = linearAddress & PAGE_MASK;
        int entry = entryOffset(linearAddress);
        long addend = memory.hostAddress(machine & PAGE_MASK) - page;
        boolean samePage = holdsPage(tlb, entry, page);
        if (!samePage || tlb[entry + ADDEND] != addend) {
            if (!samePage && (tlb[entry + READ] != EMPTY || tlb[entry + WRITE] != EMPTY || tlb[entry + FETCH] != EMPTY)) {
                System.arraycopy(tlb, entry, victims, nextVictim, ENTRY_LONGS);
                nextVictim = (nextVictim + ENTRY_LONGS) % victims.length;
            }
            clearEntry(tlb, entry);
            tlb[entry + ADDEND] = addend;
        }
        tlb[entry + comparator] = page;
        if (writable) {
            tlb[entry + WRITE] = page;
        }
        logFill(entry);
    }

    /** The entry field that allows {@code access} ({@link #ACCESS_READ}, {@link #ACCESS_WRITE}, {@link #ACCESS_FETCH}). */
    private static int comparator(int access) {
        return access == ACCESS_READ ? READ : access == ACCESS_WRITE ? WRITE : FETCH;
    }

    private static void count(X86Counters.Event event) {
        if (X86Counters.ENABLED) {
            X86Counters.add(event, 1);
        }
    }

    private void logFill(int entry) {
        if (fills < FILL_LOG_SIZE) {
            fillLog[fills] = entry;
        }
        fills++;
    }

    private static boolean crossesPage(long linearAddress, int size) {
        return (linearAddress & 0xFFF) > 0x1000 - size;
    }

    /**
     * The exit (a fault, or a write to code that must leave the region) that a quiet slow path
     * caught, for its caller to throw; null otherwise. Only the vCPU's own thread touches it.
     */
    private X86ExitException pendingExit;

    /** Whether the last quiet slow path left an exit pending ({@link #takePendingExit}). */
    public boolean hasPendingExit() {
        return pendingExit != null;
    }

    /** The pending exit, cleared. */
    public X86ExitException takePendingExit() {
        X86ExitException exit = pendingExit;
        pendingExit = null;
        return exit;
    }

    /**
     * {@link #readSlow} for a site that has never faulted ({@code dev.trufflexen.x86.nodes.X86FaultProfile}):
     * an exit is left pending instead of thrown (the value is then 0), so the compiled call has
     * no exception edge. Any other exception deoptimizes the caller.
     */
    @TruffleBoundary(transferToInterpreterOnException = true)
    public long readSlowQuietly(long linearAddress, int size) {
        try {
            return readSlow(linearAddress, size);
        } catch (X86ExitException exit) {
            pendingExit = exit;
            return 0;
        }
    }

    /** {@link #readForWriteSlow}, quietly (see {@link #readSlowQuietly}). */
    @TruffleBoundary(transferToInterpreterOnException = true)
    public long readForWriteSlowQuietly(long linearAddress, int size) {
        try {
            return readForWriteSlow(linearAddress, size);
        } catch (X86ExitException exit) {
            pendingExit = exit;
            return 0;
        }
    }

    /** {@link #writeSlow}, quietly (see {@link #readSlowQuietly}). */
    @TruffleBoundary(transferToInterpreterOnException = true)
    public void writeSlowQuietly(long linearAddress, int size, long value) {
        try {
            writeSlow(linearAddress, size, value);
        } catch (X86ExitException exit) {
            pendingExit = exit;
        }
    }

    /**
     * The TLB entry a frame cache takes after a miss ({@link #readFilling} and its siblings): the
     * page just accessed and its addend, or {@link #EMPTY} when the TLB does not hold the page for
     * that kind of access (a page crossing, a write to a frame with translated code). Only the
     * vCPU's own thread touches it.
     */
    private long filledPage = EMPTY;
    private long filledAddend;
    /** Calls of the frame-cache miss paths so far ({@link #readFilling} and its siblings). */
    private long fillingCalls;

    /** The page of the last frame-cache miss's TLB entry ({@link #readFilling}), or {@link #EMPTY}. */
    public long filledPage() {
        return filledPage;
    }

    /** The addend of the last frame-cache miss's TLB entry ({@link #readFilling}). */
    public long filledAddend() {
        return filledAddend;
    }

    /** How often a frame-cached site's miss called out of line ({@link #readFilling} and its siblings), for tests. */
    public long fillingCalls() {
        return fillingCalls;
    }

    /**
     * The whole miss path of a frame-cached read site, as one call: the TLB (then the slow path)
     * serves the read and the entry it used is left in {@link #filledPage}/{@link #filledAddend}
     * for the site's cache. Nothing of the TLB lookup (index, tag, canonical form) is computed in
     * compiled code, so no value only a miss needs is kept live, or spilled, on the loop's path. A
     * stack-segment site ({@code stackSegment}: RSP/RBP-based) checks for #SS(0) here first, as
     * the processor does before paging.
     */
    @TruffleBoundary(transferToInterpreterOnException = false)
    public long readFilling(long linearAddress, int size, boolean stackSegment) {
        return loadFilling(linearAddress, size, stackSegment, READ);
    }

    /** {@link #readFilling}, quietly (see {@link #readSlowQuietly}). */
    @TruffleBoundary(transferToInterpreterOnException = true)
    public long readFillingQuietly(long linearAddress, int size, boolean stackSegment) {
        return loadFillingQuietly(linearAddress, size, stackSegment, READ);
    }

    /** {@link #readFilling} for the read of a read-modify-write: hits only in the write TLB. */
    @TruffleBoundary(transferToInterpreterOnException = false)
    public long readForWriteFilling(long linearAddress, int size, boolean stackSegment) {
        return loadFilling(linearAddress, size, stackSegment, WRITE);
    }

    /** {@link #readForWriteFilling}, quietly (see {@link #readSlowQuietly}). */
    @TruffleBoundary(transferToInterpreterOnException = true)
    public long readForWriteFillingQuietly(long linearAddress, int size, boolean stackSegment) {
        return loadFillingQuietly(linearAddress, size, stackSegment, WRITE);
    }

    /**
     * The load of {@link #readFilling} ({@code kind} {@link #READ}) and of
     * {@link #readForWriteFilling} ({@link #WRITE}: it hits only in the write TLB, and its slow
     * path checks writability).
     */
    private long loadFilling(long linearAddress, int size, boolean stackSegment, int kind) {
        checkStackSegment(linearAddress, size, stackSegment);
        int entry = entryOffset(linearAddress);
        long value;
        if (tlb[entry + kind] == X86GuestMemory.lastBytePage(linearAddress, size)) {
            value = X86GuestMemory.load(tlb[entry + ADDEND] + linearAddress, size);
        } else {
            value = kind == READ ? readSlow(linearAddress, size) : readForWriteSlow(linearAddress, size);
        }
        fill(kind, linearAddress);
        return value;
    }

    /** {@link #loadFilling}, its exit kept for the caller to throw (see {@link #readSlowQuietly}). */
    private long loadFillingQuietly(long linearAddress, int size, boolean stackSegment, int kind) {
        try {
            return loadFilling(linearAddress, size, stackSegment, kind);
        } catch (X86ExitException exit) {
            pendingExit = exit;
            filledPage = EMPTY;
            return 0;
        }
    }

    /** {@link #readFilling} for a write site. */
    @TruffleBoundary(transferToInterpreterOnException = false)
    public void writeFilling(long linearAddress, int size, long value, boolean stackSegment) {
        checkStackSegment(linearAddress, size, stackSegment);
        int entry = entryOffset(linearAddress);
        if (tlb[entry + WRITE] == X86GuestMemory.lastBytePage(linearAddress, size)) {
            X86GuestMemory.store(tlb[entry + ADDEND] + linearAddress, size, value);
        } else {
            writeSlow(linearAddress, size, value);
        }
        fill(WRITE, linearAddress);
    }

    /** {@link #writeFilling}, quietly (see {@link #readSlowQuietly}). */
    @TruffleBoundary(transferToInterpreterOnException = true)
    public void writeFillingQuietly(long linearAddress, int size, long value, boolean stackSegment) {
        try {
            writeFilling(linearAddress, size, value, stackSegment);
        } catch (X86ExitException exit) {
            pendingExit = exit;
            filledPage = EMPTY;
        }
    }

    private static void checkStackSegment(long linearAddress, int size, boolean stackSegment) {
        if (stackSegment && (!X86PageTable.isCanonical(linearAddress) || !X86PageTable.isCanonical(linearAddress + size - 1))) {
            throw X86ExitException.stackFault();
        }
    }

    private void fill(int comparator, long linearAddress) {
        fillingCalls++;
        long page = linearAddress & PAGE_MASK;
        int entry = entryOffset(linearAddress);
        if (tlb[entry + comparator] == page) {
            filledPage = page;
            filledAddend = tlb[entry + ADDEND];
        } else {
            filledPage = EMPTY;
        }
    }

    /** Slow path of every guest read: TLB miss, page crossing or fault. Returns the zero-extended value. */
    @TruffleBoundary(transferToInterpreterOnException = false)
    public long readSlow(long linearAddress, int size) {
        count(X86Counters.Event.TLB_MISSES);
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
        count(X86Counters.Event.TLB_MISSES);
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
     * Slow path of a 16-byte write (SSE stores): when the operand crosses a page, both pages are
     * checked for writing before any byte is written; then the two halves go through {@link
     * #writeSlow}.
     */
    @TruffleBoundary(transferToInterpreterOnException = false)
    public void write16Slow(long linearAddress, long low, long high) {
        if (crossesPage(linearAddress, 16)) {
            noteAccess(linearAddress, 16, true);
            checkLastByteCanonical(linearAddress, 16);
            translate(linearAddress, ACCESS_WRITE);
            translate((linearAddress | 0xFFF) + 1, ACCESS_WRITE);
        }
        writeSlow(linearAddress, 8, low);
        writeSlow(linearAddress + 8, 8, high);
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
            throw X86ExitException.generalProtection();
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
        long hit = tlbHit(linearAddress, length, READ);
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
        long hit = tlbHit(linearAddress, length, WRITE);
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
    private long tlbHit(long linearAddress, int length, int comparator) {
        if (length <= 0 || (linearAddress & 0xFFF) + length > 0x1000) {
            return -1;
        }
        int entry = entryOffset(linearAddress);
        if (tlb[entry + comparator] != (linearAddress & PAGE_MASK)) {
            return -1;
        }
        return tlb[entry + ADDEND] + linearAddress - hostBase;
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
