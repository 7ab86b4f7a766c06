package dev.trufflexen.xen.memop;

import static dev.trufflexen.xen.abi.MemoryOp.*;

import java.lang.reflect.Field;
import java.util.Map;
import java.util.TreeMap;

import dev.trufflexen.xen.abi.Hypercalls;
import dev.trufflexen.xen.abi.MemoryOp;
import dev.trufflexen.xen.abi.SharedInfo;
import dev.trufflexen.xen.abi.X86Pv;
import dev.trufflexen.xen.abi.XenErrno;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.DomainPart;
import dev.trufflexen.xen.hypercall.GuestStruct;
import dev.trufflexen.xen.hypercall.Hypercall;
import dev.trufflexen.xen.hypercall.HypercallContext;
import dev.trufflexen.xen.hypercall.XenError;
import dev.trufflexen.xen.mm.DomainMemory;

/**
 * {@code memory_op(unsigned long cmd, XEN_GUEST_HANDLE(void) arg)} for a 64-bit PV domU, as Xen's
 * {@code do_memory_op}, {@code arch_memory_op} and {@code subarch_memory_op} answer it. The low 6
 * bits of cmd are the sub-operation, the rest a start extent that only the reservation
 * sub-operations (and add_to_physmap's size check) may use; the x86 sub-operations are matched
 * on the whole cmd, so start-extent bits make them -ENOSYS as in Xen.
 */
public final class MemoryOpHypercall implements Hypercall {
    /** Each domain's share of machine memory. */
    public static final DomainPart<DomainMemory> MEMORY = DomainPart.declare("memory", DomainMemory.class);

    @Override
    public int number() {
        return Hypercalls.__HYPERVISOR_memory_op;
    }

    @Override
    public Map<Integer, String> subOps() {
        Map<Integer, String> ops = new TreeMap<>();
        for (Field field : MemoryOp.class.getFields()) {
            if (field.getName().startsWith("XENMEM_") && field.getType() == int.class) {
                try {
                    ops.put(field.getInt(null), HANDLED);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        ops.put(XENMEM_paging_op, "-ENOSYS because Xen answers it so without CONFIG_MEM_PAGING (its default)");
        ops.put(XENMEM_sharing_op, "-ENOSYS because Xen answers it so without CONFIG_MEM_SHARING (its default)");
        return ops;
    }

    @Override
    public long invoke(HypercallContext context) {
        long cmd = context.ulongArg(0);
        int op = (int) (cmd & MEMOP_CMD_MASK);
        long startExtent = cmd >>> MEMOP_EXTENT_SHIFT;
        long arg = context.handleArg(1);
        return switch (op) {
            case XENMEM_increase_reservation, XENMEM_decrease_reservation, XENMEM_populate_physmap ->
                Reservation.run(context, op, startExtent, arg);
            case XENMEM_exchange -> {
                noStartExtent(startExtent);
                yield MemoryExchange.run(context, arg);
            }
            case XENMEM_maximum_ram_page -> {
                noStartExtent(startExtent);
                yield TargetDomain.memory(context.domain()).maxMachinePage();
            }
            case XENMEM_current_reservation, XENMEM_maximum_reservation, XENMEM_maximum_gpfn ->
                reservationInfo(context, op, startExtent, arg);
            case XENMEM_add_to_physmap, XENMEM_add_to_physmap_batch, XENMEM_remove_from_physmap, XENMEM_access_op,
                    XENMEM_claim_pages, XENMEM_get_vnumainfo, XENMEM_reserved_device_memory_map,
                    XENMEM_acquire_resource -> RefusedOps.run(context, op, startExtent, arg);
            default -> archMemoryOp(context, cmd, arg);
        };
    }

    /** The E820 xl gives a PV domain: one RAM entry from 0 covering {@code bytes}. */
    public static byte[] ramMap(long bytes) {
        return MemoryMaps.ramMap(bytes);
    }

    static void noStartExtent(long startExtent) {
        if (startExtent != 0) {
            throw new XenError(XenErrno.EINVAL, "this memory_op takes no start extent");
        }
    }

    /** current_reservation, maximum_reservation and maximum_gpfn of a domain the caller may see. */
    private static long reservationInfo(HypercallContext context, int op, long startExtent, long arg) {
        noStartExtent(startExtent);
        int domid = (int) context.copyIn(arg, MEMORY_DOMAIN_LAYOUT).get(MEMDOM_DOMID);
        Domain target = TargetDomain.byAnyId(context, domid);
        if (target == null) {
            throw new XenError(XenErrno.ESRCH, "no domain " + domid);
        }
        if (!TargetDomain.mayTarget(context, target)) {
            throw new XenError(XenErrno.EPERM, "domain " + domid + " is not the caller's to inspect");
        }
        DomainMemory memory = TargetDomain.memory(target);
        return switch (op) {
            case XENMEM_current_reservation -> memory.totPages();
            case XENMEM_maximum_reservation -> memory.maxPages();
            default -> {
                // A PV guest states its own size in shared_info (arch.max_pfn, a count of frames).
                long maxPfn = target.frames().read64(target.sharedInfoMfn(), SharedInfo.OFF_ARCH_MAX_PFN);
                yield (maxPfn == 0 ? 1 : maxPfn) - 1;
            }
        };
    }

    /** arch_memory_op then subarch_memory_op: matched on the whole cmd. */
    private static long archMemoryOp(HypercallContext context, long cmd, long arg) {
        if (cmd == XENMEM_set_memory_map) {
            return MemoryMaps.set(context, arg);
        }
        if (cmd == XENMEM_memory_map) {
            return MemoryMaps.get(context, arg);
        }
        if (cmd == XENMEM_machine_memory_map) {
            throw new XenError(XenErrno.EPERM, "the machine memory map is for the control domain");
        }
        if (cmd == XENMEM_machphys_mapping) {
            GuestStruct mapping = context.blank(MACHPHYS_MAPPING_LAYOUT).set(MAPPING_V_START, X86Pv.MACH2PHYS_VIRT_START)
                    .set(MAPPING_V_END, X86Pv.MACH2PHYS_VIRT_END).set(MAPPING_MAX_MFN, X86Pv.MACH2PHYS_NR_ENTRIES - 1);
            context.copyOut(arg, mapping);
            return 0;
        }
        if (cmd == XENMEM_set_pod_target || cmd == XENMEM_get_pod_target) {
            return RefusedOps.podTarget(context, arg);
        }
        if (cmd == XENMEM_machphys_mfn_list) {
            return MemoryMaps.machphysMfnList(context, arg);
        }
        if (cmd == XENMEM_machphys_compat_mfn_list) {
            throw new XenError(XenErrno.EOPNOTSUPP, "no 32-bit PV guests (Xen with pv32 off)");
        }
        if (cmd == XENMEM_get_sharing_freed_pages || cmd == XENMEM_get_sharing_shared_pages) {
            return 0;
        }
        throw new XenError(XenErrno.ENOSYS, "memory_op command " + cmd + " is not a PV one");
    }
}
