/*
 * TruffleXen guest SDK: sched_op (Xen's sched.h names, values, layouts).
 * Prototype: long sched_op(int cmd, void *arg).
 */
#ifndef TRUFFLEXEN_SDK_XEN_SCHED_H
#define TRUFFLEXEN_SDK_XEN_SCHED_H

#include <xen/event_channel.h>

#define SCHEDOP_yield           0 /* arg NULL: give up the CPU for a while */
#define SCHEDOP_block           1 /* arg NULL: sleep until an event arrives; unmasks events */
#define SCHEDOP_shutdown        2 /* arg struct sched_shutdown: stop the whole domain */
#define SCHEDOP_poll            3 /* arg struct sched_poll: block on a set of ports */
#define SCHEDOP_remote_shutdown 4 /* arg struct sched_remote_shutdown (privileged) */
#define SCHEDOP_shutdown_code   5 /* arg struct sched_shutdown: latch a reason for later */
#define SCHEDOP_watchdog        6 /* arg struct sched_watchdog */
#define SCHEDOP_pin_override    7 /* arg struct sched_pin_override (hardware domain) */

/* Shutdown reasons. */
#define SHUTDOWN_poweroff   0 /* normal exit: clean up and destroy */
#define SHUTDOWN_reboot     1 /* destroy and start again */
#define SHUTDOWN_suspend    2 /* save state, then destroy */
#define SHUTDOWN_crash      3 /* the guest reports that it crashed */
#define SHUTDOWN_watchdog   4 /* a domain watchdog expired */
#define SHUTDOWN_soft_reset 5 /* reset the domain keeping its memory */
#define SHUTDOWN_MAX        5

#ifndef __ASSEMBLY__

struct sched_shutdown {
    unsigned int reason; /* SHUTDOWN_* */
};
typedef struct sched_shutdown sched_shutdown_t;

struct sched_poll {
    evtchn_port_t *ports; /* guest handle: array of nr_ports ports */
    unsigned int nr_ports;
    uint64_t timeout;     /* absolute system time in ns, 0 = none */
};
typedef struct sched_poll sched_poll_t;

struct sched_remote_shutdown {
    domid_t domain_id;
    unsigned int reason; /* SHUTDOWN_* */
};
typedef struct sched_remote_shutdown sched_remote_shutdown_t;

struct sched_watchdog {
    uint32_t id;      /* 0 = create; otherwise the watchdog to poke or destroy */
    uint32_t timeout; /* seconds; 0 with id != 0 destroys */
};
typedef struct sched_watchdog sched_watchdog_t;

struct sched_pin_override {
    int32_t pcpu; /* negative: undo the override */
};
typedef struct sched_pin_override sched_pin_override_t;

#endif /* !__ASSEMBLY__ */

#endif /* TRUFFLEXEN_SDK_XEN_SCHED_H */
