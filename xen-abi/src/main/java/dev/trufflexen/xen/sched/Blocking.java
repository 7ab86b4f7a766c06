package dev.trufflexen.xen.sched;

import dev.trufflexen.xen.abi.SharedInfo;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.Vcpu;
import dev.trufflexen.xen.mm.GuestFrames;

/**
 * SCHEDOP_block, as Xen's {@code vcpu_block_enable_events}: enable event delivery for the vCPU
 * (clear its vcpu_info's upcall mask), then sleep until an upcall is pending or the domain is
 * dying. The vCPU's thread parks; whoever marks an event pending wakes it (no polling).
 */
final class Blocking {
    private Blocking() {
    }

    static void block(Vcpu vcpu) {
        Domain domain = vcpu.domain();
        GuestFrames frames = domain.frames();
        long sharedInfo = domain.sharedInfoMfn();
        int vcpuInfo = SharedInfo.vcpuInfo(vcpu.id());
        frames.write8(sharedInfo, vcpuInfo + SharedInfo.VCPU_OFF_EVTCHN_UPCALL_MASK, (byte) 0);
        vcpu.block(() -> frames.read8(sharedInfo, vcpuInfo + SharedInfo.VCPU_OFF_EVTCHN_UPCALL_PENDING) != 0);
    }
}
