package dev.trufflexen.xen.event;

import java.util.Optional;

import dev.trufflexen.xen.abi.EventChannelOp;
import dev.trufflexen.xen.abi.Virq;
import dev.trufflexen.xen.abi.XenErrno;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.DomainPart;
import dev.trufflexen.xen.domain.Vcpu;
import dev.trufflexen.xen.hypercall.XenError;

/**
 * A domain's event-channel ports, as Xen's {@code event_channel.c}: each port is free, reserved (port 0), unbound (waiting for a named remote
 * domain), interdomain (bound to a port of another domain, or of a dom0 service in this
 * process), a VIRQ, or an IPI. PIRQs are never bound: a domU has no physical IRQ access.
 * How a port is raised in guest memory is the {@link PortDelivery} of the ABI in use: 2-level
 * until the guest's first EVTCHNOP_init_control switches the domain to FIFO (its bound ports
 * kept), back to 2-level on EVTCHNOP_reset.
 *
 * <p>Limits as Xen's: ports become valid in buckets of {@value #PORTS_PER_BUCKET} as they are
 * allocated (a port beyond the valid range is -EINVAL for every operation, a free port inside it
 * is "closed"), and a new port must be at most {@link #maxPort} (the toolstack's
 * {@code max_event_channels}, 1023 by default) and below the ABI's own limit (4096 ports for
 * 2-level, 2^17 for FIFO).
 *
 * <p>All state changes happen under this object's lock; operations that touch two domains
 * take the two locks in domain-id order. Raising an event writes the guest-shared words with
 * atomic bit operations ({@link #setPending}).
 */
public final class EventChannels {
    /** The event-channel state of a domain. */
    public static final DomainPart<EventChannels> PART = DomainPart.declare("event channels", EventChannels.class);

    /** xl's default max_event_channels: the highest port a domU may allocate. */
    public static final int DEFAULT_MAX_PORT = 1023;
    /** Ports become valid in groups of this many (Xen's EVTCHNS_PER_BUCKET on x86-64). */
    public static final int PORTS_PER_BUCKET = 64;
    /** PIRQs a PV domU has (Xen's nr_static_irqs, 24 IO-APIC pins here, plus extra_domU_irqs, 32). */
    public static final int DOMU_NR_PIRQS = 24 + 32;

    /** The most vCPUs a domain may have (the toolstack's limit). */
    private static final int MAX_VCPUS = 128;
    /** The domain id of the dom0 services of this process. */
    private static final int DOM0 = 0;

    enum State { FREE, RESERVED, UNBOUND, INTERDOMAIN, VIRQ, IPI }

    private final int maxPort;
    private final State[] state;
    /** Unbound: the domain allowed to bind; interdomain: the remote domain. */
    private final int[] remoteDomain;
    private final int[] virq;
    private final int[] notifyVcpu;
    /**
     * Per interdomain port, its far end as one immutable value (null for any other port),
     * published with a release store whenever the port becomes or stops being interdomain:
     * EVTCHNOP_send reads it, and the far end's check reads its own, without either table's
     * monitor. A send that races a close then lands as if it came just before the close, which
     * the lock would also allow. Writers hold the monitor and also set {@link #state}.
     */
    private final Interdomain[] interdomain;

    /** An interdomain port's far end: a domain and port, or a dom0 service's hook (then the port is dom0's). */
    private record Interdomain(int remoteDomid, int remotePort, Runnable dom0Hook) {
    }

    private static final java.lang.invoke.VarHandle INTERDOMAIN_AT =
            java.lang.invoke.MethodHandles.arrayElementVarHandle(Interdomain[].class);

    /** Publishes (or, with null, withdraws) {@code port}'s interdomain binding; with the monitor held. */
    private void publish(int port, Interdomain binding) {
        INTERDOMAIN_AT.setRelease(interdomain, port, binding);
    }

