/**
 * What dom0 services (the console backend today; xenstored, blkback and netback next) program
 * against, named after Xen's dom0 libraries: an
 * {@link dev.trufflexen.xen.dom0.EventChannelHandle event channel handle} (libxenevtchn) and
 * {@link dev.trufflexen.xen.dom0.ForeignMemory foreign memory} (libxenforeignmemory); grant
 * mapping (libxengnttab) arrives with grant tables.
 *
 * <p>A service never sees machine addresses or the hypervisor: it maps a guest's page by the
 * frame the guest advertised (checked to belong to that domain), reads and writes it within the
 * page through the one host path into guest frames, and waits for the guest's notifications on
 * its own thread, so a slow or stuck backend never holds up a vCPU. The {@code Domain} a service
 * is given only names the guest it serves and tells it that guest's console frame and port, as
 * xenstore would.
 */
package dev.trufflexen.xen.dom0;
