/*
 * TruffleXen guest SDK: events and time.
 *
 * sdk_events_init() moves this vCPU's vcpu_info into an SDK page
 * (VCPUOP_register_vcpu_info), so the upcall flags, the selector word and
 * the time info are readable without mapping shared_info, and registers the
 * SDK's event callback. Each upcall runs with events masked: it takes the
 * selector word (which words of evtchn_pending have news), counts the upcall
 * and calls sdk_upcall_hook, then returns with the iret hypercall, which
 * restores the interrupted mask.
 *
 * The port bitmaps stay in shared_info; this SDK does not map it, so a
 * port's pending bit is cleared by closing the port (a guest that maps
 * shared_info clears it there, as Linux does).
 *
 * sdk_system_time() is Xen's pvclock: system_time + scaled (rdtsc -
 * tsc_timestamp), read under the version protocol.
 */
#ifndef TRUFFLEXEN_SDK_EVENTS_H
#define TRUFFLEXEN_SDK_EVENTS_H

#include <sdk/kernel.h>
#include <xen/vcpu.h>

extern struct vcpu_info *sdk_vcpu_info;
extern volatile unsigned long sdk_upcalls;
extern volatile unsigned long sdk_upcall_selectors; /* OR of every selector taken */
extern void (*volatile sdk_upcall_hook)(unsigned long selector);

/* Move vcpu_info and register the event callback; 0 or -XEN_E*. */
long sdk_events_init(void);
/* Clear the upcall mask; a pending upcall is taken at once (forced with a no-op hypercall). */
void sdk_events_enable(void);
void sdk_events_disable(void);

uint64_t sdk_system_time(void);

long sdk_evtchn_op(int cmd, void *arg);
long sdk_bind_virq(uint32_t virq, uint32_t vcpu);
long sdk_bind_ipi(uint32_t vcpu);
long sdk_evtchn_send(evtchn_port_t port);
long sdk_evtchn_close(evtchn_port_t port);

/* A periodic tick: VIRQ_TIMER bound, the periodic timer set to period_ns; returns the port or -XEN_E*. */
long sdk_tick_start(uint64_t period_ns);
long sdk_tick_stop(void);

/* SCHEDOP_block: enables events and sleeps until one is pending. */
static inline long sdk_block(void)
{
    return HYPERVISOR_sched_op(SCHEDOP_block, NULL);
}

#endif