    private Interdomain interdomainAt(long port) {
        return port > 0 && port < interdomain.length ? (Interdomain) INTERDOMAIN_AT.getAcquire(interdomain, (int) port) : null;
    }
    /** Per vCPU (Xen's {@code v->virq_to_evtchn}): global VIRQs are bound on vCPU 0. */
    private final int[][] virqToPort = new int[MAX_VCPUS][];
    private int validPorts = PORTS_PER_BUCKET;
    private volatile PortDelivery delivery = TwoLevelDelivery.INSTANCE;
    /** The FIFO state while the domain uses the FIFO ABI, else null. */
    private FifoDelivery fifo;
    /** Per vCPU, the port it polls (SCHEDOP_poll): 0 it does not poll, -1 any port, else that port. */
    private final java.util.concurrent.atomic.AtomicIntegerArray pollPort =
            new java.util.concurrent.atomic.AtomicIntegerArray(MAX_VCPUS);
    /** Per vCPU, 1 when an event ended the poll it began last. */
    private final java.util.concurrent.atomic.AtomicIntegerArray pollWoken =
            new java.util.concurrent.atomic.AtomicIntegerArray(MAX_VCPUS);

    public EventChannels() {
        this(DEFAULT_MAX_PORT);
    }

    public EventChannels(int maxPort) {
        this.maxPort = Math.min(maxPort, EventChannelOp.EVTCHN_FIFO_NR_CHANNELS - 1);
        int capacity = this.maxPort + 1;
        state = new State[capacity];
        remoteDomain = new int[capacity];
        virq = new int[capacity];
        notifyVcpu = new int[capacity];
        interdomain = new Interdomain[capacity];
        java.util.Arrays.fill(state, State.FREE);
        state[0] = State.RESERVED;
    }

    public int maxPort() {
        return maxPort;
    }

    /** True when {@code port} is inside the valid range (Xen's port_is_valid). */
    private boolean valid(long port) {
        return port >= 0 && port < validPorts;
    }

    private void requireValid(long port) {
        if (!valid(port)) {
            throw new XenError(XenErrno.EINVAL, "port " + Long.toUnsignedString(port) + " is not a valid port");
        }
    }

    /**
     * Xen's get_free_port: the lowest free port that is not still linked on a FIFO queue, making
     * its bucket valid; -ENOSPC past the limit, -EINVAL when the domain is dying ({@code domain}
     * is null while it is being built).
     */
    private int allocatePort(Domain domain) {
        if (domain != null && domain.isDying()) {
            throw new XenError(XenErrno.EINVAL, "domain is dying");
        }
        int limit = Math.min(maxPort, delivery.portLimit() - 1);
        for (int port = 1; port <= limit; port++) {
            if (port >= validPorts) {
                validPorts += PORTS_PER_BUCKET;
            }
            if (state[port] == State.FREE && (domain == null || !delivery.isBusy(domain, port))) {
                notifyVcpu[port] = 0;
                if (fifo != null) {
                    fifo.initPort(port);
                }
                return port;
            }
        }
        throw new XenError(XenErrno.ENOSPC, "no free port at or below " + limit);
    }

    /**
     * Allocates the lowest free port, unbound, for {@code remoteDomid}, as the toolstack does for
     * the console and xenstore ports; -ENOSPC when none is left.
     */
    public synchronized int allocUnbound(int remoteDomid) {
        try {
            return allocUnbound(null, remoteDomid);
        } catch (XenError e) {
            return -e.errno();
        }
    }

    /** EVTCHNOP_alloc_unbound in this domain (the caller has checked the domain). */
    synchronized int allocUnbound(Domain domain, int remoteDomid) {
        int port = allocatePort(domain);
        state[port] = State.UNBOUND;
        remoteDomain[port] = remoteDomid;
        return port;
    }

    /**
     * Binds the dom0 side of an unbound port: {@code onNotify} runs (on the guest's vCPU thread)
     * when the guest sends on it; the port becomes interdomain with dom0's {@code localPort}.
     *
     * @throws IllegalStateException if the port is not unbound for dom0
     */
    public synchronized void bindDom0(int port, int localPort, Runnable onNotify) {
        if (port <= 0 || port >= validPorts || state[port] != State.UNBOUND || remoteDomain[port] != DOM0) {
            throw new IllegalStateException("port " + port + " is not an unbound port for dom0");
        }
        bound(port, new Interdomain(DOM0, localPort, onNotify));
    }

