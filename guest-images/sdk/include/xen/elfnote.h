/*
 * TruffleXen guest SDK: types of the ELF notes named "Xen" that describe a
 * PV kernel to the domain builder (Xen's elfnote.h names and values).
 * Numeric notes carry a 4- or 8-byte value; string notes a NUL-terminated
 * string.
 */
#ifndef TRUFFLEXEN_SDK_XEN_ELFNOTE_H
#define TRUFFLEXEN_SDK_XEN_ELFNOTE_H

#define XEN_ELFNOTE_INFO                0 /* string */
#define XEN_ELFNOTE_ENTRY               1 /* numeric: entry virtual address */
#define XEN_ELFNOTE_HYPERCALL_PAGE      2 /* numeric: virtual address of the page to fill */
#define XEN_ELFNOTE_VIRT_BASE           3 /* numeric: virtual address of PFN 0 (default 0) */
#define XEN_ELFNOTE_PADDR_OFFSET        4 /* numeric: p_paddr - this = pseudo-physical address */
#define XEN_ELFNOTE_XEN_VERSION         5 /* string, e.g. "xen-3.0" */
#define XEN_ELFNOTE_GUEST_OS            6 /* string */
#define XEN_ELFNOTE_GUEST_VERSION       7 /* string */
#define XEN_ELFNOTE_LOADER              8 /* string, "generic" */
#define XEN_ELFNOTE_PAE_MODE            9 /* string (32-bit guests only) */
#define XEN_ELFNOTE_FEATURES           10 /* string: "feat|!required_feat|..." */
#define XEN_ELFNOTE_BSD_SYMTAB         11 /* string: "yes" or "no" */
#define XEN_ELFNOTE_HV_START_LOW       12 /* numeric (32-bit guests only) */
#define XEN_ELFNOTE_L1_MFN_VALID       13 /* numeric: mask and value */
#define XEN_ELFNOTE_SUSPEND_CANCEL     14 /* numeric */
#define XEN_ELFNOTE_INIT_P2M           15 /* numeric: virtual address for the P2M */
#define XEN_ELFNOTE_MOD_START_PFN      16 /* numeric */
#define XEN_ELFNOTE_SUPPORTED_FEATURES 17 /* numeric: XENFEAT_* bitmap */
#define XEN_ELFNOTE_PHYS32_ENTRY       18 /* numeric: 32-bit PVH entry */
#define XEN_ELFNOTE_PHYS32_RELOC       19 /* numeric: PVH relocation limits */
#define XEN_ELFNOTE_MAX                XEN_ELFNOTE_PHYS32_RELOC

/* Notes found in crash dumps and dump-core files, not in kernels. */
#define XEN_ELFNOTE_CRASH_INFO               0x1000001
#define XEN_ELFNOTE_CRASH_REGS               0x1000002
#define XEN_ELFNOTE_DUMPCORE_NONE            0x2000000
#define XEN_ELFNOTE_DUMPCORE_HEADER          0x2000001
#define XEN_ELFNOTE_DUMPCORE_XEN_VERSION     0x2000002
#define XEN_ELFNOTE_DUMPCORE_FORMAT_VERSION  0x2000003

#endif /* TRUFFLEXEN_SDK_XEN_ELFNOTE_H */
