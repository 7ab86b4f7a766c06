package dev.trufflexen.xen.memop;

import static dev.trufflexen.xen.abi.MemoryOp.*;

import dev.trufflexen.xen.abi.XenErrno;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.hypercall.GuestStruct;
import dev.trufflexen.xen.hypercall.HypercallContext;
import dev.trufflexen.xen.hypercall.XenError;

/**
 * The memory_op sub-operations Xen refuses a PV domU, each with the error Xen reaches first
 * (argument copy, start extent, domain lookup, then the refusal): the physmap is the guest's own
 * business in PV (add_to_physmap, add_to_physmap_batch and remove_from_physmap are -EACCES;
 * shared_info is mapped with update_va_mapping), populate-on-demand targets are HVM's (-EINVAL),
 * claims, memory access and resources need privilege, and a domain without vNUMA has no vNUMA
 * information (-EOPNOTSUPP).
 */
final class RefusedOps {
    private RefusedOps() {
    }

    static long run(HypercallContext context, int op, long startExtent, long arg) {
        return switch (op) {
            case XENMEM_add_to_physmap -> addToPhysmap(context, startExtent, arg);
            case XENMEM_add_to_physmap_batch -> addToPhysmapBatch(context, startExtent, arg);
            case XENMEM_remove_from_physmap -> {
                MemoryOpHypercall.noStartExtent(startExtent);
                byte[] xrfp = copyIn(context, arg, REMOVE_FROM_PHYSMAP_SIZE);
                anyDomain(context, u16(xrfp, 0));
                throw new XenError(XenErrno.EACCES, "a PV domain's physmap is not translated");
            }
            case XENMEM_access_op -> {
                byte[] mao = copyIn(context, arg, MEM_ACCESS_OP_SIZE);
                Domain target = remoteDomain(context, u16(mao, MEM_ACCESS_OFF_DOMID));
                throw new XenError(XenErrno.EINVAL, "memory access needs an HVM domain, not " + target.id());
            }
            case XENMEM_claim_pages -> claimPages(context, startExtent, arg);
            case XENMEM_get_vnumainfo -> {
                MemoryOpHypercall.noStartExtent(startExtent);
                byte[] topology = copyIn(context, arg, VNUMA_TOPOLOGY_SIZE);
                if (u16(topology, VNUMA_OFF_PAD) != 0) {
                    throw new XenError(XenErrno.EINVAL, "vnuma topology padding is not zero");
                }
                permittedDomain(context, u16(topology, 0));
                throw new XenError(XenErrno.EOPNOTSUPP, "the domain has no vNUMA topology");
            }
            case XENMEM_reserved_device_memory_map -> reservedDeviceMemory(context, startExtent, arg);
            default -> acquireResource(context, arg);
        };
    }

    private static long addToPhysmap(HypercallContext context, long startExtent, long arg) {
        if ((startExtent & 0xFFFF) != startExtent) {
            throw new XenError(XenErrno.EDOM, "start extent beyond add_to_physmap's 16-bit size");
        }
        GuestStruct xatp = context.copyIn(arg, ADD_TO_PHYSMAP_LAYOUT);
        if (xatp.get(XATP_SPACE) == XENMAPSPACE_gmfn_foreign) {
            throw new XenError(XenErrno.ENOSYS, "foreign mappings go through add_to_physmap_batch");
        }
        anyDomain(context, (int) xatp.get(XATP_DOMID));
        throw new XenError(XenErrno.EACCES, "a PV domain maps shared_info and grant frames with update_va_mapping");
    }

    private static long addToPhysmapBatch(HypercallContext context, long startExtent, long arg) {
        if ((startExtent & 0xFFFF) != startExtent) {
            throw new XenError(XenErrno.EDOM, "start extent beyond add_to_physmap_batch's 16-bit size");
        }
        byte[] xatpb = copyIn(context, arg, BATCH_SIZE);
        if (u16(xatpb, BATCH_OFF_SPACE) == XENMAPSPACE_gmfn_range) {
            throw new XenError(XenErrno.EOPNOTSUPP, "gmfn_range is not a batch space");
        }
        anyDomain(context, u16(xatpb, 0));
        throw new XenError(XenErrno.EACCES, "a PV domain's physmap is not translated");
    }

    private static long claimPages(HypercallContext context, long startExtent, long arg) {
        MemoryOpHypercall.noStartExtent(startExtent);
        GuestStruct r = context.copyIn(arg, RESERVATION_LAYOUT);
        if (r.get(RES_EXTENT_START) != 0 || r.get(RES_EXTENT_ORDER) != 0 || r.get(RES_MEM_FLAGS) != 0) {
            throw new XenError(XenErrno.EINVAL, "a claim has no extent list, order or flags");
        }
        if (TargetDomain.byId(context, (int) r.get(RES_DOMID)) == null) {
            throw new XenError(XenErrno.EINVAL, "no domain " + r.get(RES_DOMID) + " to claim for");
        }
        throw new XenError(XenErrno.EPERM, "claiming pages needs the control domain");
    }