    /** Gives a dom0-bound port back to the unbound state (the dom0 service closed its handle). */
    public synchronized void unbindDom0(int port, Runnable onNotify) {
        if (port > 0 && port < validPorts && state[port] == State.INTERDOMAIN && interdomain[port].dom0Hook() == onNotify) {
            unbound(port, DOM0);
        }
    }

    /** {@code port} becomes interdomain, its far end {@code end}; with the monitor held. */
    private void bound(int port, Interdomain end) {
        state[port] = State.INTERDOMAIN;
        remoteDomain[port] = end.remoteDomid();
        publish(port, end);
    }

    /** The interdomain {@code port} lost its far end: unbound, for {@code domid} to bind; with the monitor held. */
    private void unbound(int port, int domid) {
        state[port] = State.UNBOUND;
        remoteDomain[port] = domid;
        publish(port, null);
    }

    /** EVTCHNOP_bind_interdomain from {@code local}: binds a new local port to {@code remote}'s unbound port. */
    static int bindInterdomain(Domain local, Domain remote, long rport) {
        EventChannels lchans = local.part(PART);
        EventChannels rchans = remote.part(PART);
        EventChannels first = local.id() <= remote.id() ? lchans : rchans;
        EventChannels second = first == lchans ? rchans : lchans;
        int lport;
        synchronized (first) {
            synchronized (second) {
                lport = lchans.allocatePort(local);
                if (!rchans.valid(rport)) {
                    throw new XenError(XenErrno.EINVAL, "remote port " + Long.toUnsignedString(rport) + " is not valid");
                }
                int r = (int) rport;
                if (rchans.state[r] != State.UNBOUND || rchans.remoteDomain[r] != local.id()) {
                    throw new XenError(XenErrno.EINVAL, "remote port " + r + " of d" + remote.id() + " is not unbound for d" + local.id());
                }
                lchans.bound(lport, new Interdomain(remote.id(), r, null));
                rchans.bound(r, new Interdomain(local.id(), lport, null));
            }
        }
        // A notification sent on the remote port while it was unbound may have been lost.
        lchans.setPending(local, lport);
        return lport;
    }

    /** EVTCHNOP_bind_virq. */
    synchronized int bindVirq(Domain domain, long virqNumber, long vcpuId) {
        if (virqNumber < 0 || virqNumber >= Virq.NR_VIRQS) {
            throw new XenError(XenErrno.EINVAL, "virq " + Long.toUnsignedString(virqNumber) + " out of range");
        }
        int v = (int) virqNumber;
        VirqType type = VirqType.of(v);
        if (type != VirqType.PER_VCPU && vcpuId != 0) {
            throw new XenError(XenErrno.EINVAL, "virq " + v + " is not per-vCPU: bind it on vCPU 0");
        }
        requireVcpu(domain, vcpuId);
        if (type == VirqType.GLOBAL) {
            throw new XenError(XenErrno.EBUSY, "global virq " + v + " is handled by the hardware domain");
        }
        int[] ports = virqPorts((int) vcpuId);
        if (ports[v] != 0) {
            throw new XenError(XenErrno.EEXIST, "virq " + v + " is already bound to port " + ports[v]);
        }
        int port = allocatePort(domain);
        state[port] = State.VIRQ;
        virq[port] = v;
        notifyVcpu[port] = (int) vcpuId;
        ports[v] = port;
        return port;
    }

    /** EVTCHNOP_bind_ipi. */
    synchronized int bindIpi(Domain domain, long vcpuId) {
        requireVcpu(domain, vcpuId);
        int port = allocatePort(domain);
        state[port] = State.IPI;
        notifyVcpu[port] = (int) vcpuId;
        return port;
    }

    /** EVTCHNOP_bind_pirq: a domU has no PIRQ it may bind. */
    static int bindPirq(long pirq) {
        if (pirq < 0 || pirq >= DOMU_NR_PIRQS) {
            throw new XenError(XenErrno.EINVAL, "pirq " + Long.toUnsignedString(pirq) + " out of range");
        }
        throw new XenError(XenErrno.EPERM, "pirq " + pirq + ": no physical IRQ access");
    }

