package dev.trufflexen.xen.pv;

import static dev.trufflexen.xen.abi.Mmu.*;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.xen.abi.Hypercalls;
import dev.trufflexen.xen.abi.Mmu;
import dev.trufflexen.xen.abi.XenErrno;
import dev.trufflexen.xen.hypercall.GuestStruct;
import dev.trufflexen.xen.hypercall.Hypercall;
import dev.trufflexen.xen.hypercall.HypercallContext;
import dev.trufflexen.xen.hypercall.XenError;
import dev.trufflexen.xen.mm.FrameTable;
import dev.trufflexen.xen.mm.GuestFrames;

/**
 * {@code mmuext_op(struct mmuext_op *ops, unsigned int count, unsigned int *pdone,
 * unsigned int foreigndom)}, as Xen's {@code do_mmuext_op}: the ops run in order until one
 * fails, whose -errno is returned; {@code *pdone} (when given) receives how many completed. A
 * long batch is continued with {@link Mmu#MMU_UPDATE_PREEMPTED} in the count, the done count
 * carried in {@code *pdone}.
 *
 * <p>Pinning (L1-L4) validates the table and keeps it typed; unpinning drops that. NEW_BASEPTR
 * and NEW_USER_BASEPTR install an L4 (see {@link PvMmu}). The LOCAL flushes act on the calling
 * vCPU; ALL on every vCPU of the domain and MULTI on those of a mask read from the guest (an
 * unreadable one is -EINVAL), waiting for the others as {@link TlbShootdown} does. FLUSH_CACHE needs a
 * cache-flush privilege no guest has (-EACCES). SET_LDT records the LDT. CLEAR_PAGE and
 * COPY_PAGE write frames the domain owns through their writable type (-EINVAL otherwise).
 * MARK_SUPER/UNMARK_SUPER are -EOPNOTSUPP as in Xen; unknown commands -ENOSYS. A foreign
 * domain is refused before any op runs (-ESRCH or -EPERM).
 */
public final class MmuextOpHypercall implements Hypercall {
    @Override
    public int number() {
        return Hypercalls.__HYPERVISOR_mmuext_op;
    }

    @Override
    public long invoke(HypercallContext context) {
        MmuBatch batch = MmuBatch.of(context);
        if (batch.emptyContinuation()) {
            return batch.foreigndom();
        }
        if (!HypercallContext.accessOk(batch.list())) {
            return -XenErrno.EFAULT;
        }
        int owner = MmuOwners.pageOwner(context, batch.foreigndom() & 0xFFFF);
        if (owner == MmuOwners.NO_OWNER) {
            return -XenErrno.ESRCH;
        }
        if (!MmuOwners.permitted(context, owner)) {
            return -XenErrno.EPERM;
        }
        long ops = batch.list();
        long count = batch.count();
        PvMmu mmu = PvMmu.of(context.domain());
        int rc = 0;
        long i = 0;
        synchronized (mmu.lock()) {
            for (; i < count; i++) {
                if (i > 0 && context.preemptionWanted(1)) {
                    rc = -XenErrno.ERESTART;
                    break;
                }
                try {
                    GuestStruct op = context.copyIn(ops + i * MMUEXT_OP_LAYOUT.size(), MMUEXT_OP_LAYOUT);
                    rc = perform(context, mmu, (int) op.get(MMUEXT_OP_CMD), op.get(MMUEXT_OP_ARG1), op.get(MMUEXT_OP_ARG2));
                } catch (XenError e) {
                    rc = -e.errno();
                }
                if (rc != 0) {
                    break;
                }
            }
        }
        return batch.finish(context, i, rc, MMUEXT_OP_LAYOUT.size());
    }

    private static int perform(HypercallContext context, PvMmu mmu, int cmd, long arg1, long arg2) {
        FrameTable frames = mmu.frames();
        int domid = context.domain().id();
        X86Cpu cpu = context.cpu();
        return switch (cmd) {
            case MMUEXT_PIN_L1_TABLE, MMUEXT_PIN_L2_TABLE, MMUEXT_PIN_L3_TABLE, MMUEXT_PIN_L4_TABLE ->
                frames.pin(arg1, domid, FrameTable.TYPE_L1 + cmd - MMUEXT_PIN_L1_TABLE);
            case MMUEXT_UNPIN_TABLE -> frames.unpin(arg1, domid);
            case MMUEXT_NEW_BASEPTR -> mmu.newBasePointer(cpu, arg1);
            case MMUEXT_NEW_USER_BASEPTR -> mmu.newUserBasePointer(PvEntry.pvVcpu(cpu), arg1);
            case MMUEXT_TLB_FLUSH_LOCAL -> {
                cpu.flushTlb();
                yield 0;
            }
            case MMUEXT_TLB_FLUSH_ALL -> {
                TlbShootdown.flush(context.domain(), null, TlbShootdown.FULL);
                yield 0;
            }
            case MMUEXT_INVLPG_LOCAL -> {
                if (PvVcpu.isCanonical(arg1)) {
                    cpu.invalidatePage(arg1);
                }
                yield 0;
            }
            case MMUEXT_INVLPG_ALL -> {
                if (HypercallContext.accessOk(arg1)) {
                    TlbShootdown.flush(context.domain(), null, arg1);
                }
                yield 0;
            }
            case MMUEXT_TLB_FLUSH_MULTI, MMUEXT_INVLPG_MULTI -> {
                long[] mask = MmuBatch.vcpuMask(context, arg2);
                if (mask == null) {
                    yield -XenErrno.EINVAL;
                }
                if (cmd == MMUEXT_TLB_FLUSH_MULTI) {
                    TlbShootdown.flush(context.domain(), mask, TlbShootdown.FULL);
                } else if (HypercallContext.accessOk(arg1)) {
                    TlbShootdown.flush(context.domain(), mask, arg1);
                }
                yield 0;
            }
            case MMUEXT_FLUSH_CACHE, MMUEXT_FLUSH_CACHE_GLOBAL -> -XenErrno.EACCES;
            case MMUEXT_SET_LDT -> mmu.setLdt(cpu, arg1, arg2 & 0xFFFF_FFFFL);
            case MMUEXT_CLEAR_PAGE -> clearPage(context.domain().frames(), frames, arg1, domid);
            case MMUEXT_COPY_PAGE -> copyPage(context.domain().frames(), frames, arg1, arg2, domid);
            case MMUEXT_MARK_SUPER, MMUEXT_UNMARK_SUPER -> -XenErrno.EOPNOTSUPP;
            default -> -XenErrno.ENOSYS;
        };
    }

    private static int clearPage(GuestFrames memory, FrameTable frames, long mfn, int domid) {
        if (frames.getPageAndType(mfn, domid, FrameTable.TYPE_WRITABLE) != 0) {
            return -XenErrno.EINVAL;
        }
        memory.copyIn(mfn, 0, new byte[4096], 0, 4096);
        frames.putPageAndType(mfn);
        return 0;
    }

    private static int copyPage(GuestFrames memory, FrameTable frames, long dst, long src, int domid) {
        if (!frames.getPage(src, domid)) {
            return -XenErrno.EINVAL;
        }
        if (frames.getPageAndType(dst, domid, FrameTable.TYPE_WRITABLE) != 0) {
            frames.putPage(src);
            return -XenErrno.EINVAL;
        }
        byte[] page = new byte[4096];
        memory.copyOut(src, 0, page, 0, 4096);
        memory.copyIn(dst, 0, page, 0, 4096);
        frames.putPageAndType(dst);
        frames.putPage(src);
        return 0;
    }
}
