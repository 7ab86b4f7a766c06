/*
 * TruffleXen guest SDK: console output.
 *
 * Two sinks, selectable at run time:
 *  - CONSOLE_SINK_HYPERVISOR: the console_io hypercall (CONSOLEIO_write),
 *    which the hypervisor prints on its own log. Works from the first
 *    instruction; early_printk() always uses it.
 *  - CONSOLE_SINK_RING: the domain's PV console ring page (start_info
 *    console.domU), drained by the console backend. The SDK finds the page
 *    in the boot mapping at start-up (see console_init()).
 * By default both are on when the ring was found, else only the hypervisor.
 */
#ifndef TRUFFLEXEN_SDK_CONSOLE_H
#define TRUFFLEXEN_SDK_CONSOLE_H

#include <stddef.h>
#include <xen/xen.h>
#include <xen/console.h>

#define CONSOLE_SINK_HYPERVISOR (1u << 0)
#define CONSOLE_SINK_RING       (1u << 1)

/* Locate the ring page and choose the default sinks. Called by the boot stub. */
void console_init(const start_info_t *si);

/* The ring page, or NULL when it is not mapped (dom0, or not found). */
struct xencons_interface *console_ring(void);

unsigned int console_sinks(void);
/* Select sinks; CONSOLE_SINK_RING is ignored without a ring. */
void console_set_sinks(unsigned int sinks);

/* Write n bytes to every selected sink. */
void console_write(const char *s, size_t n);
/* Write n bytes with console_io only. */
void early_console_write(const char *s, size_t n);
/* Write n bytes into the ring only, waiting (SCHEDOP_yield) while it is full. */
void console_ring_write(const char *s, size_t n);
/* Wait (bounded) until the backend has consumed everything in the ring. */
void console_flush(void);

#endif /* TRUFFLEXEN_SDK_CONSOLE_H */
