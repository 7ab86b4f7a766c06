/*
 * TruffleXen guest SDK: vcpu_op command numbers (Xen's vcpu.h names and
 * values). Prototype: long vcpu_op(int cmd, unsigned int vcpuid, void *arg).
 */
#ifndef TRUFFLEXEN_SDK_XEN_VCPU_H
#define TRUFFLEXEN_SDK_XEN_VCPU_H

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

#endif /* TRUFFLEXEN_SDK_XEN_VCPU_H */
