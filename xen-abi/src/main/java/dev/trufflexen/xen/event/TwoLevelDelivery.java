package dev.trufflexen.xen.event;

import dev.trufflexen.xen.abi.SharedInfo;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.Vcpu;
import dev.trufflexen.xen.mm.GuestFrames;

/**
 * The 2-level ABI (Xen's {@code event_2l.c}): a pending and a mask bit per port in shared_info,
 * a selector word per vCPU in vcpu_info naming the words with news, and the upcall flag. Stateless:
 * one instance serves every domain.
 */
final class TwoLevelDelivery implements PortDelivery {
    static final TwoLevelDelivery INSTANCE = new TwoLevelDelivery();

    private static final int BITS_PER_WORD = 64;

    private TwoLevelDelivery() {
    }

    /**
     * Sets the port's pending bit; if it was clear and the port is not masked, the selector bit
     * and, when that was clear, the upcall flag, then kicks the vCPU.
     */
    @Override
    public boolean setPending(Domain domain, int port, int vcpuId) {
        GuestFrames frames = domain.frames();
        long sharedInfo = domain.sharedInfoMfn();
        if (frames.setBits64(sharedInfo, SharedInfo.OFF_EVTCHN_PENDING + wordOffset(port), bit(port))) {
            return false;
        }
        if (!testBit(domain, SharedInfo.OFF_EVTCHN_MASK, port)) {
            markSelector(EventChannels.vcpu(domain, vcpuId), port / BITS_PER_WORD);
        }
        return true;
    }

    @Override
    public void clearPending(Domain domain, int port) {
        domain.frames().clearBits64(domain.sharedInfoMfn(), SharedInfo.OFF_EVTCHN_PENDING + wordOffset(port), bit(port));
    }

    /** As evtchn_2l_unmask: clear the mask and deliver an event that was pending meanwhile. */
    @Override
    public void unmask(Domain domain, int port, int vcpuId) {
        if (domain.frames().clearBits64(domain.sharedInfoMfn(), SharedInfo.OFF_EVTCHN_MASK + wordOffset(port), bit(port))
                && isPending(domain, port)) {
            markSelector(EventChannels.vcpu(domain, vcpuId), port / BITS_PER_WORD);
        }
    }

    @Override
    public boolean isPending(Domain domain, int port) {
        return testBit(domain, SharedInfo.OFF_EVTCHN_PENDING, port);
    }

    /** The port's bit in the shared_info bitmap at {@code bitmapOffset}. */
    private static boolean testBit(Domain domain, int bitmapOffset, int port) {
        return (domain.frames().read64(domain.sharedInfoMfn(), bitmapOffset + wordOffset(port)) & bit(port)) != 0;
    }

    private static int wordOffset(int port) {
        return port / BITS_PER_WORD * 8;
    }

    private static long bit(int port) {
        return 1L << (port % BITS_PER_WORD);
    }

    @Override
    public boolean isBusy(Domain domain, int port) {
        return false;
    }

    @Override
    public int portLimit() {
        return SharedInfo.EVTCHN_2L_NR_CHANNELS;
    }

    private static void markSelector(Vcpu vcpu, int word) {
        GuestFrames frames = vcpu.domain().frames();
        Vcpu.VcpuInfoArea info = vcpu.vcpuInfoArea();
        if (info == null) {
            return;
        }
        if (!frames.setBits64(info.mfn(), info.offset() + SharedInfo.VCPU_OFF_EVTCHN_PENDING_SEL, 1L << word)) {
            frames.write8(info.mfn(), info.offset() + SharedInfo.VCPU_OFF_EVTCHN_UPCALL_PENDING, (byte) 1);
        }
        vcpu.wake();
    }
}
