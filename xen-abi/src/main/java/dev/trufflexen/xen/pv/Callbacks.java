package dev.trufflexen.xen.pv;

import static dev.trufflexen.xen.abi.CallbackOp.CALLBACKF_mask_events;
import static dev.trufflexen.xen.abi.CallbackOp.CALLBACKTYPE_event;
import static dev.trufflexen.xen.abi.CallbackOp.CALLBACKTYPE_failsafe;
import static dev.trufflexen.xen.abi.CallbackOp.CALLBACKTYPE_nmi;
import static dev.trufflexen.xen.abi.CallbackOp.CALLBACKTYPE_syscall;
import static dev.trufflexen.xen.abi.CallbackOp.CALLBACKTYPE_syscall32;
import static dev.trufflexen.xen.abi.CallbackOp.CALLBACKTYPE_sysenter;

import dev.trufflexen.xen.abi.X86Pv;
import dev.trufflexen.xen.abi.XenErrno;

/**
 * Registering and unregistering a 64-bit PV vCPU's callbacks, as Xen's
 * {@code register_guest_callback} / {@code unregister_guest_callback} (pv/callback.c). Results
 * are 0 or a negative Xen errno, as those functions return them.
 */
final class Callbacks {
    /** The NMI callback lives in the virtual IDT at vector 2, with events masked. */
    private static final int NMI_VECTOR = 2;
    private static final int TI_IF = 4;

    private Callbacks() {
    }

    /** A non-canonical address is -EINVAL whatever the type; an unknown type -ENOSYS. */
    static int register(PvVcpu pv, int type, int flags, long address) {
        if (!PvVcpu.isCanonical(address)) {
            return -XenErrno.EINVAL;
        }
        boolean mask = (flags & CALLBACKF_mask_events) != 0;
        switch (type) {
            case CALLBACKTYPE_event -> pv.setCallback(type, address, false);
            case CALLBACKTYPE_failsafe, CALLBACKTYPE_syscall, CALLBACKTYPE_syscall32, CALLBACKTYPE_sysenter ->
                pv.setCallback(type, address, mask);
            case CALLBACKTYPE_nmi -> pv.setTrap(NMI_VECTOR, TI_IF, X86Pv.FLAT_KERNEL_CS, address);
            default -> {
                return -XenErrno.ENOSYS;
            }
        }
        return 0;
    }

    /** Only the NMI callback can be unregistered; the others are -EINVAL, unknown types -ENOSYS. */
    static int unregister(PvVcpu pv, int type) {
        return switch (type) {
            case CALLBACKTYPE_event, CALLBACKTYPE_failsafe, CALLBACKTYPE_syscall, CALLBACKTYPE_syscall32,
                    CALLBACKTYPE_sysenter -> -XenErrno.EINVAL;
            case CALLBACKTYPE_nmi -> {
                pv.setTrap(NMI_VECTOR, 0, 0, 0);
                yield 0;
            }
            default -> -XenErrno.ENOSYS;
        };
    }
}
