package dev.trufflexen.xen.memop;

import dev.trufflexen.xen.abi.DomainIds;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.hypercall.HypercallContext;
import dev.trufflexen.xen.mm.DomainMemory;

/**
 * The domain a memory_op names and whether the caller may act on it, as Xen's
 * {@code rcu_lock_domain_by_any_id} and its default XSM policy decide. No TruffleXen guest is a
 * control domain or a device model, so a domain may only act on itself ({@code XSM_TARGET}).
 */
final class TargetDomain {
    private TargetDomain() {
    }

    /** rcu_lock_domain_by_any_id: DOMID_SELF is the caller; other reserved ids name no domain. Null when none. */
    static Domain byAnyId(HypercallContext context, int domid) {
        if (domid == DomainIds.DOMID_SELF) {
            return context.domain();
        }
        return byId(context, domid);
    }

    /** rcu_lock_domain_by_id: DOMID_SELF names no domain here. */
    static Domain byId(HypercallContext context, int domid) {
        if (domid >= DomainIds.DOMID_FIRST_RESERVED) {
            return null;
        }
        Domain self = context.domain();
        if (domid == self.id()) {
            return self;
        }
        return self.registry().lookup(domid).orElse(null);
    }

    /** XSM_TARGET for an unprivileged caller: only itself. */
    static boolean mayTarget(HypercallContext context, Domain target) {
        return target == context.domain();
    }

    static DomainMemory memory(Domain domain) {
        return domain.part(MemoryOpHypercall.MEMORY);
    }
}
