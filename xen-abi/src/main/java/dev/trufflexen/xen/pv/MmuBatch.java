package dev.trufflexen.xen.pv;

import dev.trufflexen.xen.hypercall.HypercallContext;

/** What the batched MMU hypercalls share: the guest's done counter and vCPU masks. */
final class MmuBatch {
    private MmuBatch() {
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
     * Xen's vcpumask_to_pcpumask for a domain with one vCPU: reads the first word of the mask;
     * 1 when vCPU 0 is in it, 0 when not, -1 when the mask cannot be read.
     */
    static int vcpuMask(HypercallContext context, long mask) {
        byte[] word = new byte[8];
        if (!HypercallContext.accessOk(mask) || !context.cpu().copyFromGuest(mask, word, 0, 8)) {
            return -1;
        }
        return word[0] & 1;
    }
}
