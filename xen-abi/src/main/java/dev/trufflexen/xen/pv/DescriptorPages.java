package dev.trufflexen.xen.pv;

import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.mm.FrameTable;

/**
 * The one place where a frame becomes a descriptor page (Xen's PGT_seg_desc_page type, in the
 * domain's {@link FrameTable}) or is checked as the target of {@code update_descriptor}.
 *
 * <p>A GDT frame is claimed with a general and a seg_desc type reference, which fails while the
 * frame is the domain's in another type (a writable mapping of it exists, or it is a page
 * table), and all 512 descriptors must pass {@code check_descriptor}, each accepted one fixed up
 * in place, as Xen's validate_segdesc_page does. Afterwards the guest can change the frame only
 * through {@code update_descriptor}, and the frame cannot leave the domain until the GDT is
 * replaced or the domain stops ({@link #release}).
 */
final class DescriptorPages {
    static final int DESCRIPTORS_PER_FRAME = 512;

    private DescriptorPages() {
    }

    /** get_page_and_type(mfn, d, PGT_seg_desc_page) with the page's validation: false when the frame cannot be one. */
    static boolean claim(Domain domain, long mfn) {
        PvMmu mmu = PvMmu.of(domain);
        synchronized (mmu.lock()) {
            FrameTable frames = mmu.frames();
            if (frames.getPageAndType(mfn, domain.id(), FrameTable.TYPE_SEG_DESC) != 0) {
                return false;
            }
            for (int i = 0; i < DESCRIPTORS_PER_FRAME; i++) {
                if (!SegmentDescriptors.isAcceptable(domain.frames().read64(mfn, i * 8))) {
                    frames.putPageAndType(mfn);
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
    }

    /** put_page_and_type of a claimed frame. */
    static void release(Domain domain, long mfn) {
        PvMmu.of(domain).frames().putPageAndType(mfn);
    }

    /**
     * update_descriptor's frame rules: a frame of the domain that is a descriptor page or can be a
     * writable one (not a page table); {@code descriptor} is written while the frame is held.
     * False, with nothing written, otherwise.
     */
    static boolean write(Domain domain, long mfn, int offset, long descriptor) {
        PvMmu mmu = PvMmu.of(domain);
        synchronized (mmu.lock()) {
            FrameTable frames = mmu.frames();
            if (!frames.getPage(mfn, domain.id())) {
                return false;
            }
            int type = frames.type(mfn) == FrameTable.TYPE_SEG_DESC ? FrameTable.TYPE_SEG_DESC : FrameTable.TYPE_WRITABLE;
            if (frames.getPageType(mfn, type) != 0) {
                frames.putPage(mfn);
                return false;
            }
            domain.frames().write64(mfn, offset, descriptor);
            frames.putPageType(mfn);
            frames.putPage(mfn);
            return true;
        }
    }
}
