package dev.trufflexen.xen.sched;

import java.util.Map;

import dev.trufflexen.xen.abi.AbiField;
import dev.trufflexen.xen.abi.Hypercalls;
import dev.trufflexen.xen.abi.SharedInfo;
import dev.trufflexen.xen.abi.VcpuOp;
import dev.trufflexen.xen.abi.XenErrno;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.Runstate;
import dev.trufflexen.xen.domain.ShutdownReason;
import dev.trufflexen.xen.domain.Vcpu;
import dev.trufflexen.xen.hypercall.GuestStruct;
import dev.trufflexen.xen.hypercall.Hypercall;
import dev.trufflexen.xen.hypercall.HypercallContext;
import dev.trufflexen.xen.hypercall.XenError;
import dev.trufflexen.xen.mm.GuestFrames;

/**
 * {@code vcpu_op(int cmd, unsigned int vcpuid, XEN_GUEST_HANDLE(void) arg)}, as Xen's
 * do_vcpu_op and common_vcpu_op: bringing vCPUs up and down and their timers, runstate and
 * vcpu_info. The id is the low 32 bits of the argument; one at or past the domain's max_vcpus is
 * -ENOENT.
 *
 * <ul>
 * <li>initialise: the vCPU's first context ({@link VcpuInitialiser}, the PV vcpu_guest_context);
 * -EINVAL for a vCPU without a vcpu_info, -EEXIST once initialised.
 * <li>up: -EINVAL until initialised; else the vCPU comes online (its thread starts or wakes).
 * <li>down: the vCPU goes offline at its next exit point; taking down the last online vCPU
 * powers the domain off instead, as Xen does.
 * <li>is_up: 1 when online, 0 when down.
 * <li>get_runstate_info; register_runstate_memory_area (a guest virtual address, rewritten at
 * every runstate change; 0 unregisters).
 * <li>set_periodic_timer (period under 1 ms, or over Xen's STIME_DELTA_MAX, is -EINVAL),
 * stop_periodic_timer, of any vCPU; set_singleshot_timer (a past deadline raises VIRQ_TIMER at
 * once, or is -ETIME with VCPU_SSHOTTMR_future), stop_singleshot_timer, of the calling vCPU only
 * (-EINVAL for another).
 * <li>register_vcpu_time_memory_area: a guest virtual address kept holding a copy of the time
 * info ({@link VcpuTimeArea}); one in the hypervisor's range is -EFAULT, 0 unregisters.
 * <li>register_vcpu_info: moves vcpu_info to {@code offset} in the domain's own frame
 * {@code mfn}: -EINVAL when the address overflows or the offset leaves the frame or the frame is
 * not the domain's, -ENXIO when the structure would cross into the next frame, -EBUSY when it
 * was moved before. The old contents are copied, every selector bit set and an upcall made
 * pending, as Xen does, and the time info is written at the new place.
 * </ul>
 */
public final class VcpuOpHypercall implements Hypercall {
    /** Loads an architecture's first context into an offline vCPU (VCPUOP_initialise's arch part). */
    @FunctionalInterface
    public interface VcpuInitialiser {
        /** 0, or throws the Xen error; {@code arg} is the guest address of the context. */
        long initialise(HypercallContext context, Vcpu target, long arg);
    }

    private final VcpuInitialiser initialiser;

    public VcpuOpHypercall(VcpuInitialiser initialiser) {
        this.initialiser = initialiser;
    }

    /** Xen's STIME_DELTA_MAX: the longest period a timer may have. */
    private static final long STIME_DELTA_MAX = (1L << 62) - 1;
    private static final long MIN_PERIOD_NS = 1_000_000L;
    private static final int PAGE_SIZE = 4096;

    @Override
    public int number() {
        return Hypercalls.__HYPERVISOR_vcpu_op;
    }

