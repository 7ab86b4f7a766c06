package dev.trufflexen.dom0.console;

import static dev.trufflexen.xen.abi.ConsoleInterface.IN_SIZE;
import static dev.trufflexen.xen.abi.ConsoleInterface.OFF_IN;
import static dev.trufflexen.xen.abi.ConsoleInterface.OFF_IN_CONS;
import static dev.trufflexen.xen.abi.ConsoleInterface.OFF_IN_PROD;
import static dev.trufflexen.xen.abi.ConsoleInterface.OFF_OUT;
import static dev.trufflexen.xen.abi.ConsoleInterface.OFF_OUT_CONS;
import static dev.trufflexen.xen.abi.ConsoleInterface.OFF_OUT_PROD;
import static dev.trufflexen.xen.abi.ConsoleInterface.OUT_SIZE;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.VarHandle;

import dev.trufflexen.xen.dom0.EventChannelHandle;
import dev.trufflexen.xen.dom0.ForeignMemory;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.log.HypervisorConsole;

/**
 * The dom0 side of a domain's PV console (what xenconsoled does): drains the {@code out} ring of
 * the console page to an output stream and feeds bytes into the {@code in} ring.
 *
 * <p>It sees the guest only through the dom0 API: the console page mapped with
 * {@link ForeignMemory} and the console event channel through an {@link EventChannelHandle}. It
 * runs on its own thread, woken when the guest notifies the console port, and drains once more
 * when the domain stops; after consuming output or producing input it notifies the guest.
 *
 * <p>The ring indices live in guest-writable memory, so each is read once per pass and checked
 * before use: a producer more than a ring's size ahead of the consumer is a broken or hostile
 * guest, and the console stops serving it (the domain itself keeps running).
 */
public final class ConsoleBackend {
    private final int domid;
    private final ForeignMemory.Page page;
    private final EventChannelHandle evtchn;
    private final int localPort;
    private final HypervisorConsole log;
    private final Thread thread;
    private volatile OutputStream output;
    private boolean broken;
    private long bytesOut;

    private ConsoleBackend(Domain domain, OutputStream output) {
        this.domid = domain.id();
        this.page = ForeignMemory.map(domain, domain.consoleMfn());
        this.evtchn = EventChannelHandle.open();
        this.localPort = evtchn.bindInterdomain(domain, domain.consolePort());
        this.log = domain.console();
        this.output = output;
        this.thread = new Thread(this::serve, "console-d" + domid);
        thread.setDaemon(true);
    }

    /** Connects a console backend to {@code domain}, writing its output to {@code output}. */
    public static ConsoleBackend attach(Domain domain, OutputStream output) {
        ConsoleBackend backend = new ConsoleBackend(domain, output);
        domain.onStop(backend::stop);
        backend.thread.start();
        return backend;
    }

    /** The backend's thread: wait for the guest's notification, drain, unmask, until stopped. */
    private void serve() {
        try {
            while (true) {
                int port = evtchn.pending();
                if (port < 0) {
                    return;
                }
                drain();
                evtchn.unmask(port);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The domain stopped: drain what is left and end the backend's thread. */
    private void stop() {
        drain();
        evtchn.close();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends the guest's output somewhere else from now on (attach/detach a terminal). */
    public void redirect(OutputStream newOutput) {
        drain();
        this.output = newOutput;
    }

    public synchronized long bytesOut() {
        return bytesOut;
    }

    public synchronized boolean isBroken() {
        return broken;
    }

    /** Copies everything the guest has produced on {@code out} to the output stream. */
    public synchronized void drain() {
        if (broken) {
            return;
        }
        int cons = page.read32(OFF_OUT_CONS);
        int prod = page.read32(OFF_OUT_PROD);
        VarHandle.acquireFence();
        int available = prod - cons;
        if (Integer.compareUnsigned(available, OUT_SIZE) > 0) {
            disconnect(String.format("out ring indices cons=%d prod=%d are more than %d apart", cons, prod, OUT_SIZE));
            return;
        }
        if (available == 0) {
            return;
        }
        byte[] bytes = new byte[available];
        copyOutOfRing(OFF_OUT, OUT_SIZE, cons, bytes, available);
        VarHandle.releaseFence();
        page.write32(OFF_OUT_CONS, prod);
        bytesOut += available;
        notifyGuest();
        try {
            OutputStream out = output;
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            log.log("console of domain " + domid + ": output failed: " + e.getMessage());
        }
    }

    /**
     * Puts as many of {@code bytes} as fit into the guest's {@code in} ring; returns how many.
     * The guest reads them when it next polls its console.
     */
    public synchronized int deliverInput(byte[] bytes, int offset, int length) {
        if (broken) {
            return 0;
        }
        int cons = page.read32(OFF_IN_CONS);
        int prod = page.read32(OFF_IN_PROD);
        VarHandle.acquireFence();
        int used = prod - cons;
        if (Integer.compareUnsigned(used, IN_SIZE) > 0) {
            disconnect(String.format("in ring indices cons=%d prod=%d are more than %d apart", cons, prod, IN_SIZE));
            return 0;
        }
        int count = Math.min(length, IN_SIZE - used);
        copyIntoRing(OFF_IN, IN_SIZE, prod, bytes, offset, count);
        VarHandle.releaseFence();
        page.write32(OFF_IN_PROD, prod + count);
        if (count > 0) {
            notifyGuest();
        }
        return count;
    }

    /** Copies {@code length} bytes starting at ring index {@code from}, in at most two pieces. */
    private void copyOutOfRing(int ring, int size, int from, byte[] into, int length) {
        int start = from & (size - 1);
        int first = Math.min(length, size - start);
        page.copyOut(ring + start, into, 0, first);
        page.copyOut(ring, into, first, length - first);
    }

    private void copyIntoRing(int ring, int size, int from, byte[] bytes, int offset, int length) {
        int start = from & (size - 1);
        int first = Math.min(length, size - start);
        page.copyIn(ring + start, bytes, offset, first);
        page.copyIn(ring, bytes, offset + first, length - first);
    }

    /** Tells the guest the ring moved (xenconsoled's notify after each pass); nothing once the handle is closed. */
    private void notifyGuest() {
        if (!evtchn.isClosed()) {
            try {
                evtchn.notify(localPort);
            } catch (IllegalArgumentException closedMeanwhile) {
                // the domain stopped while this pass ran: nobody is listening any more
            }
        }
    }

    private void disconnect(String why) {
        broken = true;
        log.log("console of domain " + domid + " disconnected: " + why);
    }
}
