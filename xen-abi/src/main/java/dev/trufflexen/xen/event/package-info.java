/**
 * Event channels: each domain's port table ({@link dev.trufflexen.xen.event.EventChannels},
 * attached to the domain as a part) and {@code event_channel_op}.
 *
 * <h2>Ports</h2>
 * A port is free, reserved (port 0), unbound (allocated for a named remote domain, as the
 * toolstack does for the console and xenstore), interdomain (bound to a port of another domain
 * of this hypervisor, to another port of the same domain, or to a dom0 service of this process),
 * a VIRQ or an IPI. Xen's limits hold: ports become valid in buckets of 64 as they are
 * allocated, a port outside the valid range is -EINVAL for every operation, and no port above
 * {@code max_event_channels} (1023) is handed out. VIRQs are routed as Xen's get_virq_type says:
 * timer, debug, xenoprof and xenpmu per vCPU; argo per domain; every other one global and
 * reserved for the hardware domain (-EBUSY for a domU). A domU has no PIRQ access (-EPERM).
 * Operations on two domains lock their tables in domain-id order. EVTCHNOP_send, the hot one,
 * locks neither: each interdomain port's binding is also published as one immutable value
 * whenever the port becomes or stops being interdomain, and the send reads its own port's and
 * then the remote port's (a send racing a close lands as if just before it, as Xen's lock
 * would also allow); other ports take the table's monitor.
 *
 * <h2>Delivery (2-level ABI, {@code TwoLevelDelivery})</h2>
 * Raising a port sets its bit in shared_info's {@code evtchn_pending}; if it was clear and the
 * port is not masked, the selector bit in the vCPU's {@code evtchn_pending_sel}, and when that
 * was clear {@code evtchn_upcall_pending}; then the vCPU is woken (unparked if blocked, asked for
 * attention if running). Everything is written with atomic bit operations on the guest's
 * memory, since the guest changes the same words concurrently. vcpu_info is wherever the guest
 * put it (VCPUOP_register_vcpu_info). The upcall itself is made by the PV entry
 * ({@code PvEntry.deliverPendingEvents}): after every hypercall and at every attention request,
 * when an upcall is pending and not masked, a bounce frame to the event callback with events
 * masked. EVTCHNOP_unmask re-raises a port that became pending while masked.
 *
 * <h2>dom0 services</h2>
 * A port bound by a dom0 service (see {@code dev.trufflexen.xen.dom0}) calls that service's
 * hook when the guest sends on it; the hook only queues the port and wakes the service's thread,
 * so no backend work runs on the guest's vCPU thread. If the guest closes the port, the
 * service's notifications are dropped, as a send on a closed port is in Xen.
 *
 * <h2>Delivery (FIFO ABI)</h2>
 * The guest's first EVTCHNOP_init_control switches the domain to FIFO ({@code FifoDelivery}):
 * an event word per port in pages the guest adds with expand_array, and per vCPU a control
 * block with a ready bit and a queue head for each of the 16 priorities. Raising a port sets
 * PENDING and, when it is neither MASKED nor already LINKED, links it behind its queue's tail
 * (a compare-and-swap that only succeeds while the tail is still LINKED, with BUSY set after a
 * failure) or writes the queue's head when the queue was empty, then sets the ready bit and the
 * upcall flag. Bound ports keep their state across the switch; a port pending before its event
 * word exists is raised when the page arrives. EVTCHNOP_reset closes every port and goes back to
 * the 2-level ABI. Which ABI is in use is the port table's {@code PortDelivery}.
 *
 * <h2>Pollers</h2>
 * SCHEDOP_poll registers the port it waits for (any port for a poll of several) with the port
 * table; a port newly pending ends such a poll, as Xen's evtchn_check_pollers does.
 */
package dev.trufflexen.xen.event;
