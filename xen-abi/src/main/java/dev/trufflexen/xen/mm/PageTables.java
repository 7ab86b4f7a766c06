package dev.trufflexen.xen.mm;

import static dev.trufflexen.xen.abi.X86Pv._PAGE_ACCESSED;
import static dev.trufflexen.xen.abi.X86Pv._PAGE_DIRTY;
import static dev.trufflexen.xen.abi.X86Pv._PAGE_GLOBAL;
import static dev.trufflexen.xen.abi.X86Pv._PAGE_PCD;
import static dev.trufflexen.xen.abi.X86Pv._PAGE_PRESENT;
import static dev.trufflexen.xen.abi.X86Pv._PAGE_PSE;
import static dev.trufflexen.xen.abi.X86Pv._PAGE_PWT;
import static dev.trufflexen.xen.abi.X86Pv._PAGE_RW;
import static dev.trufflexen.xen.abi.X86Pv._PAGE_USER;
import static dev.trufflexen.xen.mm.FrameTable.TYPE_L1;
import static dev.trufflexen.xen.mm.FrameTable.TYPE_L2;
import static dev.trufflexen.xen.mm.FrameTable.TYPE_L3;
import static dev.trufflexen.xen.mm.FrameTable.TYPE_L4;

import dev.trufflexen.xen.abi.X86Pv;
import dev.trufflexen.xen.abi.XenErrno;

/**
 * The rules a 64-bit PV guest's page-table entries obey (Xen's get/put_page_from_lNe,
 * promote/demote_lN_table and mod_lN_entry): what an entry may contain, which references it
 * takes, and how one entry of a validated table is replaced.
 *
 * <ul>
 * <li><b>Flags.</b> No entry may set PWT, PCD or PSE (no superpages for PV: a PSE bit in an L2
 * or L3 entry is refused, never walked), and only L1 entries may set GLOBAL; L1 entries may not
 * set the grant bit (62). The cache-attribute bits are refused because no guest of ours may
 * control caching.
 * <li><b>Targets.</b> An L1 entry maps a frame its page owner owns, taking a general reference,
 * and with R/W also the writable type, which fails for a frame typed as a page table or
 * descriptor page. A frame number beyond machine memory is MMIO to Xen, which no guest of ours
 * may map: -EPERM (-EINVAL for the all-ones frame number). An L2-L4 entry links a frame of the
 * same domain as a table of the next level down, validating it if this is its first type
 * reference; failing that it may be a read-only linear entry (see {@link FrameTable}).
 * <li><b>Xen's part.</b> L4 slots 256-271 belong to the hypervisor: never validated, never
 * writable through mmu_update (-EINVAL), and filled by Xen when an L4 is validated (slot 256 the
 * read-only M2P, the others empty).
 * <li><b>Adjustments Xen makes</b> to every present entry it accepts: L1 entries get
 * {@code _PAGE_USER} (kernel pages, which lacked it, also get bit 52, Xen's
 * {@code _PAGE_GUEST_KERNEL}; user pages get {@code _PAGE_GLOBAL}), L2 and L3 entries get
 * {@code _PAGE_USER}, L4 entries {@code _PAGE_USER | _PAGE_ACCESSED}.
 * <li><b>Updates.</b> A new entry that differs from the old one only in bits that do not affect
 * which frame is reached or how (A, D, U, G, NX, the available bits) is written without touching
 * references (Xen's fast path; R/W is not among them, so a read-only mapping can never be turned
 * writable without the writable type being taken). Otherwise the new entry's references are
 * taken first, the entry written, then the old entry's references dropped. With
 * {@code preserveAd} the write keeps the Accessed and Dirty bits the CPU set meanwhile.
 * </ul>
 */
public final class PageTables implements FrameTable.Validator {
    public static final int ENTRIES = 512;
    /** Bit 52: Xen marks L1 entries of kernel pages with it when it forces _PAGE_USER. */
    public static final long PAGE_GUEST_KERNEL = 1L << 52;
    /** Bit 62 (Xen's _PAGE_GNTTAB in L1 entries). */
    public static final long PAGE_GNTTAB = 1L << 62;
    public static final long L1_DISALLOW = _PAGE_PWT | _PAGE_PCD | _PAGE_PSE | PAGE_GNTTAB;
    public static final long UPPER_DISALLOW = _PAGE_PWT | _PAGE_PCD | _PAGE_PSE | _PAGE_GLOBAL;
    /** Bits whose change needs re-validation: the frame, present, R/W and the cache/size bits. */
    private static final long CHANGE_MASK = X86Pv.PADDR_MASK | _PAGE_PRESENT | _PAGE_RW | _PAGE_PWT | _PAGE_PCD | _PAGE_PSE;
    private static final long INVALID_MFN = X86Pv.PADDR_MASK >>> 12;

