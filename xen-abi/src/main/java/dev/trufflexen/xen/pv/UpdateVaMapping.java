package dev.trufflexen.xen.pv;

import static dev.trufflexen.xen.abi.Mmu.UVMF_ALL;
import static dev.trufflexen.xen.abi.Mmu.UVMF_FLUSHTYPE_MASK;
import static dev.trufflexen.xen.abi.Mmu.UVMF_INVLPG;
import static dev.trufflexen.xen.abi.Mmu.UVMF_LOCAL;
import static dev.trufflexen.xen.abi.Mmu.UVMF_TLB_FLUSH;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.memory.MachineMemory;
import dev.trufflexen.xen.abi.XenErrno;
import dev.trufflexen.xen.hypercall.HypercallContext;
import dev.trufflexen.xen.mm.FrameTable;

/**
 * Xen's {@code __do_update_va_mapping}, shared by update_va_mapping and its otherdomain form:
 * the L1 entry that maps {@code va} in the vCPU's current address space is replaced as by
 * mmu_update (the L1 found through the guest's own tables; -EINVAL when {@code va} is outside the
 * guest's range, an upper level is missing, or the table is not a validated L1 of this domain),
 * then the TLB is flushed as the flags ask: UVMF_TLB_FLUSH or UVMF_INVLPG, for the local vCPU, all
 * of the domain's (UVMF_ALL), or the vCPUs of a mask the flags point to (-EFAULT when it cannot be
 * read), remote vCPUs as {@link TlbShootdown} flushes them. A failed update flushes nothing.
 */
final class UpdateVaMapping {
    private UpdateVaMapping() {
    }

    static long update(HypercallContext context, long va, long value, long flags, int pgOwner) {
        PvMmu mmu = PvMmu.of(context.domain());
        X86Cpu cpu = context.cpu();
        int self = context.domain().id();
        int rc;
        synchronized (mmu.lock()) {
            rc = modify(mmu, cpu, va, value, self, pgOwner);
        }
        if (rc != 0) {
            return rc;
        }
        long type = flags & UVMF_FLUSHTYPE_MASK;
        if (type != UVMF_TLB_FLUSH && type != UVMF_INVLPG) {
            return 0;
        }
        long target = flags & ~UVMF_FLUSHTYPE_MASK;
        if (target == UVMF_LOCAL) {
            if (type == UVMF_TLB_FLUSH) {
                cpu.flushTlb();
            } else if (PvVcpu.isCanonical(va)) {
                cpu.invalidatePage(va);
            }
            return 0;
        }
        long[] mask = null;
        if (target != UVMF_ALL) {
            mask = MmuBatch.vcpuMask(context, target);
            if (mask == null) {
                // Xen flushes what it read (nothing) and reports the fault.
                return -XenErrno.EFAULT;
            }
        }
        if (type == UVMF_TLB_FLUSH) {
            TlbShootdown.flush(context.domain(), mask, TlbShootdown.FULL);
        } else if (HypercallContext.accessOk(va)) {
            TlbShootdown.flush(context.domain(), mask, va);
        }
        return rc;
    }

    private static int modify(PvMmu mmu, X86Cpu cpu, long va, long value, int self, int pgOwner) {
        if (!HypercallContext.accessOk(va)) {
            return -XenErrno.EINVAL;
        }
        long l1 = mmu.tables().l1TableOf(cpu.cr3() >>> MachineMemory.PAGE_SHIFT, va);
        FrameTable frames = mmu.frames();
        if (l1 < 0 || !frames.getPage(l1, self)) {
            return -XenErrno.EINVAL;
        }
        try {
            if (frames.type(l1) != FrameTable.TYPE_L1 || frames.typeCount(l1) == 0 || !frames.isValidated(l1)) {
                return -XenErrno.EINVAL;
            }
            return mmu.tables().modify(l1, FrameTable.TYPE_L1, (int) ((va >>> 12) & 511), value, false, self, pgOwner);
        } finally {
            frames.putPage(l1);
        }
    }
}
