package dev.trufflexen.xen.memop;

import dev.trufflexen.xen.hypercall.HypercallContext;
import dev.trufflexen.xen.hypercall.XenError;

/**
 * A guest array of frame numbers ({@code XEN_GUEST_HANDLE(xen_pfn_t)}): the extent lists of the
 * reservation and exchange sub-operations. A failed read or write is reported, never thrown, as
 * Xen's loops stop there and report how far they got.
 */
final class FrameList {
    private final HypercallContext context;
    private final long handle;
    private final byte[] word = new byte[8];

    FrameList(HypercallContext context, long handle) {
        this.context = context;
        this.handle = handle;
    }

    boolean isNull() {
        return handle == 0;
    }

    /** guest_handle_subrange_okay for elements first..last: a sane count and a guest (not hypervisor) address. */
    boolean subrangeOkay(long first, long last) {
        long count = last - first + 1;
        return Long.compareUnsigned(count, -1L >>> 3) < 0 && HypercallContext.accessOk(handle + first * 8);
    }

    /** The element at {@code index}; {@link ListFault} when the guest's list cannot be read there. */
    long read(long index) {
        try {
            context.copyFromGuest(handle + index * 8, word, 0, 8);
        } catch (XenError fault) {
            throw new ListFault();
        }
        long value = 0;
        for (int i = 7; i >= 0; i--) {
            value = (value << 8) | (word[i] & 0xFF);
        }
        return value;
    }

    /** Writes {@code value} at {@code index}; false on a fault. */
    boolean write(long index, long value) {
        for (int i = 0; i < 8; i++) {
            word[i] = (byte) (value >>> (8 * i));
        }
        try {
            context.copyToGuest(handle + index * 8, word, 0, 8);
            return true;
        } catch (XenError fault) {
            return false;
        }
    }

    /** A read of the list faulted. Stackless: a guest can make these as fast as it likes. */
    static final class ListFault extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ListFault() {
            super("guest frame list unreadable", null, false, false);
        }
    }
}
