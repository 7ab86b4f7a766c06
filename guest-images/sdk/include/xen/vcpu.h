/*
 * TruffleXen guest SDK: vcpu_op command numbers (Xen's vcpu.h names and
 * values). Prototype: long vcpu_op(int cmd, unsigned int vcpuid, void *arg).
 */
#ifndef TRUFFLEXEN_SDK_XEN_VCPU_H
#define TRUFFLEXEN_SDK_XEN_VCPU_H

#include <xen/xen.h>

#define VCPUOP_initialise                    0 /* set a vCPU's initial context */
#define VCPUOP_up                            1 /* start it */
#define VCPUOP_down                          2 /* stop it */
#define VCPUOP_is_up                         3
#define VCPUOP_get_runstate_info             4
#define VCPUOP_register_runstate_memory_area 5
#define VCPUOP_set_periodic_timer            6
#define VCPUOP_stop_periodic_timer           7
#define VCPUOP_set_singleshot_timer          8
#define VCPUOP_stop_singleshot_timer         9
#define VCPUOP_register_vcpu_info           10 /* move vcpu_info out of shared_info */
#define VCPUOP_send_nmi                     11
#define VCPUOP_get_physid                   12
#define VCPUOP_register_vcpu_time_memory_area 13
#define VCPUOP_register_runstate_phys_area  14
#define VCPUOP_register_vcpu_time_phys_area 15


#define RUNSTATE_running  0
#define RUNSTATE_runnable 1
#define RUNSTATE_blocked  2
#define RUNSTATE_offline  3

#define _VCPU_SSHOTTMR_future 0
#define VCPU_SSHOTTMR_future  (1U << _VCPU_SSHOTTMR_future) /* -ETIME if already past */

#ifndef __ASSEMBLY__

struct vcpu_runstate_info {
    int state;                 /* RUNSTATE_* */
    uint64_t state_entry_time; /* system time of the last state change */
    uint64_t time[4];          /* ns spent in each state */
};
typedef struct vcpu_runstate_info vcpu_runstate_info_t;

struct vcpu_register_runstate_memory_area {
    union {
        vcpu_runstate_info_t *h;
        uint64_t p;
    } addr;
};
typedef struct vcpu_register_runstate_memory_area vcpu_register_runstate_memory_area_t;

/* VCPUOP_register_vcpu_time_memory_area: a guest virtual address kept holding a copy of vcpu_info's time (0: none). */
struct vcpu_register_time_memory_area {
    union {
        vcpu_time_info_t *h;
        uint64_t p;
    } addr;
};
typedef struct vcpu_register_time_memory_area vcpu_register_time_memory_area_t;

struct vcpu_set_periodic_timer {
    uint64_t period_ns;
};
typedef struct vcpu_set_periodic_timer vcpu_set_periodic_timer_t;

struct vcpu_set_singleshot_timer {
    uint64_t timeout_abs_ns; /* absolute system time */
    uint32_t flags;          /* VCPU_SSHOTTMR_* */
};
typedef struct vcpu_set_singleshot_timer vcpu_set_singleshot_timer_t;

struct vcpu_register_vcpu_info {
    uint64_t mfn;    /* frame holding the new vcpu_info */
    uint32_t offset; /* its offset in the frame */
    uint32_t rsvd;
};
typedef struct vcpu_register_vcpu_info vcpu_register_vcpu_info_t;

#endif /* !__ASSEMBLY__ */

#endif /* TRUFFLEXEN_SDK_XEN_VCPU_H */
