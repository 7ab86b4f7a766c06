package dev.trufflexen.xen.core;

import dev.trufflexen.xen.abi.SharedInfo;
import dev.trufflexen.xen.abi.XenErrno;

/**
 * A domain's event-channel ports (the 2-level ABI: 4096 ports for a 64-bit guest).
 *
 * <p>This slice knows three port states: free, unbound (allocated for a remote domain that has
 * not bound it yet, as the toolstack does for the xenstore and console ports) and bound to a
 * backend running in dom0, which in TruffleXen is Java code in this process: a send on such a
 * port calls the backend's notification handler. Port 0 is reserved, as in Xen.
 */
public final class EventChannels {
    private enum State { FREE, RESERVED, UNBOUND, HOST_BACKEND }

    private final State[] state = new State[SharedInfo.EVTCHN_2L_NR_CHANNELS];
    private final int[] remoteDomain = new int[state.length];
    private final Runnable[] backend = new Runnable[state.length];

    EventChannels() {
        java.util.Arrays.fill(state, State.FREE);
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
     * Binds the dom0 side of an unbound port to a backend in this process.
     *
     * @throws IllegalStateException if the port is not unbound for dom0
     */
    public synchronized void bindBackend(int port, Runnable onNotify) {
        if (port <= 0 || port >= state.length || state[port] != State.UNBOUND || remoteDomain[port] != 0) {
            throw new IllegalStateException("port " + port + " is not an unbound port for dom0");
        }
        state[port] = State.HOST_BACKEND;
        backend[port] = onNotify;
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
                case HOST_BACKEND:
                    target = backend[(int) port];
                    break;
                default:
                    return -XenErrno.EINVAL;
            }
        }
        target.run();
        return 0;
    }
}
