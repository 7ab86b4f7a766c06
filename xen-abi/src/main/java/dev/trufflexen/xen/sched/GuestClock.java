package dev.trufflexen.xen.sched;

import dev.trufflexen.xen.abi.SharedInfo;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.Vcpu;
import dev.trufflexen.xen.mm.GuestFrames;
import dev.trufflexen.xen.time.DomainTimeStampCounter;

/**
 * The clocks a PV guest reads from shared memory, written with Xen's version protocol (the
 * version is made odd, the fields written, then the version made even again, so a reader that
 * sees an odd or changed version retries).
 *
 * <ul>
 * <li>{@code vcpu_time_info}: system time and the TSC at one instant, and the scale from TSC
 * ticks to nanoseconds. The domain's TSC and its system time are the same 1 GHz clock (see
 * {@link DomainTimeStampCounter}), so {@code system_time + ((tsc - tsc_timestamp) << 1) *
 * 0x80000000 >> 32} is exact and monotonic at any later TSC reading: one publication stays
 * valid, and TSC_STABLE is set.
 * Each publication is copied to the guest's second time area when it registered one
 * ({@link VcpuTimeArea}).
 * <li>The wall clock in shared_info: the UTC time at system time 0 ({@code wc_sec},
 * {@code wc_nsec}, {@code wc_sec_hi}); guests add their system time to it.
 * </ul>
 */
public final class GuestClock {
    private static final long NS_PER_SEC = 1_000_000_000L;

    private GuestClock() {
    }

    /** Writes the wall clock and the time info of every vCPU with a vcpu_info; done when the domain is built. */
    public static void publish(Domain domain) {
        publishWallClock(domain);
        for (Vcpu vcpu : domain.vcpus()) {
            if (vcpu.hasVcpuInfo()) {
                publishVcpuTime(vcpu);
            }
        }
    }

    /** update_domain_wallclock_time. */
    static void publishWallClock(Domain domain) {
        GuestFrames frames = domain.frames();
        long mfn = domain.sharedInfoMfn();
        java.time.Instant now = java.time.Instant.now();
        long bootNs = now.getEpochSecond() * NS_PER_SEC + now.getNano() - domain.systemTime();
        long sec = Math.floorDiv(bootNs, NS_PER_SEC);
        long nsec = Math.floorMod(bootNs, NS_PER_SEC);
        int version = frames.read32(mfn, SharedInfo.OFF_WC_VERSION);
        frames.write32(mfn, SharedInfo.OFF_WC_VERSION, version | 1);
        frames.write32(mfn, SharedInfo.OFF_WC_SEC, (int) sec);
        frames.write32(mfn, SharedInfo.OFF_WC_NSEC, (int) nsec);
        frames.write32(mfn, SharedInfo.OFF_WC_SEC_HI, (int) (sec >>> 32));
        frames.write32(mfn, SharedInfo.OFF_WC_VERSION, (version | 1) + 1);
    }

    /** update_vcpu_system_time, at the vCPU's current vcpu_info. */
    static void publishVcpuTime(Vcpu vcpu) {
        Domain domain = vcpu.domain();
        GuestFrames frames = domain.frames();
        long mfn = vcpu.vcpuInfoMfn();
        int at = vcpu.vcpuInfoOffset() + SharedInfo.VCPU_OFF_TIME;
        int version = frames.read32(mfn, at + SharedInfo.TIME_OFF_VERSION);
        frames.write32(mfn, at + SharedInfo.TIME_OFF_VERSION, version | 1);
        long now = domain.systemTime();
        frames.write64(mfn, at + SharedInfo.TIME_OFF_TSC_TIMESTAMP, now);
        frames.write64(mfn, at + SharedInfo.TIME_OFF_SYSTEM_TIME, now);
        frames.write32(mfn, at + SharedInfo.TIME_OFF_TSC_TO_SYSTEM_MUL, DomainTimeStampCounter.TO_NS_MUL_FRAC);
        frames.write8(mfn, at + SharedInfo.TIME_OFF_TSC_SHIFT, (byte) DomainTimeStampCounter.TO_NS_SHIFT);
        frames.write8(mfn, at + SharedInfo.TIME_OFF_FLAGS, (byte) SharedInfo.XEN_PVCLOCK_TSC_STABLE_BIT);
        frames.write32(mfn, at + SharedInfo.TIME_OFF_VERSION, (version | 1) + 1);
        domain.part(VcpuTimeArea.PART).update(vcpu);
    }
}