    /** The VIRQ-to-port table of vCPU {@code id}, made on first use. */
    private int[] virqPorts(int id) {
        if (virqToPort[id] == null) {
            virqToPort[id] = new int[Virq.NR_VIRQS];
        }
        return virqToPort[id];
    }

    /** Xen's domain_vcpu check: -ENOENT for a vCPU the domain does not have. */
    private static void requireVcpu(Domain domain, long vcpuId) {
        if (domain.vcpu(vcpuId) == null) {
            throw new XenError(XenErrno.ENOENT, "no vCPU " + Long.toUnsignedString(vcpuId));
        }
    }

    /** The domain's vCPU {@code vcpuId} (an id the port tables hold, so one that exists). */
    static Vcpu vcpu(Domain domain, int vcpuId) {
        Vcpu vcpu = domain.vcpu(vcpuId);
        return vcpu == null ? domain.vcpu0() : vcpu;
    }

    /** EVTCHNOP_close (and each port of EVTCHNOP_reset). */
    static void close(Domain domain, long port) {
        EventChannels chans = domain.part(PART);
        int remoteId;
        synchronized (chans) {
            chans.requireValid(port);
            int p = (int) port;
            switch (chans.state[p]) {
                case FREE, RESERVED -> throw new XenError(XenErrno.EINVAL, "port " + p + " is not in use");
                case INTERDOMAIN -> remoteId = chans.interdomain[p].dom0Hook() != null ? -1 : chans.remoteDomain[p];
                default -> remoteId = -1;
            }
            if (remoteId < 0 || remoteId == domain.id()) {
                chans.closeLocked(domain, p);
                return;
            }
        }
        Optional<Domain> remote = domain.registry().lookup(remoteId);
        if (remote.isEmpty()) {
            synchronized (chans) {
                if (chans.state[(int) port] == State.INTERDOMAIN) {
                    chans.free(domain, (int) port);
                }
            }
            return;
        }
        EventChannels rchans = remote.get().part(PART);
        EventChannels first = domain.id() < remoteId ? chans : rchans;
        EventChannels second = first == chans ? rchans : chans;
        synchronized (first) {
            synchronized (second) {
                int p = (int) port;
                if (chans.state[p] != State.INTERDOMAIN || chans.remoteDomain[p] != remoteId) {
                    throw new XenError(XenErrno.EINVAL, "port " + p + " changed while being closed");
                }
                chans.closeLocked(domain, p);
            }
        }
    }

    /** Frees {@code port}; the remote end of an interdomain port (locked by the caller) goes back to unbound. */
    private void closeLocked(Domain domain, int port) {
        switch (state[port]) {
            case VIRQ -> virqPorts(notifyVirqVcpu(port))[virq[port]] = 0;
            case INTERDOMAIN -> {
                Interdomain end = interdomain[port];
                if (end.dom0Hook() == null) {
                    Optional<Domain> remote = domain.registry().lookup(end.remoteDomid());
                    int rport = end.remotePort();
                    EventChannels rchans = remote.isPresent() ? remote.get().part(PART) : null;
                    if (rchans == this || rchans != null && rchans.state[rport] == State.INTERDOMAIN) {
                        rchans.unbound(rport, domain.id());
                    }
                }
            }
            default -> {
            }
        }
        free(domain, port);
    }

    private void free(Domain domain, int port) {
        state[port] = State.FREE;
        publish(port, null);
        notifyVcpu[port] = 0;
        delivery.clearPending(domain, port);
    }

    /** EVTCHNOP_send from the guest on its local {@code port}. */
    static void send(Domain domain, long port) {
        EventChannels chans = domain.part(PART);
        Interdomain binding = chans.interdomainAt(port);
        if (binding == null && (binding = chans.sendOnOtherPort(domain, port)) == null) {
            return;
        }
        Runnable hook = binding.dom0Hook();
        if (hook != null) {
            hook.run();
            return;
        }
        int remoteId = binding.remoteDomid();
        Domain remote = remoteId == domain.id() ? domain : domain.registry().lookup(remoteId).orElse(null);
        if (remote != null) {
            remote.part(PART).raiseInterdomain(remote, binding.remotePort(), domain.id());
        }
    }

