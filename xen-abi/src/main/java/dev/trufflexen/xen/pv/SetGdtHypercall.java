package dev.trufflexen.xen.pv;

import dev.trufflexen.xen.abi.Hypercalls;
import dev.trufflexen.xen.abi.XenErrno;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.hypercall.Hypercall;
import dev.trufflexen.xen.hypercall.HypercallContext;
import dev.trufflexen.xen.hypercall.XenError;

/**
 * {@code set_gdt(xen_ulong_t *frame_list, unsigned int entries)}, as Xen's {@code do_set_gdt} and
 * {@code pv_set_gdt}: installs a new guest GDT of {@code entries} descriptors in
 * DIV_ROUND_UP(entries, 512) machine frames.
 * <ul>
 * <li>More entries than the 14 pages below Xen's reserved GDT page hold (7168) is -EINVAL, before
 * the list is read.
 * <li>An unreadable frame list is -EFAULT.
 * <li>Every frame must belong to the domain and become a descriptor page (no writable mapping
 * of it, not a page table, all 512 descriptors acceptable to {@code check_descriptor}:
 * {@link DescriptorPages}), else -EINVAL and the old GDT stays.
 * </ul>
 * {@code entries} 0 removes the guest GDT (only Xen's reserved page remains).
 */
public final class SetGdtHypercall implements Hypercall {
    private final long[] frames = new long[DescriptorTables.MAX_GDT_FRAMES];
    private final byte[] list = new byte[DescriptorTables.MAX_GDT_FRAMES * 8];

    @Override
    public int number() {
        return Hypercalls.__HYPERVISOR_set_gdt;
    }

    @Override
    public synchronized long invoke(HypercallContext context) {
        long handle = context.handleArg(0);
        long entries = context.uintArg(1);
        if (entries > SegmentDescriptors.FIRST_RESERVED_GDT_ENTRY) {
            throw new XenError(XenErrno.EINVAL, "set_gdt: " + entries + " entries");
        }
        int count = DescriptorTables.framesFor((int) entries);
        context.copyFromGuest(handle, list, 0, count * 8);
        for (int i = 0; i < count; i++) {
            frames[i] = java.nio.ByteBuffer.wrap(list, i * 8, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        }
        Domain domain = context.domain();
        DescriptorTables tables = PvEntry.pvVcpu(context.cpu()).descriptorTables();
        for (int i = 0; i < count; i++) {
            if (!DescriptorPages.claim(domain, frames[i])) {
                for (int j = 0; j < i; j++) {
                    DescriptorPages.release(domain, frames[j]);
                }
                throw new XenError(XenErrno.EINVAL, String.format("set_gdt: frame %#x is not a descriptor page of the domain",
                        frames[i]));
            }
        }
        tables.releaseGdt();
        tables.setGdt(frames, (int) entries);
        context.cpu().mmu().flush();
        return 0;
    }
}
