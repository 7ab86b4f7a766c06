/**
 * memory_op for 64-bit PV domains: how a domain learns about memory and changes how much of it
 * it holds, as Xen's {@code common/memory.c} and {@code arch/x86/mm.c} define it.
 *
 * <h2>What a PV domain sees</h2>
 * A PV guest manages its own pseudo-physical map: the hypervisor keeps no P2M for it, only the
 * machine-to-physical table (M2P) that every guest can read. So the reservation sub-operations
 * speak machine frames: increase_reservation and populate_physmap write the machine frames they
 * allocated into the guest's extent list (populate_physmap also records in the M2P the
 * pseudo-physical frames the list named), and decrease_reservation and exchange take machine
 * frames back. The guest then updates its own P2M list and page tables.
 *
 * <h2>Limits and hostile arguments</h2>
 * {@link dev.trufflexen.xen.mm.DomainMemory} holds each domain's tot_pages and max_pages and
 * counts every extent against the maximum before the pool gives it; an over-reservation simply
 * stops (the result is the number of extents done). Extent orders above Xen's domU limit (9),
 * counts too large for the continuation encoding, extent lists in the hypervisor's range,
 * unreadable lists, exact NUMA node requests and address widths of 12 bits or fewer all stop at
 * the start extent, as in Xen; other domains are reachable only with privilege, which no
 * TruffleXen guest has. Frames given back must be the domain's own (-ENXIO ends the loop
 * otherwise); one the guest still maps or uses as a page table loses only its allocation
 * reference and stays, counted, until its last reference goes, and exchange refuses it
 * (-EINVAL); the hypervisor's shared_info frame is never given up by a guest.
 *
 * <h2>Continuations</h2>
 * The reservation loops offer to be preempted after each extent
 * ({@code HypercallContext.preemptionWanted}); when they stop early the extents done so far go
 * into the upper bits of the command ({@code op | done << 6}) and the guest re-issues the
 * hypercall, as Xen's {@code hypercall_create_continuation} arranges. Exchange records its
 * progress in the guest's {@code nr_exchanged} instead and continues with the plain command.
 */
package dev.trufflexen.xen.memop;
