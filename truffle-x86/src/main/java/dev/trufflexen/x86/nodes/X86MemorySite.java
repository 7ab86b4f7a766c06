package dev.trufflexen.x86.nodes;

import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.ExplodeLoop;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.mmu.X86GuestMemory;
import dev.trufflexen.x86.mmu.X86Mmu;
import dev.trufflexen.x86.runtime.X86Counters;

/**
 * How one memory-access site of a region translates linear addresses: through the CPU's TLB
 * inline ({@link #UNCACHED}), or through a translation cache of its own held in the region's
 * frame: the page it last read and the page it last wrote, each as a (linear page, host addend)
 * pair.
 *
 * <p><b>Which sites have a cache.</b> Only operands inside tight loops (a short backward branch,
 * see {@code X86RegionBuilder#TIGHT_LOOP_BYTES}) and the stack. A cached pair is an SSA value of
 * the compiled loop: a loop that keeps touching one page pays one compare and one host access
 * per guest access. Everywhere else the TLB is cheaper: a cache is two loop-carried values per
 * site and a miss path that refills it, which in a region with many sites costs more registers,
 * spills and code than the TLB's index and load. The TLB array stays in a register across guest
 * stores (Graal keeps off-heap accesses apart from Java arrays), and its hit test is a single
 * compare ({@link X86GuestMemory#lastBytePage}).
 *
 * <p><b>Why a cache is valid.</b> A cache lives for one activation of its region. Everything that
 * changes what a linear address means (CR3 load, INVLPG, TLB flush, the mapping hypercalls)
 * happens in the platform, which runs only after the region has exited, or is asked for from
 * another thread, which stops the region at its next back edge. Entries are copied from the
 * CPU's TLB right after an access filled it, so they carry its guarantees: a write entry never
 * points at a frame holding translated code, so writes to code still take the slow path that
 * invalidates it. Several sites may share a cache (it only ever holds valid translations): a
 * region has one per base register.
 */
public final class X86MemorySite {
    /** Frame slots per site: read tag, read addend, write tag, write addend. */
    public static final int SLOTS = 4;
    /** The tag of an empty cache: never equal to a page address. */
    public static final long EMPTY = -1L;
    private static final int NO_CACHE = -1;
    /** The site of implicit stack accesses, one per region. */
    public static final X86MemorySite STACK = new X86MemorySite(X86FrameLayout.STACK_SITE, true, false);
    /** Operands outside tight loops: no frame cache, the CPU's TLB inline. */
    public static final X86MemorySite UNCACHED = new X86MemorySite(NO_CACHE, false);
    /** Like {@link #UNCACHED}, for operands through the stack segment. */
    public static final X86MemorySite UNCACHED_STACK_SEGMENT = new X86MemorySite(NO_CACHE, true);

    /** False: the site has no frame slots and goes to the CPU's TLB ({@link X86GuestMemory}) directly. */
    private final boolean cached;
    private final int readTag;
    private final int writeTag;
    /**
     * Accesses through the stack segment (RSP- or RBP-based without an FS/GS override): a
     * non-canonical operand raises #SS(0). Checked on a miss only: a hit is on a page the TLB
     * translated, so the whole operand (which stays on that page) is canonical.
     */
    private final boolean stackSegment;
    /**
     * Whether a frame-cache miss of a read or a plain write probes the TLB inline before calling
     * (operand sites, whose accesses may wander over many pages the TLB holds); the stack's
     * misses, at page crossings only, call straight away.
     */
    private final boolean probesTlbOnMiss;

    public X86MemorySite(int firstSlot, boolean stackSegment) {
        this(firstSlot, stackSegment, true);
    }

    private X86MemorySite(int firstSlot, boolean stackSegment, boolean probesTlbOnMiss) {
        this.cached = firstSlot != NO_CACHE;
        this.readTag = firstSlot;
        this.writeTag = firstSlot + 2;
        this.stackSegment = stackSegment;
        this.probesTlbOnMiss = probesTlbOnMiss;
    }

    /**
     * Empties every site's caches in {@code frame}: at region entry, and after the platform ran
     * inside the region (it may have changed page tables). The caches fill the frame from
     * {@link X86FrameLayout#STACK_SITE} to its end (in a region that keeps XMM registers in the
     * frame, the last slots are theirs: its entry copies them in after this; such regions have
     * no SYSCALL, the one other caller).
     */
    public static void clearAll(VirtualFrame frame) {
        clearAll(frame, frame.getFrameDescriptor().getNumberOfSlots());
    }