    @Override
    public Map<Integer, String> subOps() {
        return Map.ofEntries(Map.entry(VcpuOp.VCPUOP_initialise, HANDLED),
                Map.entry(VcpuOp.VCPUOP_up, HANDLED),
                Map.entry(VcpuOp.VCPUOP_down, HANDLED),
                Map.entry(VcpuOp.VCPUOP_is_up, HANDLED),
                Map.entry(VcpuOp.VCPUOP_get_runstate_info, HANDLED),
                Map.entry(VcpuOp.VCPUOP_register_runstate_memory_area, HANDLED),
                Map.entry(VcpuOp.VCPUOP_set_periodic_timer, HANDLED),
                Map.entry(VcpuOp.VCPUOP_stop_periodic_timer, HANDLED),
                Map.entry(VcpuOp.VCPUOP_set_singleshot_timer, HANDLED),
                Map.entry(VcpuOp.VCPUOP_stop_singleshot_timer, HANDLED),
                Map.entry(VcpuOp.VCPUOP_register_vcpu_info, HANDLED),
                Map.entry(VcpuOp.VCPUOP_send_nmi, HANDLED),
                Map.entry(VcpuOp.VCPUOP_get_physid, "-ENOSYS: for the hardware domain"),
                Map.entry(VcpuOp.VCPUOP_register_vcpu_time_memory_area, HANDLED),
                Map.entry(VcpuOp.VCPUOP_register_runstate_phys_area, "-ENOSYS: not implemented"),
                Map.entry(VcpuOp.VCPUOP_register_vcpu_time_phys_area, "-ENOSYS: not implemented"));
    }

    @Override
    public long invoke(HypercallContext context) {
        Domain domain = context.domain();
        long vcpuId = context.uintArg(1);
        Vcpu vcpu = domain.vcpu(vcpuId);
        if (vcpu == null) {
            throw new XenError(XenErrno.ENOENT, "no vCPU " + vcpuId);
        }
        long arg = context.handleArg(2);
        VcpuTimers timers = VcpuTimers.of(vcpu);
        switch (context.intArg(0)) {
            case VcpuOp.VCPUOP_initialise:
                initialiser.initialise(context, vcpu, arg);
                if (vcpu.hasVcpuInfo()) {
                    GuestClock.publishVcpuTime(vcpu);
                }
                return 0;
            case VcpuOp.VCPUOP_up:
                if (!vcpu.isInitialised()) {
                    throw new XenError(XenErrno.EINVAL, "vCPU " + vcpuId + " has no context yet");
                }
                if (vcpu.up()) {
                    timers.vcpuRunning();
                }
                return 0;
            case VcpuOp.VCPUOP_down:
                return down(domain, vcpu, timers);
            case VcpuOp.VCPUOP_send_nmi:
                if (arg != 0) {
                    throw new XenError(XenErrno.EINVAL, "VCPUOP_send_nmi takes no argument");
                }
                vcpu.raiseNmi();
                return 0;
            case VcpuOp.VCPUOP_is_up:
                return vcpu.isDown() ? 0 : 1;
            case VcpuOp.VCPUOP_get_runstate_info: {
                GuestStruct info = context.blank(VcpuOp.RUNSTATE_INFO_LAYOUT);
                Runstate.Snapshot s = vcpu.runstate().snapshot();
                info.set(VcpuOp.RUNSTATE_STATE, s.state());
                info.set(VcpuOp.RUNSTATE_STATE_ENTRY_TIME, s.stateEntryTime());
                info.set(VcpuOp.RUNSTATE_TIME_RUNNING, s.running());
                info.set(VcpuOp.RUNSTATE_TIME_RUNNABLE, s.runnable());
                info.set(VcpuOp.RUNSTATE_TIME_BLOCKED, s.blocked());
                info.set(VcpuOp.RUNSTATE_TIME_OFFLINE, s.offline());
                context.copyOut(arg, info);
                return 0;
            }
            case VcpuOp.VCPUOP_register_runstate_memory_area: {
                RunstateArea.of(vcpu).register(vcpu, areaAddress(context, arg, VcpuOp.RUNSTATE_AREA_ADDR));
                return 0;
            }
            case VcpuOp.VCPUOP_set_periodic_timer: {
                GuestStruct set = context.copyIn(arg, VcpuOp.PERIODIC_TIMER_LAYOUT);
                long period = set.get(VcpuOp.PERIODIC_TIMER_PERIOD_NS);
                if (Long.compareUnsigned(period, MIN_PERIOD_NS) < 0 || Long.compareUnsigned(period, STIME_DELTA_MAX) > 0) {
                    throw new XenError(XenErrno.EINVAL, "periodic timer period " + Long.toUnsignedString(period) + " ns");
                }
                timers.setPeriodic(period);
                return 0;
            }
            case VcpuOp.VCPUOP_stop_periodic_timer:
                timers.setPeriodic(0);
                return 0;
            case VcpuOp.VCPUOP_set_singleshot_timer: {
                requireCurrent(context, vcpu);
                GuestStruct set = context.copyIn(arg, VcpuOp.SINGLESHOT_TIMER_LAYOUT);
                long deadline = set.get(VcpuOp.SINGLESHOT_TIMER_TIMEOUT_ABS_NS);
                long flags = set.get(VcpuOp.SINGLESHOT_TIMER_FLAGS);
                if ((flags & VcpuOp.VCPU_SSHOTTMR_future) != 0 && deadline < domain.systemTime()) {
                    throw new XenError(XenErrno.ETIME, "single-shot deadline already past");
                }
                timers.setSingleshot(deadline);
                return 0;
            }
            case VcpuOp.VCPUOP_stop_singleshot_timer:
                requireCurrent(context, vcpu);
                timers.stopSingleshot();
                return 0;
            case VcpuOp.VCPUOP_register_vcpu_time_memory_area: {
                domain.part(VcpuTimeArea.PART).register(vcpu, areaAddress(context, arg, VcpuOp.TIME_AREA_ADDR));
                return 0;
            }
            case VcpuOp.VCPUOP_register_vcpu_info: {
                GuestStruct info = context.copyIn(arg, VcpuOp.REGISTER_VCPU_INFO_LAYOUT);
                registerVcpuInfo(vcpu, info.get(VcpuOp.REGISTER_VCPU_INFO_MFN), info.get(VcpuOp.REGISTER_VCPU_INFO_OFFSET));
                return 0;
            }
            default:
                throw new XenError(XenErrno.ENOSYS, "vcpu_op command not implemented");
        }
    }