    private final GuestFrames frames;
    private final FrameTable table;
    private final MachToPhys m2p;

    public PageTables(GuestFrames frames, MachToPhys m2p) {
        this.frames = frames;
        this.table = frames.frameTable();
        this.m2p = m2p;
    }

    public FrameTable frameTable() {
        return table;
    }

    public MachToPhys m2p() {
        return m2p;
    }

    public static long mfnOf(long entry) {
        return (entry & X86Pv.PADDR_MASK) >>> 12;
    }

    public static boolean present(long entry) {
        return (entry & _PAGE_PRESENT) != 0;
    }

    /** Xen's is_guest_l4_slot for a 64-bit PV guest. */
    public static boolean isGuestL4Slot(int slot) {
        return slot < X86Pv.XEN_FIRST_L4_SLOT || slot > X86Pv.XEN_LAST_L4_SLOT;
    }

    public long read(long tableMfn, int index) {
        return frames.read64(tableMfn, index * 8);
    }

    // ---- validation ----

    @Override
    public int promote(long mfn, int type) {
        int domid = table.ownerOf(mfn);
        for (int i = 0; i < ENTRIES; i++) {
            if (type == TYPE_L4 && !isGuestL4Slot(i)) {
                continue;
            }
            long entry = read(mfn, i);
            if (!present(entry)) {
                continue;
            }
            int rc = getFromEntry(type, entry, mfn, domid, domid);
            if (rc != 0) {
                for (int j = i - 1; j >= 0; j--) {
                    if (type != TYPE_L4 || isGuestL4Slot(j)) {
                        putFromEntry(type, read(mfn, j), mfn);
                    }
                }
                return rc;
            }
            long adjusted = adjust(type, entry);
            if (adjusted != entry) {
                frames.write64(mfn, i * 8, adjusted);
            }
        }
        if (type == TYPE_L4) {
            frames.write64(mfn, X86Pv.XEN_FIRST_L4_SLOT * 8, m2p.l4Entry());
            for (int slot = X86Pv.XEN_FIRST_L4_SLOT + 1; slot <= X86Pv.XEN_LAST_L4_SLOT; slot++) {
                frames.write64(mfn, slot * 8, 0);
            }
        }
        return 0;
    }

    @Override
    public void demote(long mfn, int type) {
        for (int i = 0; i < ENTRIES; i++) {
            if (type != TYPE_L4 || isGuestL4Slot(i)) {
                putFromEntry(type, read(mfn, i), mfn);
            }
        }
    }

    /** The references a present entry of a table of {@code type} takes; 0 or -errno (nothing taken). */
    private int getFromEntry(int type, long entry, long tableMfn, int ptOwner, int pgOwner) {
        return type == TYPE_L1 ? getFromL1e(entry, pgOwner) : getFromUpper(type, entry, tableMfn, ptOwner);
    }

    private void putFromEntry(int type, long entry, long tableMfn) {
        if (type == TYPE_L1) {
            putFromL1e(entry);
        } else {
            putFromUpper(entry, tableMfn);
        }
    }

    /** Xen's get_page_from_l1e for a guest without I/O memory. */
    int getFromL1e(long entry, int pgOwner) {
        if ((entry & L1_DISALLOW) != 0) {
            return -XenErrno.EINVAL;
        }
        long mfn = mfnOf(entry);
        if (!table.isValid(mfn)) {
            return mfn == INVALID_MFN ? -XenErrno.EINVAL : -XenErrno.EPERM;
        }
        if (!table.getPage(mfn, pgOwner)) {
            return -XenErrno.EBUSY;
        }
        if ((entry & _PAGE_RW) != 0 && table.getPageType(mfn, FrameTable.TYPE_WRITABLE) != 0) {
            table.putPage(mfn);
            return -XenErrno.EBUSY;
        }
        return 0;
    }

    void putFromL1e(long entry) {
        if (!present(entry)) {
            return;
        }
        long mfn = mfnOf(entry);
        if (!table.isValid(mfn)) {
            return;
        }
        table.stampUnmap(mfn);
        if ((entry & _PAGE_RW) != 0) {
            table.putPageAndType(mfn);
        } else {
            table.putPage(mfn);
        }
    }

    /** Xen's get_page_from_l2e/l3e/l4e: the next level down by reference, else a read-only linear entry. */
    private int getFromUpper(int type, long entry, long tableMfn, int domid) {
        if ((entry & UPPER_DISALLOW) != 0) {
            return -XenErrno.EINVAL;
        }
        long mfn = mfnOf(entry);
        int rc = table.getPageAndType(mfn, domid, type - 1);
        if (rc == -XenErrno.EINVAL && (entry & _PAGE_RW) == 0
                && (mfn == tableMfn || table.getLinear(mfn, tableMfn, domid, type))) {
            rc = 0;
        }
        return rc;
    }

