package dev.trufflexen.xen.event;

import java.util.Arrays;

import dev.trufflexen.xen.abi.SharedInfo;
import dev.trufflexen.xen.abi.XenErrno;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.DomainPart;
import dev.trufflexen.xen.domain.Vcpu;
import dev.trufflexen.xen.mm.GuestFrames;

/**
 * A domain's event-channel ports (the 2-level ABI: 4096 ports for a 64-bit guest).
 *
 * <p>This slice knows three port states besides free: reserved (port 0, as in Xen), unbound
 * (allocated for a remote domain that has not bound it yet, as the toolstack does for the
 * xenstore and console ports) and bound by a dom0 service in this process. A send from the guest
 * on a port bound by dom0 calls that service's notification hook, which must be quick (it wakes
 * the service's own thread). An event raised towards the guest ({@link #raise}) sets the port's
 * pending bit in shared_info and, unless the port is masked, the selector bit and upcall-pending
 * flag of vCPU 0, then wakes it, as Xen's {@code evtchn_2l_set_pending} does.
 */
public final class EventChannels {
    /** The event-channel state of a domain. */
    public static final DomainPart<EventChannels> PART = DomainPart.declare("event channels", EventChannels.class);

    private static final int BITS_PER_WORD = 64;

    private enum State { FREE, RESERVED, UNBOUND, DOM0 }

    private final State[] state = new State[SharedInfo.EVTCHN_2L_NR_CHANNELS];
    private final int[] remoteDomain = new int[state.length];
    private final Runnable[] dom0Hook = new Runnable[state.length];

    public EventChannels() {
        Arrays.fill(state, State.FREE);
        state[0] = State.RESERVED;
    }

    /** Allocates the lowest free port, unbound, for {@code remoteDomid}; -ENOSPC when none is left. */
    public synchronized int allocUnbound(int remoteDomid) {
        for (int port = 1; port < state.length; port++) {
            if (state[port] == State.FREE) {
                state[port] = State.UNBOUND;
                remoteDomain[port] = remoteDomid;
                return port;
            }
        }
        return -XenErrno.ENOSPC;
    }

    /**
     * Binds the dom0 side of an unbound port: {@code onNotify} runs (on the guest's vCPU thread)
     * when the guest sends on it.
     *
     * @throws IllegalStateException if the port is not unbound for dom0
     */
    public synchronized void bindDom0(int port, Runnable onNotify) {
        if (port <= 0 || port >= state.length || state[port] != State.UNBOUND || remoteDomain[port] != 0) {
            throw new IllegalStateException("port " + port + " is not an unbound port for dom0");
        }
        state[port] = State.DOM0;
        dom0Hook[port] = onNotify;
    }

    /** Gives a dom0-bound port back to the unbound state (the dom0 service closed its handle). */
    public synchronized void unbindDom0(int port) {
        if (port > 0 && port < state.length && state[port] == State.DOM0) {
            state[port] = State.UNBOUND;
            dom0Hook[port] = null;
        }
    }

    /** EVTCHNOP_send from the guest: Xen's result code. */
    public int send(long port) {
        Runnable target;
        synchronized (this) {
            if (port < 0 || port >= state.length) {
                return -XenErrno.EINVAL;
            }
            switch (state[(int) port]) {
                case UNBOUND:
                    return 0; // Xen silently drops a notification on an unbound port.
                case DOM0:
                    target = dom0Hook[(int) port];
                    break;
                default:
                    return -XenErrno.EINVAL;
            }
        }
        target.run();
        return 0;
    }

    /** Raises an event on the guest's end of {@code port} (a dom0 service notified it). */
    public void raise(Domain domain, int port) {
        synchronized (this) {
            if (port <= 0 || port >= state.length || state[port] != State.DOM0) {
                throw new IllegalArgumentException("port " + port + " of domain " + domain.id() + " is not bound by dom0");
            }
        }
        GuestFrames frames = domain.frames();
        long sharedInfo = domain.sharedInfoMfn();
        int word = port / BITS_PER_WORD;
        long bit = 1L << (port % BITS_PER_WORD);
        if (frames.setBits64(sharedInfo, SharedInfo.OFF_EVTCHN_PENDING + word * 8, bit)) {
            return; // already pending
        }
        if ((frames.read64(sharedInfo, SharedInfo.OFF_EVTCHN_MASK + word * 8) & bit) != 0) {
            return; // masked: the guest finds it when it unmasks
        }
        Vcpu vcpu = domain.vcpu0();
        int vcpuInfo = SharedInfo.vcpuInfo(vcpu.id());
        if (!frames.setBits64(sharedInfo, vcpuInfo + SharedInfo.VCPU_OFF_EVTCHN_PENDING_SEL, 1L << word)) {
            frames.write8(sharedInfo, vcpuInfo + SharedInfo.VCPU_OFF_EVTCHN_UPCALL_PENDING, (byte) 1);
            vcpu.wake();
        }
    }
}
