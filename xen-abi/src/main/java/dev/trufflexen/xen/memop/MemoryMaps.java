package dev.trufflexen.xen.memop;

import static dev.trufflexen.xen.abi.MemoryOp.*;

import dev.trufflexen.xen.abi.XenErrno;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.hypercall.GuestStruct;
import dev.trufflexen.xen.hypercall.HypercallContext;
import dev.trufflexen.xen.hypercall.XenError;
import dev.trufflexen.xen.mm.DomainMemory;

/**
 * The maps memory_op reads and writes: a domain's E820 (XENMEM_memory_map,
 * XENMEM_set_memory_map) and the frames of the M2P table (XENMEM_machphys_mfn_list).
 *
 * <p>xl sets every PV domain's E820 when it builds it: one RAM entry from 0 to the domain's
 * memory ({@code xc_domain_set_memmap_limit}). A domain may replace its own map; a map of no
 * entries makes memory_map -ENOSYS, Xen's answer to a domain without one.
 */
final class MemoryMaps {
    private static final int ENTRY = E820_ENTRY_LAYOUT.size();
    /** The M2P table is reported in chunks of 2 MiB, the size of an L2 mapping. */
    private static final long CHUNK_BYTES = 2L << 20;

    private MemoryMaps() {
    }

    /** One E820 RAM entry covering {@code bytes} from address 0 (libxl's memmap limit). */
    static byte[] ramMap(long bytes) {
        byte[] entry = new byte[ENTRY];
        putLong(entry, 8, bytes);
        entry[16] = (byte) E820_RAM;
        return entry;
    }

    static long get(HypercallContext context, long arg) {
        GuestStruct map = context.copyIn(arg, MEMORY_MAP_LAYOUT);
        long room = map.get(MAP_NR_ENTRIES);
        long buffer = map.get(MAP_BUFFER);
        byte[] entries = TargetDomain.memory(context.domain()).memoryMap();
        if (entries == null) {
            throw new XenError(XenErrno.ENOSYS, "no memory map was set for this domain");
        }
        int count = (int) Math.min(room, entries.length / ENTRY);
        if (count > 0) {
            context.copyToGuest(buffer, entries, 0, count * ENTRY);
        }
        context.copyOut(arg, context.blank(MEMORY_MAP_LAYOUT).set(MAP_NR_ENTRIES, count));
        return 0;
    }

    static long set(HypercallContext context, long arg) {
        GuestStruct fmap = context.copyIn(arg, FOREIGN_MEMORY_MAP_LAYOUT);
        int domid = (int) fmap.get(FMAP_DOMID);
        long count = fmap.get(FMAP_NR_ENTRIES);
        long buffer = fmap.get(FMAP_BUFFER);
        if (count > E820MAX) {
            throw new XenError(XenErrno.EINVAL, count + " E820 entries, more than " + E820MAX);
        }
        Domain target = TargetDomain.byAnyId(context, domid);
        if (target == null) {
            throw new XenError(XenErrno.ESRCH, "no domain " + domid);
        }
        if (!TargetDomain.mayTarget(context, target)) {
            throw new XenError(XenErrno.EPERM, "domain " + domid + "'s memory map is not the caller's to set");
        }
        byte[] entries = new byte[(int) count * ENTRY];
        if (count > 0) {
            context.copyFromGuest(buffer, entries, 0, entries.length);
        }
        TargetDomain.memory(target).setMemoryMap(entries);
        return 0;
    }

    /** The M2P frame of each 2 MiB of the table, up to max_extents, and how many were written. */
    static long machphysMfnList(HypercallContext context, long arg) {
        GuestStruct xmml = context.copyIn(arg, MACHPHYS_MFN_LIST_LAYOUT);
        long maxExtents = xmml.get(MFNLIST_MAX_EXTENTS);
        FrameList list = new FrameList(context, xmml.get(MFNLIST_EXTENT_START));
        DomainMemory memory = TargetDomain.memory(context.domain());
        long chunks = (memory.maxMachinePage() * 8 + CHUNK_BYTES - 1) / CHUNK_BYTES;
        long i = 0;
        for (; i != maxExtents && i < chunks; i++) {
            if (!list.write(i, memory.m2pChunkFrame(i))) {
                throw new XenError(XenErrno.EFAULT, "machphys_mfn_list: extent list unwritable at " + i);
            }
        }
        context.copyOut(arg, context.blank(MACHPHYS_MFN_LIST_LAYOUT).set(MFNLIST_NR_EXTENTS, i));
        return 0;
    }

    private static void putLong(byte[] into, int offset, long value) {
        for (int i = 0; i < 8; i++) {
            into[offset + i] = (byte) (value >>> (8 * i));
        }
    }
}
