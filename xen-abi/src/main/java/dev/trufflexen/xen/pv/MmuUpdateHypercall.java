package dev.trufflexen.xen.pv;

import static dev.trufflexen.xen.abi.Mmu.MMU_MACHPHYS_UPDATE;
import static dev.trufflexen.xen.abi.Mmu.MMU_NORMAL_PT_UPDATE;
import static dev.trufflexen.xen.abi.Mmu.MMU_PT_UPDATE_NO_TRANSLATE;
import static dev.trufflexen.xen.abi.Mmu.MMU_PT_UPDATE_PRESERVE_AD;
import static dev.trufflexen.xen.abi.Mmu.MMU_UPDATE_LAYOUT;
import static dev.trufflexen.xen.abi.Mmu.MMU_UPDATE_PREEMPTED;
import static dev.trufflexen.xen.abi.Mmu.MMU_UPDATE_PTR;
import static dev.trufflexen.xen.abi.Mmu.MMU_UPDATE_VAL;

import dev.trufflexen.xen.abi.Hypercalls;
import dev.trufflexen.xen.abi.XenErrno;
import dev.trufflexen.xen.hypercall.GuestStruct;
import dev.trufflexen.xen.hypercall.Hypercall;
import dev.trufflexen.xen.hypercall.HypercallContext;
import dev.trufflexen.xen.hypercall.XenError;
import dev.trufflexen.xen.mm.FrameTable;
import dev.trufflexen.xen.mm.PageTables;

/**
 * {@code mmu_update(struct mmu_update *reqs, unsigned int count, unsigned int *pdone,
 * unsigned int foreigndom)}, as Xen's {@code do_mmu_update}. Each request names a machine
 * address in {@code ptr} (its low 3 bits the command) and a value:
 *
 * <ul>
 * <li>MMU_NORMAL_PT_UPDATE, MMU_PT_UPDATE_PRESERVE_AD, MMU_PT_UPDATE_NO_TRANSLATE: write the
 * 8-byte entry at {@code ptr}. In a validated page table the entry is checked and its references
 * moved ({@link PageTables#modify}); in any other frame of the domain the frame takes the
 * writable type for the write, which fails (-EINVAL) for a page table in the middle of being
 * used otherwise or a descriptor page. L2-L4 entries may only map frames of the table's own
 * domain; a changed L2-L4 entry flushes the TLB as Xen does.
 * <li>MMU_MACHPHYS_UPDATE: set the M2P entry of a frame the page owner owns.
 * </ul>
 *
 * <p>{@code foreigndom}'s low 16 bits name the page owner (DOMID_SELF, DOMID_IO, or another
 * domain, which no unprivileged guest may use: -EPERM), its high 16 bits (plus one) the table
 * owner. Requests run in order until one fails; {@code *pdone} counts those that succeeded.
 * Long batches are continued.
 */
public final class MmuUpdateHypercall implements Hypercall {
    /** Entries done between preemption checks. */
    private static final int ENTRIES_PER_UNIT = 16;

    @Override
    public int number() {
        return Hypercalls.__HYPERVISOR_mmu_update;
    }

