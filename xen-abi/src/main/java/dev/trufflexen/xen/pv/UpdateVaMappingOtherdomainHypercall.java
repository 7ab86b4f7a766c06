package dev.trufflexen.xen.pv;

import dev.trufflexen.xen.abi.Hypercalls;
import dev.trufflexen.xen.abi.XenErrno;
import dev.trufflexen.xen.hypercall.Hypercall;
import dev.trufflexen.xen.hypercall.HypercallContext;

/**
 * {@code update_va_mapping_otherdomain(va, val, flags, domid_t domid)}: update_va_mapping with
 * the page owner named by {@code domid}; for an unprivileged guest only DOMID_SELF is allowed
 * (its own id or an unknown domain is -ESRCH, any other owner -EPERM).
 */
public final class UpdateVaMappingOtherdomainHypercall implements Hypercall {
    @Override
    public int number() {
        return Hypercalls.__HYPERVISOR_update_va_mapping_otherdomain;
    }

    @Override
    public long invoke(HypercallContext context) {
        int owner = MmuOwners.pageOwner(context, context.intArg(3) & 0xFFFF);
        if (owner == MmuOwners.NO_OWNER) {
            return -XenErrno.ESRCH;
        }
        if (!MmuOwners.permitted(context, owner)) {
            return -XenErrno.EPERM;
        }
        return UpdateVaMapping.update(context, context.ulongArg(0), context.ulongArg(1), context.ulongArg(2), owner);
    }
}
