/**
 * Machine memory as the hypervisor owns it: the {@link dev.trufflexen.xen.mm.FramePool frame
 * pool} (an owner for every frame, frames scrubbed by giving them back to the host when they are
 * freed, so untouched memory costs nothing), the
 * {@link dev.trufflexen.xen.mm.FrameTable frame table} (reference counts and page types of every
 * frame: the PV MMU's safety rules, explained there), the
 * {@link dev.trufflexen.xen.mm.PageTables page-table rules} a PV guest's entries are validated
 * against, the {@link dev.trufflexen.xen.mm.FrameAudit invariant checker}, the read-only
 * {@link dev.trufflexen.xen.mm.MachToPhys M2P table}, {@link dev.trufflexen.xen.mm.GuestFrames},
 * the one path for host writes into guest frames, and each domain's share of memory,
 * {@link dev.trufflexen.xen.mm.DomainMemory} (tot_pages against max_pages, extents, and frames
 * given back through {@link dev.trufflexen.xen.mm.FrameRelease}).
 *
 * <h2>Giving frames back</h2>
 * A frame leaves a domain through {@link dev.trufflexen.xen.mm.FrameTable#releaseAllocation}: the
 * domain's allocation reference goes, and the frame returns to the pool when the last mapping or
 * link to it goes too (immediately if there is none). A released domain has every reference its
 * frames hold dropped ({@link dev.trufflexen.xen.mm.FrameTable#relinquish}); a frame still held
 * after that is a counting bug, reported and reclaimed.
 *
 * <h2>Why host writes need one path</h2>
 * The CPU translates guest code into regions and keeps them until the bytes they came from
 * change. It sees every store the guest makes (its MMU tells the code cache when a store hits a
 * frame holding code) but not the host's: a backend filling a ring, the hypervisor updating
 * shared_info, the toolstack loading a restarted domain, or the pool handing a frame that held
 * one domain's code to another. So every such write goes through {@code GuestFrames}, which tells
 * the code cache ({@code codeWritten}) after writing, and the pool drops every region of a frame
 * ({@code invalidateFrame}) when it is freed, before the scrub. A region that is running when its bytes change
 * stops at its next instruction boundary (each block checks the region's validity assumption), so
 * the guest executes the new bytes, never a stale translation.
 *
 * <p>This package imports only {@code abi}; the domain layer and everything above it reach
 * guest frames through it.
 */
package dev.trufflexen.xen.mm;