    /**
     * EVTCHNOP_send on a port not published as interdomain when looked at: an unbound port drops
     * the notification, an IPI port raises itself, anything else is -EINVAL. Returns the binding
     * of a port that has become interdomain since, for the caller to deliver.
     */
    private synchronized Interdomain sendOnOtherPort(Domain domain, long port) {
        requireValid(port);
        int p = (int) port;
        switch (state[p]) {
            case UNBOUND:
                return null; // Xen silently drops a notification on an unbound port.
            case IPI:
                setPending(domain, p);
                return null;
            case INTERDOMAIN:
                return interdomain[p];
            default:
                throw new XenError(XenErrno.EINVAL, "port " + p + " cannot be sent on (" + state[p] + ")");
        }
    }

    /** Raises the local end of an interdomain port whose remote end was sent on (dropped if it was closed meanwhile). */
    private void raiseInterdomain(Domain domain, int port, int fromDomid) {
        Interdomain end = interdomainAt(port);
        if (end == null || end.remoteDomid() != fromDomid) {
            return;
        }
        setPending(domain, port);
    }

    /**
     * How {@code port} is bound, for a monitor: "unbound remote d1", "interdomain d0:3",
     * "virq 0", "ipi", with its notified vCPU; null when the port is free or out of range.
     */
    public synchronized String describe(int port) {
        if (!valid(port) || state[port] == State.FREE || state[port] == State.RESERVED) {
            return null;
        }
        String binding = switch (state[port]) {
            case UNBOUND -> "unbound, for d" + remoteDomain[port];
            case INTERDOMAIN -> "interdomain d" + remoteDomain[port] + ":" + interdomain[port].remotePort();
            case VIRQ -> "virq " + virq[port];
            default -> "ipi";
        };
        return binding + ", vcpu " + notifyVcpu[port];
    }

    /** EVTCHNOP_status of {@code port} in this domain, written into {@code out}. */
    synchronized void status(long port, dev.trufflexen.xen.hypercall.GuestStruct out) {
        requireValid(port);
        int p = (int) port;
        int status = switch (state[p]) {
            case FREE, RESERVED -> EventChannelOp.EVTCHNSTAT_closed;
            case UNBOUND -> EventChannelOp.EVTCHNSTAT_unbound;
            case INTERDOMAIN -> EventChannelOp.EVTCHNSTAT_interdomain;
            case VIRQ -> EventChannelOp.EVTCHNSTAT_virq;
            case IPI -> EventChannelOp.EVTCHNSTAT_ipi;
        };
        out.set(EventChannelOp.STATUS_STATUS, status);
        out.set(EventChannelOp.STATUS_VCPU, notifyVcpu[p]);
        switch (state[p]) {
            case UNBOUND -> out.set(EventChannelOp.STATUS_U_WORD, remoteDomain[p]);
            case INTERDOMAIN -> {
                out.set(EventChannelOp.STATUS_U_WORD, remoteDomain[p]);
                out.set(EventChannelOp.STATUS_INTERDOMAIN_PORT, interdomain[p].remotePort());
            }
            case VIRQ -> out.set(EventChannelOp.STATUS_U_WORD, virq[p]);
            default -> {
            }
        }
    }

    /** The vCPU whose VIRQ table holds VIRQ port {@code port}: its own for a per-vCPU VIRQ, 0 for a global one. */
    private int notifyVirqVcpu(int port) {
        return VirqType.of(virq[port]) == VirqType.PER_VCPU ? notifyVcpu[port] : 0;
    }

    /**
     * EVTCHNOP_bind_vcpu, as Xen's evtchn_bind_vcpu: later events on the port are delivered to
     * vCPU {@code vcpuId}; a per-vCPU VIRQ and an IPI port stay where they were bound (-EINVAL).
     */
    synchronized void bindVcpu(Domain domain, long port, long vcpuId) {
        requireVcpu(domain, vcpuId);
        requireValid(port);
        int p = (int) port;
        switch (state[p]) {
            case VIRQ -> {
                if (VirqType.of(virq[p]) == VirqType.PER_VCPU) {
                    throw new XenError(XenErrno.EINVAL, "virq " + virq[p] + " is per-vCPU and stays on its vCPU");
                }
                notifyVcpu[p] = (int) vcpuId;
            }
            case UNBOUND, INTERDOMAIN -> notifyVcpu[p] = (int) vcpuId;
            default -> throw new XenError(XenErrno.EINVAL, "port " + p + " cannot be moved (" + state[p] + ")");
        }
    }

