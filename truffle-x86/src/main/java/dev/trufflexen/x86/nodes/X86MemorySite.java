package dev.trufflexen.x86.nodes;

import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.ExplodeLoop;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.mmu.X86GuestMemory;
import dev.trufflexen.x86.mmu.X86Mmu;

/**
 * The translation cache of one memory-access site of a region: the page it last read and the
 * page it last wrote, each as a (linear page, host addend) pair held in the region's frame.
 *
 * <p><b>Why in the frame.</b> A region's frame is virtual in compiled code, so a cached pair is
 * an SSA value: a loop that keeps touching the same page pays one compare and one host access
 * per guest access, where the CPU's TLB costs a hash, two array loads and reloads of the TLB
 * arrays after every guest store (a raw store may alias anything, so the compiler cannot keep
 * loaded TLB state across one).
 *
 * <p><b>Why it is valid.</b> A cache lives for one activation of its region. Everything that
 * changes what a linear address means (CR3 load, INVLPG, TLB flush, the mapping hypercalls)
 * happens in the platform, which runs only after the region has exited, or is asked for from
 * another thread, which stops the region at its next back edge. Entries are copied from the
 * CPU's TLB right after an access filled it, so they carry its guarantees: a write entry never
 * points at a frame holding translated code, so writes to code still take the slow path that
 * invalidates it. Several sites may share a cache (it only ever holds valid translations): a
 * region has one per base register, so a loop carries few cached translations in registers.
 */
public final class X86MemorySite {
    /** Frame slots per site: read tag, read addend, write tag, write addend. */
    public static final int SLOTS = 4;
    /** The tag of an empty cache: never equal to a page address. */
    public static final long EMPTY = -1L;
    /** The site of implicit stack accesses, one per region. */
    public static final X86MemorySite STACK = new X86MemorySite(X86FrameLayout.STACK_SITE, true);

    private final int readTag;
    private final int writeTag;
    /**
     * Accesses through the stack segment (RSP- or RBP-based without an FS/GS override): a
     * non-canonical operand raises #SS(0). Checked on a miss only: a hit is on a page the TLB
     * translated, so the whole operand (which stays on that page) is canonical.
     */
    private final boolean stackSegment;

    public X86MemorySite(int firstSlot, boolean stackSegment) {
        this.readTag = firstSlot;
        this.writeTag = firstSlot + 2;
        this.stackSegment = stackSegment;
    }

    /**
     * Empties every site's caches in {@code frame}: at region entry, and after the platform ran
     * inside the region (it may have changed page tables). The caches fill the frame from
     * {@link X86FrameLayout#STACK_SITE} to its end.
     */
    @ExplodeLoop
    public static void clearAll(VirtualFrame frame) {
        int slots = frame.getFrameDescriptor().getNumberOfSlots();
        for (int site = X86FrameLayout.STACK_SITE; site < slots; site += SLOTS) {
            frame.setLongStatic(site, EMPTY);
            frame.setLongStatic(site + 2, EMPTY);
        }
    }

    public long read(VirtualFrame frame, X86Cpu cpu, long linearAddress, int size) {
        if (frame.getLongStatic(readTag) == (linearAddress & X86Mmu.PAGE_MASK) && withinPage(linearAddress, size)) {
            return X86GuestMemory.load(frame.getLongStatic(readTag + 1) + linearAddress, size);
        }
        checkStackSegment(linearAddress, size);
        long value = X86GuestMemory.read(cpu, linearAddress, size);
        X86Mmu mmu = cpu.mmu();
        remember(frame, readTag, mmu.readTags, mmu.readAddends, linearAddress);
        return value;
    }

    /** The read of a read-modify-write: served by the write cache (the page must be writable). */
    public long readForWrite(VirtualFrame frame, X86Cpu cpu, long linearAddress, int size) {
        if (frame.getLongStatic(writeTag) == (linearAddress & X86Mmu.PAGE_MASK) && withinPage(linearAddress, size)) {
            return X86GuestMemory.load(frame.getLongStatic(writeTag + 1) + linearAddress, size);
        }
        checkStackSegment(linearAddress, size);
        long value = X86GuestMemory.readForWrite(cpu, linearAddress, size);
        X86Mmu mmu = cpu.mmu();
        remember(frame, writeTag, mmu.writeTags, mmu.writeAddends, linearAddress);
        return value;
    }

    public void write(VirtualFrame frame, X86Cpu cpu, long linearAddress, int size, long value) {
        if (frame.getLongStatic(writeTag) == (linearAddress & X86Mmu.PAGE_MASK) && withinPage(linearAddress, size)) {
            X86GuestMemory.store(frame.getLongStatic(writeTag + 1) + linearAddress, size, value);
            return;
        }
        checkStackSegment(linearAddress, size);
        X86GuestMemory.write(cpu, linearAddress, size, value);
        X86Mmu mmu = cpu.mmu();
        remember(frame, writeTag, mmu.writeTags, mmu.writeAddends, linearAddress);
    }

    private void checkStackSegment(long linearAddress, int size) {
        if (stackSegment) {
            X86StackSegment.check(linearAddress, size);
        }
    }

    private static boolean withinPage(long linearAddress, int size) {
        return (linearAddress & 0xFFF) <= 0x1000 - size;
    }

    /** Copies the TLB's entry for the page just accessed into the cache, if the TLB holds one. */
    private static void remember(VirtualFrame frame, int tagSlot, long[] tags, long[] addends, long linearAddress) {
        long page = linearAddress & X86Mmu.PAGE_MASK;
        int index = X86Mmu.tlbIndex(linearAddress);
        if (tags[index] == page) {
            frame.setLongStatic(tagSlot, page);
            frame.setLongStatic(tagSlot + 1, addends[index]);
        }
    }
}
