package dev.trufflexen.xen.memop;

import static dev.trufflexen.xen.abi.MemoryOp.EXCHANGE_LAYOUT;

import dev.trufflexen.xen.abi.MemoryOp;
import dev.trufflexen.xen.abi.XenErrno;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.hypercall.GuestStruct;
import dev.trufflexen.xen.hypercall.HypercallContext;
import dev.trufflexen.xen.hypercall.XenError;
import dev.trufflexen.xen.mm.DomainMemory;

/**
 * XENMEM_exchange as Xen's {@code memory_exchange} runs it for a PV guest: input extents (named
 * by machine frame) are traded, chunk by chunk, for output extents of another order placed at the
 * pseudo-physical frames of the output list, whose entries are then overwritten with the new
 * machine frames. Each chunk is all or nothing; {@code nr_exchanged} tells the guest how many
 * input extents were traded, and is the only field written back, on success and on failure.
 */
final class MemoryExchange {
    private MemoryExchange() {
    }

    static long run(HypercallContext context, long arg) {
        GuestStruct e = context.copyIn(arg, EXCHANGE_LAYOUT);
        Request q = new Request(context, e);
        long exchanged = q.nrExchanged;
        int errno;
        try {
            errno = q.check();
            if (errno == 0 && exchanged == q.inNr) {
                return 0;
            }
            if (errno == 0) {
                return q.exchange(arg);
            }
        } catch (XenError fault) {
            errno = fault.errno();
        }
        writeExchanged(context, arg, exchanged);
        return -errno;
    }

    /** __copy_field_to_guest(arg, &exch, nr_exchanged); EFAULT when the guest's structure went away. */
    static void writeExchanged(HypercallContext context, long arg, long exchanged) {
        context.copyOut(arg, context.blank(EXCHANGE_LAYOUT).set(MemoryOp.EXCH_NR_EXCHANGED, exchanged));
    }

    /** The exchange as the guest asked for it. */
    private static final class Request {
        final HypercallContext context;
        final FrameList inList;
        final long inNr;
        final long inOrder;
        final int inDomid;
        final FrameList outList;
        final long outNr;
        final long outOrder;
        final long outFlags;
        final int outDomid;
        final long nrExchanged;
        long inChunkOrder;
        long outChunkOrder;
        Domain target;

        Request(HypercallContext context, GuestStruct e) {
            this.context = context;
            inList = new FrameList(context, e.get(MemoryOp.EXCH_IN_EXTENT_START));
            inNr = e.get(MemoryOp.EXCH_IN_NR_EXTENTS);
            inOrder = e.get(MemoryOp.EXCH_IN_EXTENT_ORDER);
            inDomid = (int) e.get(MemoryOp.EXCH_IN_DOMID);
            outList = new FrameList(context, e.get(MemoryOp.EXCH_OUT_EXTENT_START));
            outNr = e.get(MemoryOp.EXCH_OUT_NR_EXTENTS);
            outOrder = e.get(MemoryOp.EXCH_OUT_EXTENT_ORDER);
            outFlags = e.get(MemoryOp.EXCH_OUT_MEM_FLAGS);
            outDomid = (int) e.get(MemoryOp.EXCH_OUT_DOMID);
            nrExchanged = e.get(MemoryOp.EXCH_NR_EXCHANGED);
        }

        /** Xen's checks before any work, in its order; 0 when the exchange may start. */
        int check() {
            if (Math.max(inOrder, outOrder) > DomainMemory.DOMU_MAX_ORDER) {
                return XenErrno.EPERM;
            }
            if (Long.compareUnsigned(nrExchanged, inNr) > 0 || inDomid != outDomid
                    || Long.compareUnsigned(-1L >>> inOrder, inNr) < 0 || Long.compareUnsigned(-1L >>> outOrder, outNr) < 0
                    || inNr << inOrder != outNr << outOrder) {
                return XenErrno.EINVAL;
            }
            if (nrExchanged == inNr) {
                return 0;
            }
            if (!inList.subrangeOkay(nrExchanged, inNr - 1)) {
                return XenErrno.EFAULT;
            }
            if (inOrder <= outOrder) {
                inChunkOrder = outOrder - inOrder;
                outChunkOrder = 0;
                if (!outList.subrangeOkay(nrExchanged >>> inChunkOrder, outNr - 1)) {
                    return XenErrno.EFAULT;
                }
            } else {
                inChunkOrder = 0;
                outChunkOrder = inOrder - outOrder;
                if (!outList.subrangeOkay(nrExchanged << outChunkOrder, outNr - 1)) {
                    return XenErrno.EFAULT;
                }
            }
            if (!Reservation.nodeAccepted(outFlags & ~(long) MemoryOp.XENMEMF_vnode)) {
                return XenErrno.EINVAL;
            }
            target = TargetDomain.byAnyId(context, inDomid);
            if (target == null) {
                return XenErrno.ESRCH;
            }
            if (!TargetDomain.mayTarget(context, target)) {
                return XenErrno.EPERM;
            }
            return 0;
        }

        /** The chunks from nr_exchanged on; the hypercall's result. */
        long exchange(long arg) {
            DomainMemory memory = TargetDomain.memory(target);
            long bits = (outFlags >>> 8) & 0xFF;
            long limit = bits == 0 || bits >= 64 ? Long.MAX_VALUE : bits <= 12 ? 0 : 1L << (bits - 12);
            long firstChunk = nrExchanged >>> inChunkOrder;
            long chunks = inNr >>> inChunkOrder;
            int inPerChunk = 1 << inChunkOrder;
            int outPerChunk = 1 << outChunkOrder;
            long inPages = 1L << inOrder;
            for (long i = firstChunk; i < chunks; i++) {
                if (i != firstChunk && context.preemptionWanted(1)) {
                    writeExchanged(context, arg, i << inChunkOrder);
                    return context.createContinuation(MemoryOp.XENMEM_exchange, arg);
                }
                int errno = chunk(memory, i, inPerChunk, inPages, outPerChunk, limit);
                if (errno != 0) {
                    writeExchanged(context, arg, i << inChunkOrder);
                    return -errno;
                }
            }
            writeExchanged(context, arg, inNr);
            return 0;
        }

        /** One chunk: steal its input pages, allocate and place its output extents; 0 or the errno that failed it. */
        private int chunk(DomainMemory memory, long i, int inPerChunk, long inPages, int outPerChunk, long limit) {
            long[] in = new long[(int) (inPerChunk * inPages)];
            int n = 0;
            for (int j = 0; j < inPerChunk; j++) {
                long gmfn;
                try {
                    gmfn = inList.read((i << inChunkOrder) + j);
                } catch (FrameList.ListFault fault) {
                    return XenErrno.EFAULT;
                }
                for (long k = 0; k < inPages; k++) {
                    if (!memory.isStealable(gmfn + k)) {
                        return XenErrno.EINVAL;
                    }
                    in[n++] = gmfn + k;
                }
            }
            long[] out;
            try {
                out = memory.exchange(in, outPerChunk, (int) outOrder, limit);
            } catch (DomainMemory.ExchangeFailure failure) {
                return failure.errno();
            }
            int errno = 0;
            for (int j = 0; j < outPerChunk; j++) {
                long index = (i << outChunkOrder) + j;
                long gpfn;
                try {
                    gpfn = outList.read(index);
                } catch (FrameList.ListFault fault) {
                    errno = XenErrno.EFAULT;
                    continue;
                }
                memory.physmapAdd(out[j], gpfn, (int) outOrder);
                if (!outList.write(index, out[j])) {
                    errno = XenErrno.EFAULT;
                }
            }
            return errno;
        }
    }
}
