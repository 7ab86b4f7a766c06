/*
 * TruffleXen guest SDK: xen_version (Xen's version.h names, values,
 * layouts). Prototype: long xen_version(int cmd, void *arg). Every command
 * returns 0 on success except XENVER_version (major << 16 | minor),
 * XENVER_pagesize (the page size) and XENVER_build_id (bytes written).
 */
#ifndef TRUFFLEXEN_SDK_XEN_VERSION_H
#define TRUFFLEXEN_SDK_XEN_VERSION_H

#include <xen/xen.h>
#include <xen/features.h>

#define XENVER_version             0 /* arg NULL */
#define XENVER_extraversion        1 /* arg xen_extraversion_t */
#define XENVER_compile_info        2 /* arg struct xen_compile_info */
#define XENVER_capabilities        3 /* arg xen_capabilities_info_t */
#define XENVER_changeset           4 /* arg xen_changeset_info_t */
#define XENVER_platform_parameters 5 /* arg struct xen_platform_parameters */
#define XENVER_get_features        6 /* arg struct xen_feature_info */
#define XENVER_pagesize            7 /* arg NULL */
#define XENVER_guest_handle        8 /* arg xen_domain_handle_t */
#define XENVER_commandline         9 /* arg xen_commandline_t */
#define XENVER_build_id           10 /* arg struct xen_build_id */

#define XEN_EXTRAVERSION_LEN      16
#define XEN_CAPABILITIES_INFO_LEN 1024
#define XEN_CHANGESET_INFO_LEN    64

#ifndef __ASSEMBLY__

typedef char xen_extraversion_t[XEN_EXTRAVERSION_LEN];

struct xen_compile_info {
    char compiler[64];
    char compile_by[16];
    char compile_domain[32];
    char compile_date[32];
};
typedef struct xen_compile_info xen_compile_info_t;

typedef char xen_capabilities_info_t[XEN_CAPABILITIES_INFO_LEN];
typedef char xen_changeset_info_t[XEN_CHANGESET_INFO_LEN];

struct xen_platform_parameters {
    unsigned long virt_start; /* lowest hypervisor-reserved virtual address */
};
typedef struct xen_platform_parameters xen_platform_parameters_t;

struct xen_feature_info {
    unsigned int submap_idx; /* IN: which 32-bit word of feature bits */
    uint32_t submap;         /* OUT: XENFEAT_* bits of that word */
};
typedef struct xen_feature_info xen_feature_info_t;

typedef char xen_commandline_t[1024];

struct xen_build_id {
    uint32_t len;        /* IN: size of buf */
    unsigned char buf[]; /* OUT */
};
typedef struct xen_build_id xen_build_id_t;

#endif /* !__ASSEMBLY__ */

#endif /* TRUFFLEXEN_SDK_XEN_VERSION_H */