    /** EVTCHNOP_unmask: clear the mask and deliver an event that was pending meanwhile. */
    void unmask(Domain domain, long port) {
        int vcpuId;
        synchronized (this) {
            requireValid(port);
            vcpuId = notifyVcpu[(int) port];
        }
        delivery.unmask(domain, (int) port, vcpuId);
    }

    /**
     * Closes every port of a domain that has stopped (Xen's evtchn_destroy), so the other ends
     * of its interdomain channels become unbound and no event is raised into its frames again.
     */
    public static void closeAll(Domain domain) {
        reset(domain);
    }

    /** EVTCHNOP_reset of this domain: every port is closed, and a FIFO domain goes back to the 2-level ABI. */
    static void reset(Domain domain) {
        EventChannels chans = domain.part(PART);
        int limit;
        synchronized (chans) {
            limit = chans.validPorts;
        }
        for (int port = 1; port < limit; port++) {
            State s;
            synchronized (chans) {
                s = chans.state[port];
            }
            if (s != State.FREE && s != State.RESERVED) {
                try {
                    close(domain, port);
                } catch (XenError e) {
                    // closed concurrently
                }
            }
        }
        synchronized (chans) {
            if (chans.fifo != null) {
                chans.delivery = TwoLevelDelivery.INSTANCE;
                chans.fifo.release(domain);
                chans.fifo = null;
            }
        }
    }

    /** Raises global {@code virq} on the guest (Xen's send_guest_global_virq); dropped when no port is bound to it. */
    public void sendVirq(Domain domain, int virqNumber) {
        sendVcpuVirq(domain.vcpu0(), virqNumber);
    }

    /** Raises per-vCPU {@code virq} on {@code vcpu} (Xen's send_guest_vcpu_virq); dropped when it has no port for it. */
    public void sendVcpuVirq(Vcpu vcpu, int virqNumber) {
        int port;
        synchronized (this) {
            int[] ports = virqToPort[vcpu.id()];
            port = ports == null ? 0 : ports[virqNumber];
        }
        if (port != 0) {
            setPending(vcpu.domain(), port);
        }
    }

    /** The port bound to {@code virqNumber} on vCPU 0, 0 when none. */
    public synchronized int virqPort(int virqNumber) {
        return virqPorts(0)[virqNumber];
    }

    /**
     * Raises an event on the guest's end of {@code port} (a dom0 service notified it); dropped
     * when the guest has closed or re-bound the port meanwhile.
     */
    public void raise(Domain domain, int port) {
        Interdomain end = interdomainAt(port);
        if (end == null || end.dom0Hook() == null) {
            return;
        }
        setPending(domain, port);
    }

    /**
     * Xen's evtchn_port_set_pending: the ABI in use marks the port pending and tells its vCPU;
     * when the pending bit was newly set, a vCPU polling for it is woken.
     */
    void setPending(Domain domain, int port) {
        if (delivery.setPending(domain, port, notifyVcpu[port])) {
            checkPollers(domain, port);
        }
    }

    /**
     * Xen's evtchn_check_pollers: a vCPU polling this port, or any port (a poll of several
     * ports), is woken and its poll ends.
     */
    private void checkPollers(Domain domain, int port) {
        for (Vcpu vcpu : domain.vcpus()) {
            int id = vcpu.id();
            int polled = pollPort.get(id);
            if (polled != 0 && (polled < 0 || polled == port) && pollPort.compareAndSet(id, polled, 0)) {
                pollWoken.set(id, 1);
                vcpu.wake();
            }
        }
    }

    /**
     * SCHEDOP_poll begins on {@code vcpu}: from now on a port newly pending ({@code port}, or any
     * port when it is -1) ends its poll ({@link #pollWoken}).
     */
    public void beginPoll(Vcpu vcpu, int port) {
        pollWoken.set(vcpu.id(), 0);
        pollPort.set(vcpu.id(), port);
    }

