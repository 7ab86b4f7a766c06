/*
 * The SMP guest: shared declarations of smp.c (bring-up, events, timers,
 * IPIs, TLB shootdowns, down/up, hostile contexts) and atomics.c (the
 * LOCK-prefixed workload every vCPU runs at once).
 */
#ifndef SMP_GUEST_H
#define SMP_GUEST_H

#include <sdk/kernel.h>

#define SMP_VCPUS 4

/* Sets the words whose start value is not 0; before any vCPU runs the rounds. */
void smp_atomics_init(void);
/* Every vCPU runs this at once: `rounds` rounds of every locked operation. */
void smp_atomics_run(unsigned int id, unsigned long rounds);
/* On vCPU 0 once all are done: one ktest case per operation, no update lost. */
void smp_atomics_check(unsigned int vcpus, unsigned long rounds);

#endif