    private static long reservedDeviceMemory(HypercallContext context, long startExtent, long arg) {
        MemoryOpHypercall.noStartExtent(startExtent);
        byte[] map = copyIn(context, arg, RDM_MAP_SIZE);
        long flags = u32(map, 0);
        long room = u32(map, RDM_OFF_NR_ENTRIES);
        long buffer = 0;
        for (int i = 7; i >= 0; i--) {
            buffer = (buffer << 8) | (map[8 + i] & 0xFF);
        }
        // guest_handle_okay(buffer, nr_entries) for 16-byte entries.
        if (!HypercallContext.accessOk(buffer) || Long.compareUnsigned(room, -1L >>> 4) >= 0) {
            throw new XenError(XenErrno.EFAULT, "reserved device memory buffer");
        }
        if ((flags & ~(long) XENMEM_RDM_ALL) != 0) {
            throw new XenError(XenErrno.EINVAL, "unknown reserved device memory flags");
        }
        // No device is assigned, so no region is reserved: nr_entries becomes 0.
        context.copyToGuest(arg + RDM_OFF_NR_ENTRIES, new byte[4], 0, 4);
        return 0;
    }

    private static long acquireResource(HypercallContext context, long arg) {
        byte[] xmar = copyIn(context, arg, ACQUIRE_RESOURCE_SIZE);
        if (u32(xmar, ACQUIRE_OFF_PAD) != 0) {
            throw new XenError(XenErrno.EINVAL, "acquire_resource padding is not zero");
        }
        long frame = 0;
        for (int i = 7; i >= 0; i--) {
            frame = (frame << 8) | (xmar[ACQUIRE_OFF_FRAME + i] & 0xFF);
        }
        if ((frame >>> 32) != 0 || ((frame + u32(xmar, ACQUIRE_OFF_NR_FRAMES)) >>> 32) != 0) {
            throw new XenError(XenErrno.EINVAL, "resource frame range overflows");
        }
        Domain target = TargetDomain.byId(context, u16(xmar, 0));
        if (target == null) {
            throw new XenError(XenErrno.ESRCH, "no domain " + u16(xmar, 0));
        }
        throw new XenError(XenErrno.EPERM, "mapping a domain's resources needs a device model or the control domain");
    }

    /** XENMEM_set_pod_target and XENMEM_get_pod_target: populate-on-demand is HVM's. */
    static long podTarget(HypercallContext context, long arg) {
        byte[] target = copyIn(context, arg, POD_TARGET_SIZE);
        anyDomain(context, u16(target, POD_TARGET_OFF_DOMID));
        throw new XenError(XenErrno.EINVAL, "populate-on-demand targets are for HVM domains");
    }

    private static Domain anyDomain(HypercallContext context, int domid) {
        Domain target = TargetDomain.byAnyId(context, domid);
        if (target == null) {
            throw new XenError(XenErrno.ESRCH, "no domain " + domid);
        }
        return target;
    }

    private static Domain permittedDomain(HypercallContext context, int domid) {
        Domain target = anyDomain(context, domid);
        if (!TargetDomain.mayTarget(context, target)) {
            throw new XenError(XenErrno.EPERM, "domain " + domid + " is not the caller's");
        }
        return target;
    }

    /** rcu_lock_live_remote_domain_by_id: another live domain; the caller itself is -EPERM. */
    private static Domain remoteDomain(HypercallContext context, int domid) {
        Domain target = TargetDomain.byId(context, domid);
        if (target == null) {
            throw new XenError(XenErrno.ESRCH, "no domain " + domid);
        }
        if (target == context.domain()) {
            throw new XenError(XenErrno.EPERM, "a domain cannot be its own remote domain");
        }
        if (target.isDying()) {
            throw new XenError(XenErrno.EINVAL, "domain " + domid + " is dying");
        }
        return target;
    }

    private static byte[] copyIn(HypercallContext context, long arg, int size) {
        byte[] bytes = new byte[size];
        context.copyFromGuest(arg, bytes, 0, size);
        return bytes;
    }

    private static int u16(byte[] bytes, int offset) {
        return (bytes[offset] & 0xFF) | (bytes[offset + 1] & 0xFF) << 8;
    }

    private static long u32(byte[] bytes, int offset) {
        return (u16(bytes, offset) | (long) u16(bytes, offset + 2) << 16) & 0xFFFF_FFFFL;
    }
}
