package dev.trufflexen.xen.event;

import dev.trufflexen.xen.domain.Domain;

/**
 * How a domain's ports are raised, masked and found pending in guest memory: the 2-level ABI's
 * bitmaps in shared_info ({@link TwoLevelDelivery}) or the FIFO ABI's event words and queues
 * ({@link FifoDelivery}), as Xen's {@code evtchn_port_ops}. Every method writes the guest-shared
 * words with atomic operations and may run on any thread.
 */
interface PortDelivery {
    /**
     * Marks {@code port} pending for vCPU {@code vcpuId} and, when it is not masked, tells the
     * vCPU (selector or queue, upcall flag, wake). True when the pending bit was newly set, so
     * pollers of the port should look again.
     */
    boolean setPending(Domain domain, int port, int vcpuId);

    /** Clears the pending bit of a port being freed. */
    void clearPending(Domain domain, int port);

    /** EVTCHNOP_unmask: clears the mask and raises the port again when it is pending. */
    void unmask(Domain domain, int port, int vcpuId);

    boolean isPending(Domain domain, int port);

    /** True when the port may not be reused yet (FIFO: still linked on a queue). */
    boolean isBusy(Domain domain, int port);

    /** The number of ports this ABI can name (Xen's max_evtchns). */
    int portLimit();
}
