package dev.trufflexen.xen.hypercall;

import java.util.Map;

/**
 * One hypercall handler. It declares its number, reads its arguments from the vCPU's
 * {@link HypercallContext} (truncated to the C types Xen declares), copies guest structures in
 * and their OUT fields back through the context, and returns the value for RAX. Failures are
 * {@link XenError}s, thrown; the dispatcher turns them into {@code -errno}.
 */
public interface Hypercall {
    /** The value of {@link #subOps()} for a command that is implemented. */
    String HANDLED = "handled";

    /** The {@code __HYPERVISOR_*} number this handler serves. */
    int number();

    long invoke(HypercallContext context);

    /**
     * For hypercalls multiplexed on their first argument: every command Xen defines, mapped to
     * {@link #HANDLED} or to why it answers -ENOSYS. Empty for hypercalls without sub-operations.
     */
    default Map<Integer, String> subOps() {
        return Map.of();
    }
}
