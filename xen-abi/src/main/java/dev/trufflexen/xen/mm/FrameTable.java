package dev.trufflexen.xen.mm;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import dev.trufflexen.xen.abi.XenErrno;

/**
 * What the hypervisor knows about every machine frame beyond its owner: a general reference
 * count, a type with its own count, and the pinned and validated flags (Xen's {@code count_info}
 * and {@code type_info} of {@code struct page_info}).
 *
 * <h2>The two counts</h2>
 * <p><b>The general count</b> says how many things may still touch the frame: the domain's
 * allocation ({@link #ALLOCATED}, one reference while the frame belongs to the domain's
 * reservation), every page-table entry that maps it, every page-table entry of a higher level
 * that links it as a table, a vCPU's base pointer, a pin. A frame goes back to the
 * {@link FramePool} only when this count falls to zero, never earlier: a frame a domain has given
 * up but still maps stays its own until the last mapping goes.
 *
 * <p><b>The type count</b> says how many of those references depend on the frame being used one
 * particular way. The types are exclusive: {@link #TYPE_WRITABLE} (some present L1 entry maps it
 * with R/W), the four page-table levels, {@link #TYPE_SEG_DESC} (a GDT or LDT page), or none. A
 * frame changes type only while its type count is zero. This single rule is the whole of the PV
 * MMU's safety: a page table can never be mapped writable (taking the writable type fails while
 * it has a page-table type), and a frame that is mapped writable anywhere can never become a page
 * table or a descriptor page (taking the table type fails while writable mappings count).
 *
 * <h2>Validation</h2>
 * A frame gets a page-table type only after every entry in it has been checked and has taken
 * the references it needs ({@link Validator#promote}): the frames an L1 maps (and their writable
 * type for R/W entries), the L1 tables an L2 links (typed L1 by that reference, recursively
 * validated), and so on up to L4. The first reference of a type validates; later ones find the
 * {@link #VALIDATED} flag and only count. When the last type reference of a page table goes, its
 * entries' references are dropped in turn ({@link Validator#demote}), which can cascade down the
 * tree. Tables the guest never pins are therefore typed purely by reference: linked into a
 * pinned or in-use table, they stay validated as long as that link exists.
 *
 * <p><b>Pinning</b> ({@link #pin}) takes one general and one type reference and sets
 * {@link #PINNED}, so a table keeps its type while nothing links it: a guest pins its L4s, and
 * may pin lower tables it wants to keep typed across relinking.
 *
 * <p><b>Linear page tables.</b> An L2, L3 or L4 entry may point at a table of its own level,
 * read-only: the guest then sees its own tables as data through that mapping. Such an entry takes
 * the target's type by reference only if the target is already validated; a table that contains
 * linear entries cannot itself be used as a linear target and vice versa (the linear count of a
 * frame is positive for the former, negative for the latter), so chains of linear tables cannot
 * form. An entry pointing at its own table takes no reference at all.
 *
 * <h2>Concurrency</h2>
 * Counts change with compare-and-swap, so a reference taken on another domain's frame (or by
 * another vCPU) never races with one being dropped. Validation and page-table updates of one
 * domain run under that domain's MMU lock (the caller's), so a table is never validated twice at
 * once; a frame's type can only be changed by a reference that takes the count from zero.
 *
 * <h2>Stale translations</h2>
 * The hardware TLB (here the vCPU's software TLB) may still hold a translation after the entry
 * that made it has gone, until the guest flushes. Two events must not trust that: a frame changing
 * type to a page table or descriptor page (a stale writable translation would let the guest write
 * the table), and a frame leaving the domain (a stale translation would reach the next owner's
 * data). Every dropped L1 mapping stamps the frame with the {@link TlbFlush#clock() flush clock};
 * at those two events the owner's vCPUs are flushed unless they have flushed since the stamp.
 */
