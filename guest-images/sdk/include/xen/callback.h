/*
 * TruffleXen guest SDK: callback_op (Xen's callback.h names, values and
 * layouts). Prototype: long callback_op(int cmd, const void *arg). A PV
 * kernel registers the addresses Xen enters it at: event upcalls, the
 * failsafe path of a bad segment reload, system calls from its user space.
 */
#ifndef TRUFFLEXEN_SDK_XEN_CALLBACK_H
#define TRUFFLEXEN_SDK_XEN_CALLBACK_H

#include <xen/xen.h>

#define CALLBACKTYPE_event               0 /* event upcalls */
#define CALLBACKTYPE_failsafe            1 /* a segment reload failed on return to the guest */
#define CALLBACKTYPE_syscall             2 /* syscall from 64-bit user mode */
#define CALLBACKTYPE_sysenter_deprecated 3
#define CALLBACKTYPE_nmi                 4
#define CALLBACKTYPE_sysenter            5 /* sysenter from 32-bit user mode */
#define CALLBACKTYPE_syscall32           7 /* syscall from 32-bit user mode */

/* Flags of callback_register. */
#define _CALLBACKF_mask_events 0
#define CALLBACKF_mask_events  (1U << _CALLBACKF_mask_events) /* enter with events masked */

#define CALLBACKOP_register   0 /* arg struct callback_register */
#define CALLBACKOP_unregister 1 /* arg struct callback_unregister */

#ifndef __ASSEMBLY__
struct callback_register {
    uint16_t type;          /* CALLBACKTYPE_* */
    uint16_t flags;         /* CALLBACKF_* */
    xen_callback_t address; /* where Xen enters the guest */
};
typedef struct callback_register callback_register_t;

struct callback_unregister {
    uint16_t type;
    uint16_t _unused;
};
typedef struct callback_unregister callback_unregister_t;
#endif /* !__ASSEMBLY__ */

#endif /* TRUFFLEXEN_SDK_XEN_CALLBACK_H */