    /** The guest virtual address a register_*_memory_area argument names: -EFAULT in the hypervisor's range. */
    private static long areaAddress(HypercallContext context, long arg, AbiField addressField) {
        long address = context.copyIn(arg, addressField.struct()).get(addressField);
        if (!HypercallContext.accessOk(address)) {
            throw new XenError(XenErrno.EFAULT, addressField.struct().cName() + " address in the hypervisor's range");
        }
        return address;
    }

    /** The single-shot timer belongs to the running vCPU: another's is -EINVAL, as in Xen. */
    private static void requireCurrent(HypercallContext context, Vcpu vcpu) {
        if (context.vcpu() != vcpu) {
            throw new XenError(XenErrno.EINVAL, "single-shot timer of vCPU " + vcpu.id() + " set from another vCPU");
        }
    }

    /** VCPUOP_down: the last online vCPU going down powers the domain off (Xen's common_vcpu_op). */
    private static long down(Domain domain, Vcpu vcpu, VcpuTimers timers) {
        synchronized (domain) {
            boolean othersUp = false;
            for (Vcpu other : domain.vcpus()) {
                othersUp |= other != vcpu && !other.isDown();
            }
            if (!othersUp) {
                domain.shutdown(ShutdownReason.POWEROFF);
                return 0;
            }
            if (vcpu.takeDown()) {
                timers.vcpuBlocked();
            }
        }
        return 0;
    }

    private static void registerVcpuInfo(Vcpu vcpu, long mfn, long offset) {
        Domain domain = vcpu.domain();
        long address = (mfn << 12) + offset;
        if (address == -1 || (address >>> 12) != mfn || (mfn >>> 52) != 0) {
            throw new XenError(XenErrno.EINVAL, "vcpu_info address overflows or leaves frame " + Long.toHexString(mfn));
        }
        if (vcpu.vcpuInfoRegistered()) {
            throw new XenError(XenErrno.EBUSY, "vcpu_info was already moved");
        }
        if ((offset + SharedInfo.VCPU_INFO_SIZE - 1) / PAGE_SIZE != 0) {
            throw new XenError(XenErrno.ENXIO, "vcpu_info at offset " + offset + " crosses into the next frame");
        }
        GuestFrames frames = domain.frames();
        if (frames.ownerOf(mfn) != domain.id()) {
            throw new XenError(XenErrno.EINVAL, "frame " + Long.toHexString(mfn) + " is not the domain's");
        }
        byte[] old = new byte[SharedInfo.VCPU_INFO_SIZE];
        if (vcpu.hasVcpuInfo()) {
            frames.copyOut(vcpu.vcpuInfoMfn(), vcpu.vcpuInfoOffset(), old, 0, old.length);
        } else {
            old[SharedInfo.VCPU_OFF_EVTCHN_UPCALL_MASK] = 1; // Xen's dummy vcpu_info has events masked
        }
        frames.copyIn(mfn, (int) offset, old, 0, old.length);
        vcpu.moveVcpuInfo(new Vcpu.VcpuInfoArea(mfn, (int) offset));
        frames.write64(mfn, (int) offset + SharedInfo.VCPU_OFF_EVTCHN_PENDING_SEL, -1L);
        frames.write8(mfn, (int) offset + SharedInfo.VCPU_OFF_EVTCHN_UPCALL_PENDING, (byte) 1);
        GuestClock.publishVcpuTime(vcpu);
        vcpu.wake();
    }
}