    /** As {@link #clearAll(VirtualFrame)} for a frame of {@code slots} slots (a constant where the frame's descriptor is not). */
    public static void clearAll(VirtualFrame frame, int slots) {
        empty(frame, slots, false);
    }

    /**
     * Empties every site's caches in {@code frame} up to slot {@code end}, addends too: at the
     * start of OSR code, whose frame comes from the interpreter's. The interpreter's cached pages
     * would otherwise be live-in values of the whole compiled loop (each is part of every
     * deoptimization point's state); constants cost nothing there, and the loop refills what it
     * uses on its first pass.
     */
    public static void forgetAll(VirtualFrame frame, int end) {
        empty(frame, end, true);
    }

    /** Every site's tags from {@link X86FrameLayout#STACK_SITE} up to slot {@code end} set empty, and their addends zeroed when {@code addends}. */
    @ExplodeLoop
    private static void empty(VirtualFrame frame, int end, boolean addends) {
        for (int site = X86FrameLayout.STACK_SITE; site < end; site += SLOTS) {
            frame.setLongStatic(site, EMPTY);
            frame.setLongStatic(site + 2, EMPTY);
            if (addends) {
                frame.setLongStatic(site + 1, 0);
                frame.setLongStatic(site + 3, 0);
            }
        }
    }

    /** Whether a plain write's frame-cache miss probes the TLB inline ({@link #write}); off with {@code -Dtrufflexen.probeOnWriteMiss=false}. */
    private static final boolean PROBE_ON_WRITE_MISS = !"false".equals(System.getProperty("trufflexen.probeOnWriteMiss"));

    /** Whether chained calls hand the stack's cache over ({@link #handOverStack}); off with {@code -Dtrufflexen.handOverStack=false}. */
    private static final boolean HAND_OVER_STACK = !"false".equals(System.getProperty("trufflexen.handOverStack"));

    /**
     * At a chained call, and at the callee's return to it: the stack's cache goes to the region
     * that runs next, through the CPU ({@link #takeOverStack}), so neither the callee's first
     * stack access (often its RET) nor the caller's next one (often the next CALL's push) misses
     * the cache and calls the MMU out of line. When the callee is inlined into the caller's
     * compilation the compiler forwards the values and the hand-over costs nothing. Valid for
     * the same reason a cache is valid within one activation: a chained call is entered only
     * after a stop check, and between the two regions nothing runs that changes translations
     * (a call whose callee had to be translated first empties the cache it hands over,
     * {@link #clearStack}: the translation may have made a frame hold code).
     */
    public static void handOverStack(VirtualFrame frame, X86Cpu cpu) {
        if (!HAND_OVER_STACK) {
            return;
        }
        int site = X86FrameLayout.STACK_SITE;
        cpu.handOverStackCache(frame.getLongStatic(site), frame.getLongStatic(site + 1), frame.getLongStatic(site + 2),
                frame.getLongStatic(site + 3));
    }

    /** Takes the stack cache the other region of a chained call handed over ({@link #handOverStack}). */
    public static void takeOverStack(VirtualFrame frame, X86Cpu cpu) {
        if (!HAND_OVER_STACK) {
            return;
        }
        int site = X86FrameLayout.STACK_SITE;
        frame.setLongStatic(site, cpu.handedStackReadTag());
        frame.setLongStatic(site + 1, cpu.handedStackReadAddend());
        frame.setLongStatic(site + 2, cpu.handedStackWriteTag());
        frame.setLongStatic(site + 3, cpu.handedStackWriteAddend());
    }

    /** Empties the stack's cache in {@code frame}. */
    public static void clearStack(VirtualFrame frame) {
        frame.setLongStatic(X86FrameLayout.STACK_SITE, EMPTY);
        frame.setLongStatic(X86FrameLayout.STACK_SITE + 2, EMPTY);
    }

    public long read(VirtualFrame frame, X86Cpu cpu, long linearAddress, int size) {
        return read(frame, cpu, linearAddress, size, X86FaultProfile.ALWAYS);
    }

