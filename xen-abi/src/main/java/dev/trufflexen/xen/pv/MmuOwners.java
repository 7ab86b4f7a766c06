package dev.trufflexen.xen.pv;

import dev.trufflexen.xen.abi.DomainIds;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.hypercall.HypercallContext;

/**
 * Xen's get_pg_owner and the XSM default policy for the PV MMU hypercalls, for a system whose
 * guests are all unprivileged: DOMID_SELF names the caller, the caller's own id is refused
 * (-ESRCH, "cannot specify itself as foreign domain"), DOMID_IO and DOMID_XEN exist, any other id
 * must be a live domain; and a domain may act on frames of no domain but its own (-EPERM).
 */
final class MmuOwners {
    /** get_pg_owner found nothing: the hypercall returns -ESRCH. */
    static final int NO_OWNER = -1;

    private MmuOwners() {
    }

    /** The page owner named by {@code domid} (a domain id, DOMID_IO or DOMID_XEN), or {@link #NO_OWNER}. */
    static int pageOwner(HypercallContext context, int domid) {
        Domain self = context.domain();
        if (domid == self.id()) {
            return NO_OWNER;
        }
        return switch (domid) {
            case DomainIds.DOMID_SELF -> self.id();
            case DomainIds.DOMID_IO, DomainIds.DOMID_XEN -> domid;
            default -> self.registry().lookup(domid).isPresent() ? domid : NO_OWNER;
        };
    }

    /** XSM_TARGET's default action: an unprivileged domain may act only on itself. */
    static boolean permitted(HypercallContext context, int owner) {
        return owner == context.domain().id();
    }
}
