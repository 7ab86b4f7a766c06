package dev.trufflexen.xen.pv;

import dev.trufflexen.xen.abi.HypercallPage;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.mm.FrameTable;

/**
 * WRMSR 0x40000000, Xen's hypercall-page MSR ({@code guest_wrmsr_xen}, index 0): the value names
 * a frame by machine address (a PV domain's frame numbers are machine frame numbers) and Xen
 * writes a fresh hypercall page into it. The low 12 bits must be 0 (a page index above 0 is
 * refused), and the frame must be the domain's own and able to take the writable type (not a page
 * table, not a descriptor page in use); anything else is #GP(0). A read of the MSR gives 0.
 */
final class HypercallPageMsr {
    static final int MSR_XEN_HYPERCALL_PAGE = 0x4000_0000;
    private static final long PAGE_INDEX_MASK = 0xFFF;

    private HypercallPageMsr() {
    }

    /** True when the page was written, false for #GP(0). */
    static boolean write(Domain domain, long value) {
        if ((value & PAGE_INDEX_MASK) != 0) {
            return false;
        }
        long mfn = value >>> 12;
        FrameTable frames = PvMmu.of(domain).frames();
        if (frames.getPageAndType(mfn, domain.id(), FrameTable.TYPE_WRITABLE) != 0) {
            return false;
        }
        try {
            byte[] page = HypercallPage.contents();
            domain.frames().copyIn(mfn, 0, page, 0, page.length);
        } finally {
            frames.putPageAndType(mfn);
        }
        return true;
    }
}