    /** A read; its miss path has no fault path compiled until {@code faults} has seen one ({@link X86FaultProfile}). */
    public long read(VirtualFrame frame, X86Cpu cpu, long linearAddress, int size, X86FaultProfile faults) {
        if (!cached) {
            if (stackSegment) {
                X86Mmu mmu = cpu.mmu();
                long[] tlb = cpu.tlb();
                int entry = X86Mmu.entryOffset(linearAddress);
                if (X86Likelihood.likely(X86Mmu.tlbWord(tlb, entry + X86Mmu.READ) == X86GuestMemory.lastBytePage(linearAddress, size))) {
                    return X86GuestMemory.load(X86Mmu.tlbWord(tlb, entry + X86Mmu.ADDEND) + linearAddress, size);
                }
                return readMiss(mmu, linearAddress, size, faults);
            }
            return X86GuestMemory.read(cpu, linearAddress, size, faults);
        }
        if (X86Likelihood.likely(frame.getLongStatic(readTag) == (linearAddress & X86Mmu.PAGE_MASK) && withinPage(linearAddress, size))) {
            return X86GuestMemory.load(frame.getLongStatic(readTag + 1) + linearAddress, size);
        }
        X86Mmu mmu = cpu.mmu();
        if (probesTlbOnMiss) {
            long[] tlb = cpu.tlb();
            int entry = X86Mmu.entryOffset(linearAddress);
            long tag = X86Mmu.tlbWord(tlb, entry + X86Mmu.READ);
            if (X86Likelihood.likely(tag == X86GuestMemory.lastBytePage(linearAddress, size))) {
                // The TLB's tag, loaded here, rather than the page the hit test computed: a value
                // of the hit path would stay live (and spilled) across the loop's other calls.
                long addend = X86Mmu.tlbWord(tlb, entry + X86Mmu.ADDEND);
                frame.setLongStatic(readTag, tag);
                frame.setLongStatic(readTag + 1, addend);
                return X86GuestMemory.load(addend + linearAddress, size);
            }
        }
        countMissCall();
        long value = readMiss(mmu, linearAddress, size, faults);
        remember(frame, readTag, mmu);
        return value;
    }

    /** The read of a read-modify-write: served by the write cache (the page must be writable). */
    public long readForWrite(VirtualFrame frame, X86Cpu cpu, long linearAddress, int size, X86FaultProfile faults) {
        if (!cached) {
            if (stackSegment) {
                X86Mmu mmu = cpu.mmu();
                long[] tlb = cpu.tlb();
                int entry = X86Mmu.entryOffset(linearAddress);
                if (X86Likelihood.likely(X86Mmu.tlbWord(tlb, entry + X86Mmu.WRITE) == X86GuestMemory.lastBytePage(linearAddress, size))) {
                    return X86GuestMemory.load(X86Mmu.tlbWord(tlb, entry + X86Mmu.ADDEND) + linearAddress, size);
                }
                return readForWriteMiss(mmu, linearAddress, size, faults);
            }
            return X86GuestMemory.readForWrite(cpu, linearAddress, size, faults);
        }
        if (X86Likelihood.likely(frame.getLongStatic(writeTag) == (linearAddress & X86Mmu.PAGE_MASK) && withinPage(linearAddress, size))) {
            return X86GuestMemory.load(frame.getLongStatic(writeTag + 1) + linearAddress, size);
        }
        X86Mmu mmu = cpu.mmu();
        countMissCall();
        long value = readForWriteMiss(mmu, linearAddress, size, faults);
        remember(frame, writeTag, mmu);
        return value;
    }

    public void write(VirtualFrame frame, X86Cpu cpu, long linearAddress, int size, long value) {
        write(frame, cpu, linearAddress, size, value, X86FaultProfile.ALWAYS);
    }

    /**
     * A write; its miss path has no fault path compiled until {@code faults} has seen one. A
     * frame-cache miss of an operand site probes the TLB inline before it calls the MMU: a loop
     * storing to a few pages in turn (lz77's hash table) would otherwise call out of line at
     * most of its stores.
     */
    public void write(VirtualFrame frame, X86Cpu cpu, long linearAddress, int size, long value, X86FaultProfile faults) {
        write(frame, cpu, linearAddress, size, value, faults, PROBE_ON_WRITE_MISS && probesTlbOnMiss);
    }

    /**
     * The write of a read-modify-write, after {@link #readForWrite} at the same address: its miss
     * refilled the write cache, so this write misses only where the TLB cannot hold the page for
     * writing either, and no inline probe is compiled.
     */
    public void writeBack(VirtualFrame frame, X86Cpu cpu, long linearAddress, int size, long value, X86FaultProfile faults) {
        write(frame, cpu, linearAddress, size, value, faults, false);
    }