public final class FrameTable {
    /** Frame types (Xen's PGT_*), stored in bits 56-58 of the type word. */
    public static final int TYPE_NONE = 0;
    public static final int TYPE_L1 = 1;
    public static final int TYPE_L2 = 2;
    public static final int TYPE_L3 = 3;
    public static final int TYPE_L4 = 4;
    public static final int TYPE_SEG_DESC = 5;
    public static final int TYPE_WRITABLE = 6;

    /** General count flag: the domain's allocation reference (Xen's PGC_allocated). */
    public static final long ALLOCATED = 1L << 63;
    public static final long COUNT_MASK = 0xFFFF_FFFFL;
    private static final int TYPE_SHIFT = 56;
    private static final long TYPE_MASK = 7L << TYPE_SHIFT;
    /** Type word flags. */
    public static final long VALIDATED = 1L << 55;
    public static final long PINNED = 1L << 54;

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);

    /** Checks a page table's entries and takes their references, or drops them. */
    public interface Validator {
        /** Takes the references of every entry of {@code mfn} as a table of {@code type}; 0 or -errno (nothing kept). */
        int promote(long mfn, int type);

        /** Drops the references {@link #promote} took. */
        void demote(long mfn, int type);
    }

    /** The vCPUs' TLBs, as the frame table needs them to keep stale translations harmless. */
    public interface TlbFlush {
        /** A clock that advances at every full TLB flush of any vCPU. */
        long clock();

        /** Flushes {@code domid}'s vCPUs unless each has fully flushed after clock value {@code stamp}. */
        void flushIfOlder(int domid, long stamp);

        TlbFlush NONE = new TlbFlush() {
            @Override
            public long clock() {
                return 0;
            }

            @Override
            public void flushIfOlder(int domid, long stamp) {
            }
        };
    }

    private final FramePool pool;
    private final long[] count;
    private final long[] typeInfo;
    private final int[] linear;
    private final long[] unmapStamp;
    private volatile Validator validator;
    private volatile TlbFlush tlb = TlbFlush.NONE;

    FrameTable(FramePool pool, int frames) {
        this.pool = pool;
        this.count = new long[frames];
        this.typeInfo = new long[frames];
        this.linear = new int[frames];
        this.unmapStamp = new long[frames];
    }

    /** Wires the page-table rules and the TLBs; once, when the hypervisor starts. */
    public void attach(Validator rules, TlbFlush tlbFlush) {
        this.validator = rules;
        this.tlb = tlbFlush;
    }

    public FramePool pool() {
        return pool;
    }

    public boolean isValid(long mfn) {
        return mfn >= 0 && mfn < count.length;
    }

    public int ownerOf(long mfn) {
        return pool.ownerOf(mfn);
    }

    // ---- called by the pool ----

    /** A frame handed to a domain: its allocation reference, no type. */
    void assigned(long mfn) {
        int i = (int) mfn;
        typeInfo[i] = 0;
        linear[i] = 0;
        LONGS.setVolatile(count, i, ALLOCATED | 1);
    }

    /** A frame back in the pool. */
    void cleared(long mfn) {
        int i = (int) mfn;
        typeInfo[i] = 0;
        linear[i] = 0;
        LONGS.setVolatile(count, i, 0L);
    }

    // ---- general references ----

    /** Xen's get_page: one more reference, if the frame is in use and owned by {@code domid}. */
    public boolean getPage(long mfn, int domid) {
        if (!isValid(mfn)) {
            return false;
        }
        int i = (int) mfn;
        long x;
        do {
            x = (long) LONGS.getVolatile(count, i);
            long c = x & COUNT_MASK;
            if (c == 0 || c == COUNT_MASK) {
                return false;
            }
        } while (!LONGS.compareAndSet(count, i, x, x + 1));
        if (pool.ownerOf(mfn) != domid) {
            putPage(mfn);
            return false;
        }
        return true;
    }

    /** Xen's put_page: drops a reference; the frame returns to the pool when none is left. */
    public void putPage(long mfn) {
        int i = (int) mfn;
        long x;
        long n;
        do {
            x = (long) LONGS.getVolatile(count, i);
            if ((x & COUNT_MASK) == 0) {
                throw new IllegalStateException("reference count of frame 0x" + Long.toHexString(mfn) + " underflows");
            }
            n = x - 1;
        } while (!LONGS.compareAndSet(count, i, x, n));
        if ((n & COUNT_MASK) == 0) {
            int owner = pool.ownerOf(mfn);
            if (owner >= 0) {
                tlb.flushIfOlder(owner, unmapStamp[i]);
            }
            pool.free(mfn);
        }
    }

    /**
     * Gives up the domain's allocation reference of a frame (Xen's test_and_clear PGC_allocated
     * then put_page): the frame leaves the domain's reservation now and returns to the pool as
     * soon as nothing maps or links it any more. False when the frame was not allocated (a
     * second release, or a frame of no domain).
     */
    public boolean releaseAllocation(long mfn) {
        if (!isValid(mfn)) {
            return false;
        }
        int i = (int) mfn;
        long x;
        do {
            x = (long) LONGS.getVolatile(count, i);
            if ((x & ALLOCATED) == 0) {
                return false;
            }
        } while (!LONGS.compareAndSet(count, i, x, x & ~ALLOCATED));
        putPage(mfn);
        return true;
    }

    /** Records that a mapping of the frame was dropped (the TLB may still hold it). */
    void stampUnmap(long mfn) {
        unmapStamp[(int) mfn] = tlb.clock();
    }

    // ---- type references ----

    /** Xen's get_page_type: 0, or -errno when the frame has another type in use or fails validation. */
    public int getPageType(long mfn, int type) {
        int i = (int) mfn;
        long x;
        long nx;
        while (true) {
            x = (long) LONGS.getVolatile(typeInfo, i);
            long c = x & COUNT_MASK;
            if (c == COUNT_MASK) {
                return -XenErrno.EINVAL;
            }
            if (c == 0) {
                nx = typeOf(x) == type ? x + 1 : ((long) type << TYPE_SHIFT) | 1;
            } else if (typeOf(x) != type || (x & VALIDATED) == 0) {
                return -XenErrno.EINVAL;
            } else {
                nx = x + 1;
            }
            if (LONGS.compareAndSet(typeInfo, i, x, nx)) {
                break;
            }
        }
        if ((nx & VALIDATED) != 0) {
            return 0;
        }
        if (typeOf(x) != type && isTableOrDescriptor(type)) {
            int owner = pool.ownerOf(mfn);
            if (owner >= 0) {
                tlb.flushIfOlder(owner, unmapStamp[i]);
            }
        }
        int rc = isPageTable(type) ? validator.promote(mfn, type) : 0;
        do {
            x = (long) LONGS.getVolatile(typeInfo, i);
            nx = rc == 0 ? x | VALIDATED : x & ~(COUNT_MASK | VALIDATED);
        } while (!LONGS.compareAndSet(typeInfo, i, x, nx));
        return rc;
    }

    /** Xen's put_page_type for a reference not made by a linear page-table entry. */
    public void putPageType(long mfn) {
        putPageType(mfn, -1);
    }

    /**
     * Drops a type reference taken by an entry of table {@code fromTable} (-1 for none); an entry
     * linking a table of its own level was a linear reference. The last reference of a page
     * table drops its entries' references.
     */
    public void putPageType(long mfn, long fromTable) {
        int i = (int) mfn;
        long x;
        long nx;
        boolean demote;
        do {
            x = (long) LONGS.getVolatile(typeInfo, i);
            long c = x & COUNT_MASK;
            if (c == 0) {
                throw new IllegalStateException("type count of frame 0x" + Long.toHexString(mfn) + " underflows");
            }
            demote = c == 1 && isPageTable(typeOf(x)) && (x & VALIDATED) != 0;
            nx = demote ? (x - 1) & ~VALIDATED : x - 1;
        } while (!LONGS.compareAndSet(typeInfo, i, x, nx));
        if (fromTable >= 0 && fromTable != mfn && typeOf(x) == typeOf(typeInfo[(int) fromTable])) {
            INTS.getAndAdd(linear, i, 1);
            INTS.getAndAdd(linear, (int) fromTable, -1);
        }
        if (demote) {
            validator.demote(mfn, typeOf(x));
        }
    }

    /** get_page then get_page_type; -EINVAL when the frame is not {@code domid}'s. */
    public int getPageAndType(long mfn, int domid, int type) {
        if (!getPage(mfn, domid)) {
            return -XenErrno.EINVAL;
        }
        int rc = getPageType(mfn, type);
        if (rc != 0) {
            putPage(mfn);
        }
        return rc;
    }

    public void putPageAndType(long mfn) {
        putPageType(mfn);
        putPage(mfn);
    }

    /**
     * A linear page-table entry of table {@code table} linking {@code target}, a validated table
     * of the same {@code type} owned by {@code domid} (Xen's get_lN_linear_pagetable, the entry
     * already known read-only and not self-referencing). Takes a general and a type reference.
     */
    public boolean getLinear(long target, long table, int domid, int type) {
        if (pool.ownerOf(table) != domid || !getPage(target, domid)) {
            return false;
        }
        int ti = (int) table;
        int gi = (int) target;
        if (!adjustLinear(ti, 1)) {
            putPage(target);
            return false;
        }
        if (!adjustLinear(gi, -1)) {
            INTS.getAndAdd(linear, ti, -1);
            putPage(target);
            return false;
        }
        long x;
        do {
            x = (long) LONGS.getVolatile(typeInfo, gi);
            if ((x & COUNT_MASK) == COUNT_MASK || (x & (TYPE_MASK | VALIDATED)) != (((long) type << TYPE_SHIFT) | VALIDATED)) {
                INTS.getAndAdd(linear, gi, 1);
                INTS.getAndAdd(linear, ti, -1);
                putPage(target);
                return false;
            }
        } while (!LONGS.compareAndSet(typeInfo, gi, x, x + 1));
        return true;
    }

    /** Moves a linear count away from zero in one direction only (entries positive, uses negative). */
    private boolean adjustLinear(int i, int direction) {
        int x;
        do {
            x = (int) INTS.getVolatile(linear, i);
            if (x * direction < 0 || x == direction * Short.MAX_VALUE) {
                return false;
            }
        } while (!INTS.compareAndSet(linear, i, x, x + direction));
        return true;
    }

    // ---- pinning ----

    /** MMUEXT_PIN_Ln_TABLE: 0, or -EINVAL (not ours, wrong type, invalid, already pinned). */
    public int pin(long mfn, int domid, int type) {
        if (!getPage(mfn, domid)) {
            return -XenErrno.EINVAL;
        }
        int rc = getPageType(mfn, type);
        if (rc != 0) {
            putPage(mfn);
            return rc;
        }
        int i = (int) mfn;
        long x;
        do {
            x = (long) LONGS.getVolatile(typeInfo, i);
            if ((x & PINNED) != 0) {
                putPageAndType(mfn);
                return -XenErrno.EINVAL;
            }
        } while (!LONGS.compareAndSet(typeInfo, i, x, x | PINNED));
        return 0;
    }

    /** MMUEXT_UNPIN_TABLE: 0, or -EINVAL when the frame is not ours or not pinned. */
    public int unpin(long mfn, int domid) {
        if (!getPage(mfn, domid)) {
            return -XenErrno.EINVAL;
        }
        int i = (int) mfn;
        long x;
        do {
            x = (long) LONGS.getVolatile(typeInfo, i);
            if ((x & PINNED) == 0) {
                putPage(mfn);
                return -XenErrno.EINVAL;
            }
        } while (!LONGS.compareAndSet(typeInfo, i, x, x & ~PINNED));
        putPageAndType(mfn);
        putPage(mfn);
        return 0;
    }

    // ---- a dying domain ----

    /**
     * Gives back everything a dead domain's frames hold (Xen's domain_relinquish_resources):
     * unpins its tables, forcibly invalidates the page tables still typed (cycles of linear
     * entries keep each other alive otherwise), then drops every allocation reference. Frames
     * whose count reaches zero return to the pool; the vCPUs' base-pointer references must have
     * been dropped before. Returns the frames still held afterwards (a leak when non-zero).
     */
    public long relinquish(int domid) {
        long[] frames = pool.framesOwnedBy(domid);
        for (long mfn : frames) {
            if ((typeInfo[(int) mfn] & PINNED) != 0) {
                unpin(mfn, domid);
            }
        }
        for (int type = TYPE_L4; type >= TYPE_L1; type--) {
            for (long mfn : frames) {
                forceDemote(mfn, type);
            }
        }
        for (long mfn : frames) {
            releaseAllocation(mfn);
        }
        long held = 0;
        for (long mfn : frames) {
            if (pool.ownerOf(mfn) == domid) {
                held++;
            }
        }
        return held;
    }

    private void forceDemote(long mfn, int type) {
        int i = (int) mfn;
        long x;
        do {
            x = (long) LONGS.getVolatile(typeInfo, i);
            if (typeOf(x) != type || (x & VALIDATED) == 0) {
                return;
            }
        } while (!LONGS.compareAndSet(typeInfo, i, x, x & ~VALIDATED));
        validator.demote(mfn, type);
    }

    // ---- queries (audit, tests, the hypercalls) ----

    public long count(long mfn) {
        return (long) LONGS.getVolatile(count, (int) mfn) & COUNT_MASK;
    }

    public boolean isAllocated(long mfn) {
        return ((long) LONGS.getVolatile(count, (int) mfn) & ALLOCATED) != 0;
    }

    public int type(long mfn) {
        return typeOf((long) LONGS.getVolatile(typeInfo, (int) mfn));
    }

    public long typeCount(long mfn) {
        return (long) LONGS.getVolatile(typeInfo, (int) mfn) & COUNT_MASK;
    }

    public boolean isPinned(long mfn) {
        return ((long) LONGS.getVolatile(typeInfo, (int) mfn) & PINNED) != 0;
    }

    public boolean isValidated(long mfn) {
        return ((long) LONGS.getVolatile(typeInfo, (int) mfn) & VALIDATED) != 0;
    }

    /** Linear count: entries linking same-level tables (positive) or uses as such a target (negative). */
    public int linearCount(long mfn) {
        return (int) INTS.getVolatile(linear, (int) mfn);
    }

    /** True for a frame that is an in-use page table or descriptor page (must never be mapped writable). */
    public boolean isProtected(long mfn) {
        long x = (long) LONGS.getVolatile(typeInfo, (int) mfn);
        return (x & COUNT_MASK) != 0 && isTableOrDescriptor(typeOf(x));
    }

    private static int typeOf(long typeWord) {
        return (int) ((typeWord & TYPE_MASK) >>> TYPE_SHIFT);
    }

    public static boolean isPageTable(int type) {
        return type >= TYPE_L1 && type <= TYPE_L4;
    }

    private static boolean isTableOrDescriptor(int type) {
        return type >= TYPE_L1 && type <= TYPE_SEG_DESC;
    }

    public static String typeName(int type) {
        return switch (type) {
            case TYPE_NONE -> "none";
            case TYPE_L1 -> "L1";
            case TYPE_L2 -> "L2";
            case TYPE_L3 -> "L3";
            case TYPE_L4 -> "L4";
            case TYPE_SEG_DESC -> "seg_desc";
            case TYPE_WRITABLE -> "writable";
            default -> "type" + type;
        };
    }
}