    /** True when an event woke the poll {@code vcpu} began last. */
    public boolean pollWoken(Vcpu vcpu) {
        return pollWoken.get(vcpu.id()) != 0;
    }

    public void endPoll(Vcpu vcpu) {
        // Read first: every switch-in from a block ends a poll, most of them with none begun (a fenced store saved).
        if (pollPort.get(vcpu.id()) != 0) {
            pollPort.set(vcpu.id(), 0);
        }
    }

    /** True when {@code port}'s pending bit is set in the ABI in use (Xen's evtchn_port_is_pending). */
    public static boolean isPending(Domain domain, int port) {
        return domain.part(PART).delivery.isPending(domain, port);
    }

    /** True for a port inside the valid range (what SCHEDOP_poll accepts, as Xen's evtchn_port_poll). */
    public synchronized boolean pollable(long port) {
        return valid(port);
    }

    /** True while the domain uses the FIFO ABI. */
    public synchronized boolean usesFifo() {
        return fifo != null;
    }

    /**
     * EVTCHNOP_init_control: maps vCPU {@code vcpuId}'s FIFO control block at {@code offset} in
     * frame {@code gfn} (a PV domain names machine frames). The first one switches the domain to
     * the FIFO ABI with an empty event array; its bound ports keep their state, and a port
     * pending under the 2-level ABI stays pending until its event word exists. Xen's errors:
     * -ENOENT for no such vCPU, -EINVAL for a block crossing the page, an offset not 8-byte
     * aligned, a frame that is not the domain's or not writable, or a vCPU with a block already.
     */
    synchronized void initControl(Domain domain, long vcpuId, long gfn, long offset) {
        requireVcpu(domain, vcpuId);
        if (offset < 0 || offset > 4096 - EventChannelOp.FIFO_CONTROL_BLOCK_SIZE) {
            throw new XenError(XenErrno.EINVAL, "control block at offset " + offset + " crosses the page");
        }
        if ((offset & 7) != 0) {
            throw new XenError(XenErrno.EINVAL, "control block offset " + offset + " is not 8-byte aligned");
        }
        if (fifo != null) {
            check(fifo.mapControlBlock(domain, (int) vcpuId, gfn, (int) offset), "control block of vCPU " + vcpuId);
            return;
        }
        FifoDelivery started = new FifoDelivery(state.length, domain.maxVcpus());
        check(started.mapControlBlock(domain, (int) vcpuId, gfn, (int) offset), "control block of vCPU " + vcpuId);
        int carried = Math.min(validPorts, delivery.portLimit());
        for (int port = 1; port < carried; port++) {
            if (delivery.isPending(domain, port)) {
                started.carryPending(port);
            }
        }
        fifo = started;
        delivery = started;
    }

    /** EVTCHNOP_expand_array: -EOPNOTSUPP before init_control; ports raised before their word existed are raised now. */
    void expandArray(Domain domain, long gfn) {
        FifoDelivery current;
        int first;
        int last;
        synchronized (this) {
            current = fifo;
            if (current == null) {
                throw new XenError(XenErrno.EOPNOTSUPP, "expand_array before init_control");
            }
            first = current.addArrayPage(domain, gfn);
            check(first, "event array page " + Long.toHexString(gfn));
            last = Math.min(current.arrayPortCount(), validPorts);
        }
        for (int port = first; port < last; port++) {
            if (current.takePendingWithoutWord(port)) {
                setPending(domain, port);
            }
        }
    }

    /** EVTCHNOP_set_priority: -EINVAL for a port outside the valid range, -ENOSYS under the 2-level ABI. */
    synchronized void setPriority(long port, long priority) {
        requireValid(port);
        if (fifo == null) {
            throw new XenError(XenErrno.ENOSYS, "priorities need the FIFO ABI");
        }
        check(fifo.setPriority((int) port, priority), "priority " + Long.toUnsignedString(priority));
    }

    private static void check(int rc, String what) {
        if (rc < 0) {
            throw new XenError(-rc, what);
        }
    }
}