    private void putFromUpper(long entry, long tableMfn) {
        if (!present(entry)) {
            return;
        }
        long mfn = mfnOf(entry);
        if (mfn == tableMfn) {
            return;
        }
        table.putPageType(mfn, tableMfn);
        table.putPage(mfn);
    }

    /** The bits Xen adds to a present entry it accepts into a table of {@code type}. */
    static long adjust(int type, long entry) {
        if (!present(entry)) {
            return entry;
        }
        return switch (type) {
            case TYPE_L1 -> adjustL1(entry);
            case TYPE_L2, TYPE_L3 -> entry | _PAGE_USER;
            default -> entry | _PAGE_USER | _PAGE_ACCESSED;
        };
    }

    private static long adjustL1(long entry) {
        long e = entry;
        if ((e & _PAGE_USER) == 0) {
            e |= PAGE_GUEST_KERNEL | _PAGE_USER;
        }
        if ((e & PAGE_GUEST_KERNEL) == 0) {
            e |= _PAGE_GLOBAL | _PAGE_USER;
        }
        return e;
    }

    /** Xen's fill_ro_mpt: an L4 whose M2P slot was emptied (m2p_strict) gets it back as a kernel table. */
    public void fillReadOnlyM2p(long l4Mfn) {
        if (read(l4Mfn, X86Pv.XEN_FIRST_L4_SLOT) == 0) {
            frames.write64(l4Mfn, X86Pv.XEN_FIRST_L4_SLOT * 8, m2p.l4Entry());
        }
    }

    /** Xen's zap_ro_mpt: a user L4 of an m2p_strict guest does not see the M2P. */
    public void zapReadOnlyM2p(long l4Mfn) {
        frames.write64(l4Mfn, X86Pv.XEN_FIRST_L4_SLOT * 8, 0);
    }

    // ---- updates ----

    /**
     * Replaces entry {@code index} of the validated table {@code tableMfn} of {@code type} with
     * {@code value} (Xen's mod_lN_entry); {@code ptOwner} owns the table, {@code pgOwner} the
     * frames an L1 entry may map. Returns 0 or -errno; on failure nothing has changed.
     */
    public int modify(long tableMfn, int type, int index, long value, boolean preserveAd, int ptOwner, int pgOwner) {
        if (type == TYPE_L4 && !isGuestL4Slot(index)) {
            return -XenErrno.EINVAL;
        }
        long old = read(tableMfn, index);
        long value2 = value;
        if (present(value)) {
            long disallow = type == TYPE_L1 ? L1_DISALLOW : UPPER_DISALLOW;
            if ((value & disallow) != 0) {
                return -XenErrno.EINVAL;
            }
            value2 = adjust(type, value);
            if (((old ^ value2) & CHANGE_MASK) == 0) {
                write(tableMfn, index, old, value2, preserveAd);
                return 0;
            }
            int rc = getFromEntry(type, value2, tableMfn, ptOwner, pgOwner);
            if (rc != 0) {
                return rc;
            }
        }
        write(tableMfn, index, old, value2, preserveAd);
        putFromEntry(type, old, tableMfn);
        return 0;
    }

    /** Xen's update_intpte: a plain store, or with preserveAd a swap that keeps the CPU's A/D bits. */
    private void write(long tableMfn, int index, long old, long value, boolean preserveAd) {
        if (!preserveAd) {
            frames.write64(tableMfn, index * 8, value);
            return;
        }
        long current = old;
        while (!frames.compareAndSwap64(tableMfn, index * 8, current, value | (current & (_PAGE_ACCESSED | _PAGE_DIRTY)))) {
            current = read(tableMfn, index);
        }
    }

    /**
     * The L1 table that maps {@code va} under the L4 {@code l4Mfn} (Xen's map_guest_l1e, through
     * the guest's own tables): -1 when an upper level is not present or is a superpage.
     */
    public long l1TableOf(long l4Mfn, long va) {
        long tableMfn = l4Mfn;
        for (int level = 4; level > 1; level--) {
            long entry = read(tableMfn, (int) ((va >>> (12 + 9 * (level - 1))) & 511));
            if ((entry & (_PAGE_PRESENT | _PAGE_PSE)) != _PAGE_PRESENT) {
                return -1;
            }
            tableMfn = mfnOf(entry);
            if (!table.isValid(tableMfn)) {
                return -1;
            }
        }
        return tableMfn;
    }
}
