/**
 * Event channels: each domain's port table (its state, attached to the domain as a part) and
 * the operations and hypercall handler that use it.
 *
 * <p>Delivery towards a guest follows Xen's 2-level ABI: set the port's bit in shared_info's
 * {@code evtchn_pending}; if the port is not masked and its selector bit in vCPU 0's
 * {@code evtchn_pending_sel} was clear, set it and {@code evtchn_upcall_pending}, then wake the
 * vCPU (a blocked one returns from SCHEDOP_block). All of it is written through
 * {@code GuestFrames} with atomic bit sets, since the guest changes the same words concurrently.
 *
 * <p>A port bound by a dom0 service (see {@code dev.trufflexen.xen.dom0}) calls that service's
 * hook when the guest sends on it; the hook only queues the port and wakes the service's thread,
 * so no backend work runs on the guest's vCPU thread.
 */
package dev.trufflexen.xen.event;
