package dev.trufflexen.xen.memop;

import static dev.trufflexen.xen.abi.MemoryOp.MEMOP_EXTENT_SHIFT;
import static dev.trufflexen.xen.abi.MemoryOp.XENMEMF_exact_node_request;
import static dev.trufflexen.xen.abi.MemoryOp.XENMEMF_populate_on_demand;
import static dev.trufflexen.xen.abi.MemoryOp.XENMEMF_vnode;
import static dev.trufflexen.xen.abi.MemoryOp.XENMEM_decrease_reservation;
import static dev.trufflexen.xen.abi.MemoryOp.XENMEM_increase_reservation;

import dev.trufflexen.x86.memory.MachineMemory;
import dev.trufflexen.xen.abi.MemoryOp;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.hypercall.GuestStruct;
import dev.trufflexen.xen.hypercall.HypercallContext;
import dev.trufflexen.xen.hypercall.XenError;
import dev.trufflexen.xen.mm.DomainMemory;

/**
 * XENMEM_increase_reservation, XENMEM_decrease_reservation and XENMEM_populate_physmap, as
 * Xen's {@code do_memory_op} runs them: the result is the number of extents done (never an
 * error code; a bad argument simply stops at the start extent), the work continues from the
 * start extent in the command's upper bits, and a long request is preempted with a continuation
 * that puts the extents done so far there.
 */
final class Reservation {
    /** The most extents whose count still fits the continuation encoding (UINT_MAX >> MEMOP_EXTENT_SHIFT). */
    static final long MAX_EXTENTS = 0xFFFF_FFFFL >>> MEMOP_EXTENT_SHIFT;

    private Reservation() {
    }

    static long run(HypercallContext context, int op, long startExtent, long arg) {
        GuestStruct r;
        try {
            r = context.copyIn(arg, MemoryOp.RESERVATION_LAYOUT);
        } catch (XenError fault) {
            return startExtent;
        }
        FrameList list = new FrameList(context, r.get(MemoryOp.RES_EXTENT_START));
        long nrExtents = r.get(MemoryOp.RES_NR_EXTENTS);
        long order = r.get(MemoryOp.RES_EXTENT_ORDER);
        long memFlags = r.get(MemoryOp.RES_MEM_FLAGS);
        int domid = (int) r.get(MemoryOp.RES_DOMID);
        if (Long.compareUnsigned(nrExtents, MAX_EXTENTS) > 0 || Long.compareUnsigned(startExtent, nrExtents) >= 0) {
            return startExtent;
        }
        Domain target = TargetDomain.byAnyId(context, domid);
        if (target == null) {
            return startExtent;
        }
        DomainMemory memory = TargetDomain.memory(target);
        long limit = allocationLimit(memory, memFlags);
        if (limit == 0 || !nodeAccepted(memFlags)) {
            return startExtent;
        }
        if (!TargetDomain.mayTarget(context, target)) {
            return startExtent;
        }
        boolean populateOnDemand = op == MemoryOp.XENMEM_populate_physmap && (memFlags & XENMEMF_populate_on_demand) != 0;
        Run run = new Run(context, memory, list, nrExtents, order, limit, startExtent);
        switch (op) {
            case XENMEM_increase_reservation -> run.increase();
            case XENMEM_decrease_reservation -> run.decrease();
            default -> run.populate(populateOnDemand, target == context.domain());
        }
        if (run.preempted) {
            return context.createContinuation(op | (run.done << MEMOP_EXTENT_SHIFT), arg);
        }
        return run.done;
    }

    /**
     * construct_memop_from_reservation's address width: one past the highest frame an extent
     * may use, Long.MAX_VALUE for any, 0 when the width is refused (12 bits or fewer).
     */
    static long allocationLimit(DomainMemory memory, long memFlags) {
        int bits = (int) (memFlags >>> 8) & 0xFF;
        int widest = orderOfPages(memory.maxMachinePage()) + MachineMemory.PAGE_SHIFT;
        if (bits == 0 || bits >= widest) {
            return Long.MAX_VALUE;
        }
        return bits <= MachineMemory.PAGE_SHIFT ? 0 : 1L << (bits - MachineMemory.PAGE_SHIFT);
    }

    /** Xen's get_order_from_pages: the smallest order whose extent holds {@code pages}. */
    static int orderOfPages(long pages) {
        int order = 0;
        while ((1L << order) < pages) {
            order++;
        }
        return order;
    }

    /**
     * propagate_node for an unprivileged caller (no vNUMA): a node is ignored, but an exact node
     * request cannot be honoured. XENMEMF_vnode without vNUMA information skips the test.
     */
    static boolean nodeAccepted(long memFlags) {
        if ((memFlags & XENMEMF_vnode) != 0 || (memFlags & 0xFF) == 0) {
            return true;
        }
        return (memFlags & XENMEMF_exact_node_request) == 0;
    }

    /** One piece of a reservation sub-operation: extents from {@code done} on. */
    private static final class Run {
        final HypercallContext context;
        final DomainMemory memory;
        final FrameList list;
        final long nrExtents;
        final long order;
        final long limit;
        final long first;
        long done;
        boolean preempted;

        Run(HypercallContext context, DomainMemory memory, FrameList list, long nrExtents, long order, long limit,
                long first) {
            this.context = context;
            this.memory = memory;
            this.list = list;
            this.nrExtents = nrExtents;
            this.order = order;
            this.limit = limit;
            this.first = first;
            this.done = first;
        }

        /** hypercall_preempt_check, never before the first extent of a piece. */
        boolean preempt(long i) {
            if (i != first && context.preemptionWanted(1)) {
                preempted = true;
                return true;
            }
            return false;
        }

        void increase() {
            if (!list.isNull() && !list.subrangeOkay(first, nrExtents - 1) || order > DomainMemory.DOMU_MAX_ORDER) {
                return;
            }
            for (long i = first; i < nrExtents; i++, done = i) {
                if (preempt(i)) {
                    return;
                }
                long mfn = memory.allocateExtent((int) order, limit);
                if (mfn < 0 || !list.isNull() && !list.write(i, mfn)) {
                    return;
                }
            }
        }

        void populate(boolean onDemand, boolean onSelf) {
            long maxOrder = onDemand ? DomainMemory.MAX_ORDER : DomainMemory.DOMU_MAX_ORDER;
            if (!list.subrangeOkay(first, nrExtents - 1) || order > maxOrder) {
                return;
            }
            try {
                for (long i = first; i < nrExtents; i++, done = i) {
                    if (preempt(i)) {
                        return;
                    }
                    long gpfn = list.read(i);
                    if (onDemand) {
                        if (onSelf) {
                            return;
                        }
                        continue;
                    }
                    long mfn = memory.allocateExtent((int) order, limit);
                    if (mfn < 0) {
                        return;
                    }
                    memory.physmapAdd(mfn, gpfn, (int) order);
                    if (!list.write(i, mfn)) {
                        return;
                    }
                }
            } catch (FrameList.ListFault fault) {
                return;
            }
        }

        void decrease() {
            if (!list.subrangeOkay(first, nrExtents - 1) || order > DomainMemory.DOMU_MAX_ORDER) {
                return;
            }
            try {
                for (long i = first; i < nrExtents; i++, done = i) {
                    if (preempt(i)) {
                        return;
                    }
                    long gmfn = list.read(i);
                    for (long j = 0; j < 1L << order; j++) {
                        if (memory.removePage(gmfn + j) != 0) {
                            return;
                        }
                    }
                }
            } catch (FrameList.ListFault fault) {
                return;
            }
        }
    }
}
