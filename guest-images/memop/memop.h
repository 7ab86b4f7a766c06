/*
 * memop: shared declarations of the memory_op tests.
 */
#ifndef MEMOP_H
#define MEMOP_H

#include <sdk/kernel.h>
#include <sdk/ktest.h>
#include <xen/memory.h>

#define UNMAPPED_VA      0x1000UL
#define NON_CANONICAL_VA 0x8000000000000000UL
#define HYPERVISOR_VA    0xffff800000000000UL
#define NO_SUCH_DOMAIN   77
#define EXTENT_SHIFT     6

static inline long memory_op(unsigned long cmd, void *arg)
{
    return _hypercall2(long, memory_op, cmd, arg);
}

/* A reservation of nr extents of 2^order frames for domid, its list at list. */
long reservation(unsigned long cmd, unsigned long *list, unsigned long nr, unsigned int order, unsigned int flags,
                 unsigned short domid);
long current_reservation(unsigned short domid);

extern start_info_t *si;
extern unsigned short other_domid;
/* Without "other=<domid>" the other-domain cases aim at no domain: Xen's answer is then -ESRCH. */
#define OTHER_OR(err, none) (other_domid != NO_SUCH_DOMAIN ? (err) : (none))
extern unsigned long max_ram_page;

void query_tests(void);
void map_tests(void);
void increase_tests(void);
void decrease_tests(void);
void populate_tests(void);
void exchange_tests(void);
void refused_tests(void);
void mapped_tests(void);
void multicall_tests(void);
void fuzz(unsigned long seed);
void bench(unsigned long n);
void limits(unsigned long n);
extern unsigned long victim_frame;

#endif
