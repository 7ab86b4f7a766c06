/*
 * TruffleXen guest SDK: the PV console ring page (Xen's io/console.h names
 * and layout). The guest produces into out[] and advances out_prod; the
 * backend consumes and advances out_cons. Input flows the other way through
 * in[]. Indices run freely and are reduced modulo the ring size on use.
 */
#ifndef TRUFFLEXEN_SDK_XEN_CONSOLE_H
#define TRUFFLEXEN_SDK_XEN_CONSOLE_H

#include <xen/xen.h>

#ifndef __ASSEMBLY__

typedef uint32_t XENCONS_RING_IDX;

#define MASK_XENCONS_IDX(idx, ring) ((idx) & (sizeof(ring) - 1))

struct xencons_interface {
    char in[1024];
    char out[2048];
    XENCONS_RING_IDX in_cons, in_prod;
    XENCONS_RING_IDX out_cons, out_prod;
};

#endif /* !__ASSEMBLY__ */

#endif /* TRUFFLEXEN_SDK_XEN_CONSOLE_H */
