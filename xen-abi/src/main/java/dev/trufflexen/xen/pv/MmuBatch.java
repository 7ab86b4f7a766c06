package dev.trufflexen.xen.pv;

import dev.trufflexen.xen.abi.Mmu;
import dev.trufflexen.xen.abi.XenErrno;
import dev.trufflexen.xen.hypercall.HypercallContext;

/**
 * What the batched MMU hypercalls ({@code mmu_update}, {@code mmuext_op}) share: their four
 * arguments (list, count, done pointer, foreign domain), the continuation protocol
 * (MMU_UPDATE_PREEMPTED in the count, the done count carried in {@code *pdone}), and vCPU masks.
 */
record MmuBatch(long list, long count, long pdone, int foreigndom, long doneBefore, boolean emptyContinuation) {
    /** Reads the arguments; a continued batch gets its done count back from {@code *pdone}. */
    static MmuBatch of(HypercallContext context) {
        long list = context.handleArg(0);
        long count = context.uintArg(1);
        long pdone = context.handleArg(2);
        int foreigndom = context.intArg(3);
        if (count == Mmu.MMU_UPDATE_PREEMPTED && list == 0) {
            return new MmuBatch(list, 0, pdone, foreigndom, 0, true);
        }
        long done = 0;
        if ((count & Mmu.MMU_UPDATE_PREEMPTED) != 0) {
            count &= ~Mmu.MMU_UPDATE_PREEMPTED;
            if (pdone != 0) {
                done = readDone(context, pdone);
            }
        }
        return new MmuBatch(list, count, pdone, foreigndom, done, false);
    }

    /**
     * Ends the hypercall after {@code done} items with {@code rc}: -ERESTART becomes a
     * continuation over the rest, and {@code *pdone} gets the running count.
     */
    long finish(HypercallContext context, long done, int rc, int itemSize) {
        long result = rc;
        if (rc == -XenErrno.ERESTART) {
            result = context.createContinuation(list + done * itemSize, (count - done) | Mmu.MMU_UPDATE_PREEMPTED, pdone,
                    foreigndom);
        }
        if (pdone != 0) {
            writeDone(context, pdone, doneBefore + done);
        }
        return result;
    }

    /** The done count a continued batch carries in {@code *pdone}; 0 when unreadable (Xen ignores the failure). */
    static long readDone(HypercallContext context, long pdone) {
        byte[] bytes = new byte[4];
        if (!HypercallContext.accessOk(pdone) || !context.cpu().copyFromGuest(pdone, bytes, 0, 4)) {
            return 0;
        }
        return (bytes[0] & 0xFFL) | (bytes[1] & 0xFFL) << 8 | (bytes[2] & 0xFFL) << 16 | (bytes[3] & 0xFFL) << 24;
    }

    /** Stores the done count (a failure to store is ignored, as Xen ignores it). */
    static void writeDone(HypercallContext context, long pdone, long done) {
        byte[] bytes = {(byte) done, (byte) (done >>> 8), (byte) (done >>> 16), (byte) (done >>> 24)};
        if (HypercallContext.accessOk(pdone)) {
            context.cpu().copyToGuest(pdone, bytes, 0, 4);
        }
    }

    /**
     * Xen's vcpumask_to_pcpumask: the guest's vCPU bitmap, one unsigned long per 64 vCPUs up to
     * the domain's max_vcpus; null when a word cannot be read.
     */
    static long[] vcpuMask(HypercallContext context, long mask) {
        int words = (context.domain().maxVcpus() + Long.SIZE - 1) / Long.SIZE;
        long[] bits = new long[words];
        byte[] word = new byte[8];
        for (int i = 0; i < words; i++) {
            long at = mask + 8L * i;
            if (!HypercallContext.accessOk(at) || !context.cpu().copyFromGuest(at, word, 0, 8)) {
                return null;
            }
            for (int b = 0; b < 8; b++) {
                bits[i] |= (word[b] & 0xFFL) << (8 * b);
            }
        }
        return bits;
    }
}
