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
        int word = port / BITS_PER_WORD;
        long bit = 1L << (port % BITS_PER_WORD);
        if (frames.setBits64(sharedInfo, SharedInfo.OFF_EVTCHN_PENDING + word * 8, bit)) {
            return false;
        }
        if ((frames.read64(sharedInfo, SharedInfo.OFF_EVTCHN_MASK + word * 8) & bit) == 0) {
            markSelector(EventChannels.vcpu(domain, vcpuId), word);
        }
        return true;
    }

    @Override
    public void clearPending(Domain domain, int port) {
        domain.frames().clearBits64(domain.sharedInfoMfn(), SharedInfo.OFF_EVTCHN_PENDING + port / BITS_PER_WORD * 8,
                1L << (port % BITS_PER_WORD));
    }

    /** As evtchn_2l_unmask: clear the mask and deliver an event that was pending meanwhile. */
    @Override
    public void unmask(Domain domain, int port, int vcpuId) {
        GuestFrames frames = domain.frames();
        long sharedInfo = domain.sharedInfoMfn();
        int word = port / BITS_PER_WORD;
        long bit = 1L << (port % BITS_PER_WORD);
        if (frames.clearBits64(sharedInfo, SharedInfo.OFF_EVTCHN_MASK + word * 8, bit)
                && (frames.read64(sharedInfo, SharedInfo.OFF_EVTCHN_PENDING + word * 8) & bit) != 0) {
            markSelector(EventChannels.vcpu(domain, vcpuId), word);
        }
    }

    @Override
    public boolean isPending(Domain domain, int port) {
        long word = domain.frames().read64(domain.sharedInfoMfn(), SharedInfo.OFF_EVTCHN_PENDING + port / BITS_PER_WORD * 8);
        return (word & 1L << (port % BITS_PER_WORD)) != 0;
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
        if (!frames.setBits64(info.mfn(), info.offset() + SharedInfo.VCPU_OFF_EVTCHN_PENDING_SEL, 1L << word)) {
            frames.write8(info.mfn(), info.offset() + SharedInfo.VCPU_OFF_EVTCHN_UPCALL_PENDING, (byte) 1);
        }
        vcpu.wake();
    }
}