    private void write(VirtualFrame frame, X86Cpu cpu, long linearAddress, int size, long value, X86FaultProfile faults, boolean probeOnMiss) {
        if (!cached) {
            if (stackSegment) {
                X86Mmu mmu = cpu.mmu();
                long[] tlb = cpu.tlb();
                int entry = X86Mmu.entryOffset(linearAddress);
                if (X86Likelihood.likely(X86Mmu.tlbWord(tlb, entry + X86Mmu.WRITE) == X86GuestMemory.lastBytePage(linearAddress, size))) {
                    X86GuestMemory.store(X86Mmu.tlbWord(tlb, entry + X86Mmu.ADDEND) + linearAddress, size, value);
                    return;
                }
                writeMiss(mmu, linearAddress, size, value, faults);
                return;
            }
            X86GuestMemory.write(cpu, linearAddress, size, value, faults);
            return;
        }
        if (X86Likelihood.likely(frame.getLongStatic(writeTag) == (linearAddress & X86Mmu.PAGE_MASK) && withinPage(linearAddress, size))) {
            X86GuestMemory.store(frame.getLongStatic(writeTag + 1) + linearAddress, size, value);
            return;
        }
        X86Mmu mmu = cpu.mmu();
        if (probeOnMiss) {
            long[] tlb = cpu.tlb();
            int entry = X86Mmu.entryOffset(linearAddress);
            long tag = X86Mmu.tlbWord(tlb, entry + X86Mmu.WRITE);
            if (X86Likelihood.likely(tag == X86GuestMemory.lastBytePage(linearAddress, size))) {
                long addend = X86Mmu.tlbWord(tlb, entry + X86Mmu.ADDEND);
                frame.setLongStatic(writeTag, tag);
                frame.setLongStatic(writeTag + 1, addend);
                X86GuestMemory.store(addend + linearAddress, size, value);
                return;
            }
        }
        countMissCall();
        writeMiss(mmu, linearAddress, size, value, faults);
        remember(frame, writeTag, mmu);
    }


    /*
     * A frame-cache miss of a read probes the TLB inline and refills the cache from it; a TLB
     * miss, and every frame-cache miss of a write or of a read-modify-write's read, is one call
     * that does the stack segment's #SS(0) check, the TLB lookup and the slow path inside it and
     * leaves the entry it used in the MMU (X86Mmu#readFilling and siblings). Writes get no inline
     * probe because a read-modify-write's read and write miss paths (or a read and a write of one
     * address) would share the address's TLB index, tags and canonical forms: the compiler then
     * computed them, and spilled them around the calls, on the hit path of every iteration.
     * After a read-modify-write's read has missed, its write hits the cache the read refilled.
     */

    private static void countMissCall() {
        if (X86Counters.ENABLED) {
            X86Counters.add(X86Counters.Event.SITE_CACHE_MISS_CALLS, 1);
        }
    }

    private long readMiss(X86Mmu mmu, long linearAddress, int size, X86FaultProfile faults) {
        if (faults.seen()) {
            return mmu.readFilling(linearAddress, size, stackSegment);
        }
        long value = mmu.readFillingQuietly(linearAddress, size, stackSegment);
        if (X86Likelihood.unlikely(mmu.hasPendingExit())) {
            throw faults.pendingExit(mmu);
        }
        return value;
    }

    private long readForWriteMiss(X86Mmu mmu, long linearAddress, int size, X86FaultProfile faults) {
        if (faults.seen()) {
            return mmu.readForWriteFilling(linearAddress, size, stackSegment);
        }
        long value = mmu.readForWriteFillingQuietly(linearAddress, size, stackSegment);
        if (X86Likelihood.unlikely(mmu.hasPendingExit())) {
            throw faults.pendingExit(mmu);
        }
        return value;
    }

    private void writeMiss(X86Mmu mmu, long linearAddress, int size, long value, X86FaultProfile faults) {
        if (faults.seen()) {
            mmu.writeFilling(linearAddress, size, value, stackSegment);
            return;
        }
        mmu.writeFillingQuietly(linearAddress, size, value, stackSegment);
        if (X86Likelihood.unlikely(mmu.hasPendingExit())) {
            throw faults.pendingExit(mmu);
        }
    }

    private static boolean withinPage(long linearAddress, int size) {
        return (linearAddress & 0xFFF) <= 0x1000 - size;
    }

    /**
     * Takes the TLB entry the miss just used ({@link X86Mmu#filledPage}; empty when the TLB does not
     * hold the page) into the cache. The miss path is one call and two field loads: the TLB lookup
     * happens inside the call, so no index or tag of it is live in compiled code.
     */
    private static void remember(VirtualFrame frame, int tagSlot, X86Mmu mmu) {
        frame.setLongStatic(tagSlot, mmu.filledPage());
        frame.setLongStatic(tagSlot + 1, mmu.filledAddend());
    }
}
