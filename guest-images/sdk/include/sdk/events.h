/*
 * TruffleXen guest SDK: events and time.
 *
 * sdk_events_init() maps shared_info (start_info's machine address) at a
 * fixed kernel virtual address with update_va_mapping, as Mini-OS and
 * Linux's fixmap do, moves this vCPU's vcpu_info into an SDK page
 * (VCPUOP_register_vcpu_info) and registers the SDK's event callback.
 *
 * Each upcall runs with events masked and scans as Linux's 2-level code
 * does: it takes the selector word (which words of evtchn_pending have
 * news), and for each of those words the ports pending and not masked; each
 * such port's pending bit is cleared before sdk_port_hook sees it (one
 * snapshot per word: what arrives meanwhile comes with the next upcall). It counts
 * the upcall, calls sdk_upcall_hook with the selector, and returns with the
 * iret hypercall, which restores the interrupted mask (an event that became
 * pending meanwhile is delivered on that return).
 *
 * Per port: sdk_evtchn_mask sets the mask bit, sdk_evtchn_unmask asks Xen
 * (EVTCHNOP_unmask), which clears it and delivers an event that became
 * pending while masked; sdk_evtchn_clear clears a pending bit. The console
 * and xenstore ports are masked at init: the SDK does not wait on them.
 *
 * sdk_events_use_fifo() switches to the FIFO ABI (after sdk_events_init):
 * a control block for vCPU 0 and one page of event words (ports below
 * SDK_FIFO_PORTS), both in page-aligned pages the guest gives, every port
 * masked except those bound and left unmasked under the 2-level ABI. The upcall then takes the ready queues highest priority
 * first and each queue in order, unlinking each head as Linux does; the
 * per-port helpers act on the event words. The hook gets the ready bits
 * where the 2-level ABI gives the selector.
 *
 * sdk_system_time() is Xen's pvclock: system_time + scaled (rdtsc -
 * tsc_timestamp), read under the version protocol.
 */
#ifndef TRUFFLEXEN_SDK_EVENTS_H
#define TRUFFLEXEN_SDK_EVENTS_H

#include <sdk/kernel.h>
#include <xen/vcpu.h>
#include <xen/event_channel.h>

/* The ports one page of FIFO event words covers. */
#define SDK_FIFO_PORTS (SDK_PAGE_SIZE / sizeof(event_word_t))

extern int sdk_fifo;
extern struct evtchn_fifo_control_block *sdk_fifo_control;
extern volatile event_word_t *sdk_fifo_words;

extern struct vcpu_info *sdk_vcpu_info;
extern volatile unsigned long sdk_upcalls;
extern volatile unsigned long sdk_upcall_selectors; /* OR of every selector taken */
extern void (*volatile sdk_upcall_hook)(unsigned long selector);
/*
 * When set, the upcall calls this instead of its own scan (a guest with
 * several vCPUs finds its per-vCPU vcpu_info and ports itself); the callback
 * sdk_event_entry works on any vCPU whose context names it.
 */
extern void (*volatile sdk_event_handler)(void);
/* Called by the upcall for each port found pending and unmasked (its pending bit already clear). */
extern void (*volatile sdk_port_hook)(evtchn_port_t port);
/* shared_info at its fixed virtual address once sdk_events_init has mapped it. */
extern struct shared_info *sdk_shared_info;
#define SDK_SHARED_INFO_VA ((unsigned long)sdk_shared_info_page)
extern char sdk_shared_info_page[];

/* Move vcpu_info and register the event callback; 0 or -XEN_E*. */
long sdk_events_init(void);
/* Clear the upcall mask; a pending upcall is taken at once (forced with a no-op hypercall). */
void sdk_events_enable(void);
void sdk_events_disable(void);

/*
 * EVTCHNOP_init_control with its control block at the start of control_page, then
 * expand_array with array_page (both page-aligned, SDK_PAGE_SIZE bytes); 0 or -XEN_E*
 * (the 2-level ABI stays when init_control fails).
 */
long sdk_events_use_fifo(void *control_page, event_word_t *array_page);
long sdk_evtchn_set_priority(evtchn_port_t port, uint32_t priority);

uint64_t sdk_system_time(void);

long sdk_evtchn_op(int cmd, void *arg);
long sdk_bind_virq(uint32_t virq, uint32_t vcpu);
long sdk_bind_ipi(uint32_t vcpu);
long sdk_evtchn_send(evtchn_port_t port);
long sdk_evtchn_close(evtchn_port_t port);
long sdk_alloc_unbound(domid_t remote);
long sdk_bind_interdomain(domid_t remote, evtchn_port_t remote_port);

/* The port's bits in shared_info (0 or 1). */
int sdk_evtchn_pending(evtchn_port_t port);
int sdk_evtchn_masked(evtchn_port_t port);
void sdk_evtchn_clear(evtchn_port_t port);
void sdk_evtchn_mask(evtchn_port_t port);
/* EVTCHNOP_unmask: an event pending meanwhile is delivered on the hypercall's return. */
long sdk_evtchn_unmask(evtchn_port_t port);

/* A periodic tick: VIRQ_TIMER bound, the periodic timer set to period_ns; returns the port or -XEN_E*. */
long sdk_tick_start(uint64_t period_ns);
long sdk_tick_stop(void);

/* SCHEDOP_block: enables events and sleeps until one is pending. */
static inline long sdk_block(void)
{
    return HYPERVISOR_sched_op(SCHEDOP_block, NULL);
}

/*
 * Sleeps in SCHEDOP_block until an upcall after `before` (a value of
 * sdk_upcalls) has been taken, at most max_blocks times (0: no limit), and
 * returns the upcalls taken since `before`; events are enabled on return. The
 * check is made with events masked and the block unmasks them as it sleeps, as
 * Linux's safe halt does: an upcall taken between an unmasked check and the
 * block would leave the vCPU blocked with nothing left to wake it.
 */
unsigned long sdk_block_until_upcall(unsigned long before, unsigned long max_blocks);

#endif
