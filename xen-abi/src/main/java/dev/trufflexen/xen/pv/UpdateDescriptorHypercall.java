package dev.trufflexen.xen.pv;

import dev.trufflexen.xen.abi.Hypercalls;
import dev.trufflexen.xen.abi.XenErrno;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.hypercall.Hypercall;
import dev.trufflexen.xen.hypercall.HypercallContext;
import dev.trufflexen.xen.hypercall.XenError;

/**
 * {@code update_descriptor(u64 ma, u64 desc)}, as Xen's {@code do_update_descriptor}: writes one
 * descriptor at machine address {@code ma}, the way a PV guest changes a GDT or LDT page it may
 * no longer write directly.
 * <ul>
 * <li>{@code ma} not 8-byte aligned, or a descriptor {@code check_descriptor} refuses: -EINVAL.
 * <li>A frame that is not the domain's, or is a page table (neither a descriptor page nor able to
 * be a writable one): -EINVAL.
 * <li>Otherwise the descriptor is stored as check_descriptor fixed it (DPL raised to 3, call
 * gates' DPL moved into the target selector's RPL).
 * </ul>
 */
public final class UpdateDescriptorHypercall implements Hypercall {
    private static final int PAGE_SHIFT = 12;

    @Override
    public int number() {
        return Hypercalls.__HYPERVISOR_update_descriptor;
    }

    @Override
    public long invoke(HypercallContext context) {
        long ma = context.ulongArg(0);
        long desc = context.ulongArg(1);
        if ((ma & 7) != 0 || !SegmentDescriptors.isAcceptable(desc)) {
            throw new XenError(XenErrno.EINVAL, String.format("update_descriptor: %#x at %#x", desc, ma));
        }
        Domain domain = context.domain();
        long mfn = ma >>> PAGE_SHIFT;
        if (!DescriptorPages.write(domain, mfn, (int) (ma & 0xFFF), SegmentDescriptors.fixUp(desc))) {
            throw new XenError(XenErrno.EINVAL, String.format("update_descriptor: frame %#x", mfn));
        }
        return 0;
    }
}
