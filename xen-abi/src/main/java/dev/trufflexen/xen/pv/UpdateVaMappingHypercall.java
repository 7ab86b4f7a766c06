package dev.trufflexen.xen.pv;

import dev.trufflexen.xen.abi.Hypercalls;
import dev.trufflexen.xen.hypercall.Hypercall;
import dev.trufflexen.xen.hypercall.HypercallContext;

/** {@code update_va_mapping(unsigned long va, u64 val, unsigned long flags)}: see {@link UpdateVaMapping}. */
public final class UpdateVaMappingHypercall implements Hypercall {
    @Override
    public int number() {
        return Hypercalls.__HYPERVISOR_update_va_mapping;
    }

    @Override
    public long invoke(HypercallContext context) {
        return UpdateVaMapping.update(context, context.ulongArg(0), context.ulongArg(1), context.ulongArg(2),
                context.domain().id());
    }
}
