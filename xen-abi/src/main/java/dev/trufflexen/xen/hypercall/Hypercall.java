package dev.trufflexen.xen.hypercall;

import dev.trufflexen.xen.core.XenVcpu;

/**
 * One hypercall handler: the five argument registers in, the value for RAX out (a Xen errno,
 * negated, on failure). Handlers truncate arguments to the C types Xen declares for them.
 */
@FunctionalInterface
public interface Hypercall {
    long invoke(XenVcpu vcpu, long arg1, long arg2, long arg3, long arg4, long arg5);
}