    @Override
    public long invoke(HypercallContext context) {
        long reqs = context.handleArg(0);
        long count = context.uintArg(1);
        long pdone = context.handleArg(2);
        int foreigndom = context.intArg(3);
        if (count == MMU_UPDATE_PREEMPTED && reqs == 0) {
            return foreigndom;
        }
        long done = 0;
        if ((count & MMU_UPDATE_PREEMPTED) != 0) {
            count &= ~MMU_UPDATE_PREEMPTED;
            if (pdone != 0) {
                done = MmuBatch.readDone(context, pdone);
            }
        }
        if (!HypercallContext.accessOk(reqs)) {
            return -XenErrno.EFAULT;
        }
        int self = context.domain().id();
        int ptDom = (foreigndom >>> 16) & 0xFFFF;
        boolean foreignTables = false;
        long i = 0;
        int rc = 0;
        if (ptDom != 0) {
            int ptOwner = ptDom - 1;
            if (ptOwner != self) {
                if (context.domain().registry().lookup(ptOwner).isEmpty()) {
                    return finish(context, pdone, done, -XenErrno.ESRCH);
                }
                foreignTables = true;
            }
        }
        int pgOwner = MmuOwners.pageOwner(context, foreigndom & 0xFFFF);
        if (pgOwner == MmuOwners.NO_OWNER) {
            return finish(context, pdone, done, -XenErrno.ESRCH);
        }
        PvMmu mmu = PvMmu.of(context.domain());
        boolean flushTlb = false;
        synchronized (mmu.lock()) {
            for (; i < count; i++) {
                if (i > 0 && (i % ENTRIES_PER_UNIT) == 0 && context.preemptionWanted(1)) {
                    rc = -XenErrno.ERESTART;
                    break;
                }
                try {
                    GuestStruct req = context.copyIn(reqs + i * MMU_UPDATE_LAYOUT.size(), MMU_UPDATE_LAYOUT);
                    long ptr = req.get(MMU_UPDATE_PTR);
                    long val = req.get(MMU_UPDATE_VAL);
                    int cmd = (int) (ptr & 7);
                    rc = switch (cmd) {
                        case MMU_NORMAL_PT_UPDATE, MMU_PT_UPDATE_PRESERVE_AD, MMU_PT_UPDATE_NO_TRANSLATE -> {
                            if (foreignTables || !(pgOwner == self || pgOwner == dev.trufflexen.xen.abi.DomainIds.DOMID_IO)) {
                                yield -XenErrno.EPERM;
                            }
                            int r = updateEntry(context, mmu, ptr - cmd, val, cmd == MMU_PT_UPDATE_PRESERVE_AD, pgOwner);
                            if (r > 0) {
                                flushTlb = true;
                                r = 0;
                            }
                            yield r;
                        }
                        case MMU_MACHPHYS_UPDATE -> machPhysUpdate(context, mmu, ptr >>> 12, val, foreignTables, pgOwner);
                        default -> -XenErrno.ENOSYS;
                    };
                } catch (XenError e) {
                    rc = -e.errno();
                }
                if (rc != 0) {
                    break;
                }
            }
        }
        if (flushTlb) {
            context.cpu().flushTlb();
        }
        long result = rc;
        if (rc == -XenErrno.ERESTART) {
            result = context.createContinuation(reqs + i * MMU_UPDATE_LAYOUT.size(), (count - i) | MMU_UPDATE_PREEMPTED, pdone,
                    foreigndom);
        }
        return finish(context, pdone, done + i, result);
    }

    private static long finish(HypercallContext context, long pdone, long done, long result) {
        if (pdone != 0) {
            MmuBatch.writeDone(context, pdone, done);
        }
        return result;
    }

    /** One entry write; 1 when an L2-L4 entry changed (the TLB must be flushed), else 0 or -errno. */
    private static int updateEntry(HypercallContext context, PvMmu mmu, long ptr, long val, boolean preserveAd, int pgOwner) {
        FrameTable frames = mmu.frames();
        int self = context.domain().id();
        long mfn = ptr >>> 12;
        if (!frames.getPage(mfn, self)) {
            return -XenErrno.EINVAL;
        }
        try {
            int offset = (int) (ptr & 0xFFF);
            int type = frames.type(mfn);
            if (frames.typeCount(mfn) > 0 && frames.isValidated(mfn)) {
                if (type == FrameTable.TYPE_L1) {
                    return mmu.tables().modify(mfn, type, offset >>> 3, val, preserveAd, self, pgOwner);
                }
                if (FrameTable.isPageTable(type)) {
                    if (pgOwner != self) {
                        return -XenErrno.EINVAL;
                    }
                    int rc = mmu.tables().modify(mfn, type, offset >>> 3, val, preserveAd, self, self);
                    return rc == 0 ? 1 : rc;
                }
                if (type == FrameTable.TYPE_WRITABLE) {
                    context.domain().frames().write64(mfn, offset, val);
                    return 0;
                }
                return -XenErrno.EINVAL;
            }
            if (frames.getPageType(mfn, FrameTable.TYPE_WRITABLE) != 0) {
                return -XenErrno.EINVAL;
            }
            context.domain().frames().write64(mfn, offset, val);
            frames.putPageType(mfn);
            return 0;
        } finally {
            frames.putPage(mfn);
        }
    }

    private static int machPhysUpdate(HypercallContext context, PvMmu mmu, long mfn, long pfn, boolean foreignTables,
            int pgOwner) {
        if (foreignTables) {
            return -XenErrno.EPERM;
        }
        if (pgOwner != context.domain().id() && pgOwner != dev.trufflexen.xen.abi.DomainIds.DOMID_IO) {
            return -XenErrno.EPERM;
        }
        FrameTable frames = mmu.frames();
        if (!frames.getPage(mfn, pgOwner)) {
            return -XenErrno.EINVAL;
        }
        mmu.m2p().set(mfn, pfn);
        frames.putPage(mfn);
        return 0;
    }
}
