package dev.trufflexen.xen.dom0;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.event.EventChannels;

/**
 * A dom0 service's event channels, as Xen's libxenevtchn gives them to a process: bind the
 * local end of a guest's port ({@link #bindInterdomain}), wait for the guest's notifications on
 * the service's own thread ({@link #pending}), unmask the port to hear the next one
 * ({@link #unmask}), and notify the guest ({@link #notify}).
 *
 * <p>A port that fired stays masked until unmasked, and a notification that arrives meanwhile is
 * kept and reported once the port is unmasked, so the service never misses one and never sees a
 * storm. The guest's send only queues the port and wakes the waiting thread: the service's work
 * never runs on the guest's vCPU thread.
 */
public final class EventChannelHandle implements AutoCloseable {
    private static final int CLOSED = -1;

    private final LinkedBlockingQueue<Integer> fired = new LinkedBlockingQueue<>();
    private final Map<Integer, Binding> bindings = new ConcurrentHashMap<>();
    private final AtomicInteger nextLocalPort = new AtomicInteger(1);
    private volatile boolean closed;

    private static final class Binding {
        final Domain domain;
        final int remotePort;
        Runnable hook;
        boolean masked;
        boolean pendingWhileMasked;

        Binding(Domain domain, int remotePort) {
            this.domain = domain;
            this.remotePort = remotePort;
        }
    }

    private EventChannelHandle() {
    }

    /** xenevtchn_open. */
    public static EventChannelHandle open() {
        return new EventChannelHandle();
    }

    /**
     * xenevtchn_bind_interdomain: binds the dom0 end of {@code remotePort}, a port the toolstack
     * allocated unbound for dom0 in {@code domain}. Returns the local port.
     *
     * @throws IllegalStateException if the port is not unbound for dom0
     */
    public int bindInterdomain(Domain domain, int remotePort) {
        int local = nextLocalPort.getAndIncrement();
        Binding binding = new Binding(domain, remotePort);
        bindings.put(local, binding);
        try {
            binding.hook = () -> fire(local, binding);
            domain.part(EventChannels.PART).bindDom0(remotePort, local, binding.hook);
        } catch (RuntimeException e) {
            bindings.remove(local);
            throw e;
        }
        return local;
    }

    private void fire(int local, Binding binding) {
        synchronized (binding) {
            if (binding.masked) {
                binding.pendingWhileMasked = true;
                return;
            }
            binding.masked = true;
        }
        fired.add(local);
    }

    /** xenevtchn_notify: raises an event on the guest's end of a bound local port. */
    public void notify(int localPort) {
        Binding binding = binding(localPort);
        binding.domain.part(EventChannels.PART).raise(binding.domain, binding.remotePort);
    }

    /**
     * xenevtchn_pending: waits for a notification and returns its local port, now masked; -1
     * once the handle is closed.
     */
    public int pending() throws InterruptedException {
        int port = fired.take();
        return closed ? CLOSED : port;
    }

    /** {@link #pending()} with a timeout: 0 when nothing fired in time. */
    public int pending(long timeout, TimeUnit unit) throws InterruptedException {
        Integer port = fired.poll(timeout, unit);
        if (closed) {
            return CLOSED;
        }
        return port == null ? 0 : port;
    }

    /**
     * xenevtchn_unmask: the port may fire again; a notification that came while masked fires now.
     * A port this handle does not bind (any more) is ignored, as Linux's evtchn device ignores it:
     * a service that took a notification may find the port unbound by the time it unmasks, when
     * the domain stopped and the handle was closed meanwhile.
     */
    public void unmask(int localPort) {
        Binding binding = bindings.get(localPort);
        if (binding == null) {
            return;
        }
        synchronized (binding) {
            binding.masked = false;
            if (!binding.pendingWhileMasked) {
                return;
            }
            binding.pendingWhileMasked = false;
            binding.masked = true;
        }
        fired.add(localPort);
    }

    /** xenevtchn_unbind: the guest's port goes back to unbound. */
    public void unbind(int localPort) {
        Binding binding = bindings.remove(localPort);
        if (binding != null) {
            binding.domain.part(EventChannels.PART).unbindDom0(binding.remotePort, binding.hook);
        }
    }

    /** Unbinds every port and wakes a thread waiting in {@link #pending} (it gets -1). */
    @Override
    public void close() {
        closed = true;
        for (Integer local : bindings.keySet()) {
            unbind(local);
        }
        fired.add(CLOSED);
    }

    public boolean isClosed() {
        return closed;
    }

    private Binding binding(int localPort) {
        Binding binding = bindings.get(localPort);
        if (binding == null) {
            throw new IllegalArgumentException("local port " + localPort + " is not bound");
        }
        return binding;
    }
}
