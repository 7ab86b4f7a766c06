/*
 * TruffleXen guest SDK: event channels (Xen's event_channel.h names and
 * values). Only the pieces a small guest needs: the command numbers and
 * EVTCHNOP_send, used to kick the console and xenstore backends.
 */
#ifndef TRUFFLEXEN_SDK_XEN_EVENT_CHANNEL_H
#define TRUFFLEXEN_SDK_XEN_EVENT_CHANNEL_H

#include <xen/xen.h>

#define EVTCHNOP_bind_interdomain  0
#define EVTCHNOP_bind_virq         1
#define EVTCHNOP_bind_pirq         2
#define EVTCHNOP_close             3
#define EVTCHNOP_send              4
#define EVTCHNOP_status            5
#define EVTCHNOP_alloc_unbound     6
#define EVTCHNOP_bind_ipi          7
#define EVTCHNOP_bind_vcpu         8
#define EVTCHNOP_unmask            9
#define EVTCHNOP_reset            10
#define EVTCHNOP_init_control     11
#define EVTCHNOP_expand_array     12
#define EVTCHNOP_set_priority     13
#define EVTCHNOP_reset_cont       14

#ifndef __ASSEMBLY__

typedef uint32_t evtchn_port_t;

/* EVTCHNOP_send: raise an event on the remote end of a local port. */
struct evtchn_send {
    evtchn_port_t port; /* IN */
};
typedef struct evtchn_send evtchn_send_t;

#endif /* !__ASSEMBLY__ */

#endif /* TRUFFLEXEN_SDK_XEN_EVENT_CHANNEL_H */
