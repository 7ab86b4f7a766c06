#ifndef EVENTS_GUEST_H
#define EVENTS_GUEST_H

#include <sdk/kernel.h>
#include <sdk/events.h>
#include <sdk/ktest.h>

#define UNMAPPED_VA   0x1000UL
#define HYPERVISOR_VA 0xffff800000000000UL
#define NO_SUCH_DOMID 0x7000
#define ALL_ONES      0xffffffffU

static inline long unmask(uint32_t port)
{
    struct evtchn_unmask u = { .port = port };
    return HYPERVISOR_event_channel_op(EVTCHNOP_unmask, &u);
}

void timer_tests(void);
void fifo_tests(void);
void upcall_tests(void);
void run_bench(const char *which);
void run_pingpong(start_info_t *si, const char *role);

#endif
