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

import dev.trufflexen.x86.memory.MachineMemory;
import dev.trufflexen.xen.core.Domain;

/**
 * The dom0 side of a domain's PV console (what xenconsoled does): drains the {@code out} ring of
 * the console page to an output stream and feeds bytes into the {@code in} ring.
 *
 * <p>The ring indices live in guest-writable memory, so each is read once per pass and checked
 * before use: a producer more than a ring's size ahead of the consumer is a broken or hostile
 * guest, and the console stops serving it (the domain itself keeps running). The backend runs
 * when the guest notifies the console event channel, when it yields or blocks, and when it shuts
 * down.
 */
public final class ConsoleBackend {
    private final Domain domain;
    private final MachineMemory memory;
    private final long page;
    private volatile OutputStream output;
    private boolean broken;
    private long bytesOut;

    private ConsoleBackend(Domain domain, OutputStream output) {
        this.domain = domain;
        this.memory = domain.hypervisor().memory();
        this.page = domain.consoleMfn() << MachineMemory.PAGE_SHIFT;
        this.output = output;
    }

    /** Connects a console backend to {@code domain}, writing its output to {@code output}. */
    public static ConsoleBackend attach(Domain domain, OutputStream output) {
        ConsoleBackend backend = new ConsoleBackend(domain, output);
        domain.eventChannels().bindBackend(domain.consolePort(), backend::drain);
        domain.addBackendPoller(backend::drain);
        return backend;
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
        int cons = memory.read32(page + OFF_OUT_CONS);
        int prod = memory.read32(page + OFF_OUT_PROD);
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
        copyOutOfRing(page + OFF_OUT, OUT_SIZE, cons, bytes, available);
        VarHandle.releaseFence();
        memory.write32(page + OFF_OUT_CONS, prod);
        bytesOut += available;
        try {
            OutputStream out = output;
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            domain.hypervisor().console().log("console of domain " + domain.id() + ": output failed: " + e.getMessage());
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
        int cons = memory.read32(page + OFF_IN_CONS);
        int prod = memory.read32(page + OFF_IN_PROD);
        VarHandle.acquireFence();
        int used = prod - cons;
        if (Integer.compareUnsigned(used, IN_SIZE) > 0) {
            disconnect(String.format("in ring indices cons=%d prod=%d are more than %d apart", cons, prod, IN_SIZE));
            return 0;
        }
        int count = Math.min(length, IN_SIZE - used);
        copyIntoRing(page + OFF_IN, IN_SIZE, prod, bytes, offset, count);
        VarHandle.releaseFence();
        memory.write32(page + OFF_IN_PROD, prod + count);
        return count;
    }

    /** Copies {@code length} bytes starting at ring index {@code from}, in at most two pieces. */
    private void copyOutOfRing(long ring, int size, int from, byte[] into, int length) {
        int start = from & (size - 1);
        int first = Math.min(length, size - start);
        memory.copyOut(ring + start, into, 0, first);
        memory.copyOut(ring, into, first, length - first);
    }

    private void copyIntoRing(long ring, int size, int from, byte[] bytes, int offset, int length) {
        int start = from & (size - 1);
        int first = Math.min(length, size - start);
        memory.copyIn(ring + start, bytes, offset, first);
        memory.copyIn(ring, bytes, offset + first, length - first);
    }

    private void disconnect(String why) {
        broken = true;
        domain.hypervisor().console().log("console of domain " + domain.id() + " disconnected: " + why);
    }
}
