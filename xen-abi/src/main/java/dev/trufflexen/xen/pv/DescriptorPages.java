package dev.trufflexen.xen.pv;

import dev.trufflexen.xen.domain.Domain;

/**
 * The one place where a frame becomes a descriptor page (Xen's PGT_seg_desc_page type) or is
 * checked as the target of {@code update_descriptor}.
 *
 * <p>Xen types a GDT frame once: the first {@code get_page_and_type(PGT_seg_desc_page)} validates
 * all 512 descriptors with {@code check_descriptor}, fixing each accepted one in place, and
 * fails while any writable mapping of the frame exists; afterwards the guest can change it only
 * through {@code update_descriptor}. TruffleXen has no frame types yet, so here a frame qualifies
 * when the domain owns it and every descriptor in it is acceptable, and it is validated (and
 * fixed up) on every claim; {@link DescriptorTables} re-checks each descriptor it reads, so a
 * write through a writable mapping cannot smuggle in what Xen would refuse. When the frame table
 * arrives, {@link #claim} and {@link #writableOrDescriptor} take and check the types instead.
 */
final class DescriptorPages {
    static final int DESCRIPTORS_PER_FRAME = 512;

    private DescriptorPages() {
    }

    /** get_page_and_type(mfn, d, PGT_seg_desc_page): false when the frame cannot be a descriptor page. */
    static boolean claim(Domain domain, long mfn) {
        if (!ownedBy(domain, mfn)) {
            return false;
        }
        for (int i = 0; i < DESCRIPTORS_PER_FRAME; i++) {
            if (!SegmentDescriptors.isAcceptable(domain.frames().read64(mfn, i * 8))) {
                return false;
            }
        }
        for (int i = 0; i < DESCRIPTORS_PER_FRAME; i++) {
            long raw = domain.frames().read64(mfn, i * 8);
            long fixed = SegmentDescriptors.fixUp(raw);
            if (fixed != raw) {
                domain.frames().write64(mfn, i * 8, fixed);
            }
        }
        return true;
    }

    /** Drops a claim made by {@link #claim} (put_page_and_type); nothing to drop without frame types. */
    static void release(Domain domain, long mfn) {
    }

    /** update_descriptor's get_page_from_gfn plus its type check: a frame of the domain, a descriptor or writable page. */
    static boolean writableOrDescriptor(Domain domain, long mfn) {
        return ownedBy(domain, mfn);
    }

    /**
     * Whether a claimed frame is still the domain's. Xen's type reference keeps a GDT frame from
     * being freed; without frame types a lookup checks instead, so a frame the guest gave back
     * never shows another owner's data.
     */
    static boolean stillHeld(Domain domain, long mfn) {
        return ownedBy(domain, mfn);
    }

    private static boolean ownedBy(Domain domain, long mfn) {
        return domain.frames().ownerOf(mfn) == domain.id();
    }
}
