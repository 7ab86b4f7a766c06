/*
 * TruffleXen guest SDK: core Xen PV guest ABI for x86-64.
 *
 * Hypercall numbers, console_io and vm_assist commands, MMU update
 * requests, and the three structures every PV guest meets at boot:
 * start_info (pointed to by RSI at entry), shared_info and vcpu_info.
 * Names, values and layouts are Xen's (xen/include/public/xen.h); the text
 * is our own. Usable from C and from assembly (define __ASSEMBLY__).
 */
#ifndef TRUFFLEXEN_SDK_XEN_XEN_H
#define TRUFFLEXEN_SDK_XEN_XEN_H

#include <xen/arch-x86_64.h>

/*
 * Hypercall numbers. A hypercall puts its number in RAX and its arguments
 * in RDI, RSI, RDX, R10, R8; the result comes back in RAX (negative XEN_E*
 * on failure). Through the hypercall page, hypercall n is "call
 * hypercall_page + n * 32".
 */
#define __HYPERVISOR_set_trap_table                 0
#define __HYPERVISOR_mmu_update                     1
#define __HYPERVISOR_set_gdt                        2
#define __HYPERVISOR_stack_switch                   3
#define __HYPERVISOR_set_callbacks                  4
#define __HYPERVISOR_fpu_taskswitch                 5
#define __HYPERVISOR_sched_op_compat                6
#define __HYPERVISOR_platform_op                    7
#define __HYPERVISOR_set_debugreg                   8
#define __HYPERVISOR_get_debugreg                   9
#define __HYPERVISOR_update_descriptor             10
#define __HYPERVISOR_memory_op                     12
#define __HYPERVISOR_multicall                     13
#define __HYPERVISOR_update_va_mapping             14
#define __HYPERVISOR_set_timer_op                  15
#define __HYPERVISOR_event_channel_op_compat       16
#define __HYPERVISOR_xen_version                   17
#define __HYPERVISOR_console_io                    18
#define __HYPERVISOR_physdev_op_compat             19
#define __HYPERVISOR_grant_table_op                20
#define __HYPERVISOR_vm_assist                     21
#define __HYPERVISOR_update_va_mapping_otherdomain 22
#define __HYPERVISOR_iret                          23
#define __HYPERVISOR_vcpu_op                       24
#define __HYPERVISOR_set_segment_base              25
#define __HYPERVISOR_mmuext_op                     26
#define __HYPERVISOR_xsm_op                        27
#define __HYPERVISOR_nmi_op                        28
#define __HYPERVISOR_sched_op                      29
#define __HYPERVISOR_callback_op                   30
#define __HYPERVISOR_xenoprof_op                   31
#define __HYPERVISOR_event_channel_op              32
#define __HYPERVISOR_physdev_op                    33
#define __HYPERVISOR_hvm_op                        34
#define __HYPERVISOR_sysctl                        35
#define __HYPERVISOR_domctl                        36
#define __HYPERVISOR_kexec_op                      37
#define __HYPERVISOR_tmem_op                       38
#define __HYPERVISOR_argo_op                       39
#define __HYPERVISOR_xenpmu_op                     40
#define __HYPERVISOR_dm_op                         41
#define __HYPERVISOR_hypfs_op                      42

#define __HYPERVISOR_arch_0 48
#define __HYPERVISOR_arch_1 49
#define __HYPERVISOR_arch_2 50
#define __HYPERVISOR_arch_3 51
#define __HYPERVISOR_arch_4 52
#define __HYPERVISOR_arch_5 53
#define __HYPERVISOR_arch_6 54
#define __HYPERVISOR_arch_7 55

/* Virtual interrupts (bound to event channels with EVTCHNOP_bind_virq). */
#define VIRQ_TIMER      0
#define VIRQ_DEBUG      1
#define VIRQ_CONSOLE    2
#define VIRQ_DOM_EXC    3
#define VIRQ_TBUF       4
#define VIRQ_DEBUGGER   6
#define VIRQ_XENOPROF   7
#define VIRQ_CON_RING   8
#define VIRQ_PCPU_STATE 9
#define VIRQ_MEM_EVENT  10
#define VIRQ_ARGO       11
#define VIRQ_ENOMEM     12
#define VIRQ_XENPMU     13
#define VIRQ_ARCH_0     16
#define VIRQ_ARCH_1     17
#define VIRQ_ARCH_2     18
#define VIRQ_ARCH_3     19
#define VIRQ_ARCH_4     20
#define VIRQ_ARCH_5     21
#define VIRQ_ARCH_6     22
#define VIRQ_ARCH_7     23
#define NR_VIRQS        24

/* mmu_update: the low two bits of mmu_update.ptr select the command. */
#define MMU_NORMAL_PT_UPDATE      0 /* *ptr = val, checked; ptr is a machine address */
#define MMU_MACHPHYS_UPDATE       1 /* M2P[ptr >> 12] = val */
#define MMU_PT_UPDATE_PRESERVE_AD 2 /* as NORMAL, keeping the entry's A/D bits */
#define MMU_PT_UPDATE_NO_TRANSLATE 3 /* as NORMAL, ptr is a machine address even for translated guests */

/* In the count of a continued mmu_update or mmuext_op. */
#define MMU_UPDATE_PREEMPTED      (~(~0U >> 1))

/* mmuext_op commands. */
#define MMUEXT_PIN_L1_TABLE        0
#define MMUEXT_PIN_L2_TABLE        1
#define MMUEXT_PIN_L3_TABLE        2
#define MMUEXT_PIN_L4_TABLE        3
#define MMUEXT_UNPIN_TABLE         4
#define MMUEXT_NEW_BASEPTR         5
#define MMUEXT_TLB_FLUSH_LOCAL     6
#define MMUEXT_INVLPG_LOCAL        7
#define MMUEXT_TLB_FLUSH_MULTI     8
#define MMUEXT_INVLPG_MULTI        9
#define MMUEXT_TLB_FLUSH_ALL      10
#define MMUEXT_INVLPG_ALL         11
#define MMUEXT_FLUSH_CACHE        12
#define MMUEXT_SET_LDT            13
#define MMUEXT_NEW_USER_BASEPTR   15
#define MMUEXT_CLEAR_PAGE         16
#define MMUEXT_COPY_PAGE          17
#define MMUEXT_FLUSH_CACHE_GLOBAL 18
#define MMUEXT_MARK_SUPER         19
#define MMUEXT_UNMARK_SUPER       20

/* update_va_mapping flags (may be ORed). */
#define UVMF_NONE           (XEN_MK_ULONG(0) << 0)
#define UVMF_TLB_FLUSH      (XEN_MK_ULONG(1) << 0)
#define UVMF_INVLPG         (XEN_MK_ULONG(2) << 0)
#define UVMF_FLUSHTYPE_MASK (XEN_MK_ULONG(3) << 0)
#define UVMF_MULTI          (XEN_MK_ULONG(0) << 2)
#define UVMF_LOCAL          (XEN_MK_ULONG(0) << 2)
#define UVMF_ALL            (XEN_MK_ULONG(1) << 2)

/* console_io commands. */
#define CONSOLEIO_write 0
#define CONSOLEIO_read  1

/* vm_assist commands and types. */
#define VMASST_CMD_enable               0
#define VMASST_CMD_disable              1
#define VMASST_TYPE_4gb_segments        0
#define VMASST_TYPE_4gb_segments_notify 1
#define VMASST_TYPE_writable_pagetables 2
#define VMASST_TYPE_pae_extended_cr3    3
#define VMASST_TYPE_architectural_iopl  4
#define VMASST_TYPE_runstate_update_flag 5
#define VMASST_TYPE_m2p_strict          32
#define MAX_VMASST_TYPE                 3

/* Reserved domain ids. */
#define DOMID_FIRST_RESERVED 0x7FF0U
#define DOMID_SELF           0x7FF0U
#define DOMID_IO             0x7FF1U
#define DOMID_XEN            0x7FF2U
#define DOMID_COW            0x7FF3U
#define DOMID_INVALID        0x7FF4U
#define DOMID_ANY            0x7FF5U
#define DOMID_IDLE           0x7FFFU
#define DOMID_MASK           0x7FFFU

/* start_info.flags. */
#define SIF_PRIVILEGED      (1 << 0) /* domain may use privileged operations */
#define SIF_INITDOMAIN      (1 << 1) /* domain is the initial control domain */
#define SIF_MULTIBOOT_MOD   (1 << 2) /* mod_start holds a multiboot module list */
#define SIF_MOD_START_PFN   (1 << 3) /* mod_start is a PFN, not a virtual address */
#define SIF_VIRT_P2M_4TOOLS (1 << 4) /* tools understand a virtually mapped P2M */
#define SIF_PM_MASK         (0xFF << 8)

#define MAX_GUEST_CMDLINE 1024

#ifndef __ASSEMBLY__

typedef uint16_t domid_t;

/* One request of mmu_update. */
struct mmu_update {
    uint64_t ptr; /* machine address of the entry; low 2 bits = MMU_* command */
    uint64_t val; /* new entry value */
};
typedef struct mmu_update mmu_update_t;

/* One request of mmuext_op. */
struct mmuext_op {
    unsigned int cmd; /* MMUEXT_* */
    union {
        xen_pfn_t mfn;             /* pin/unpin, base pointers, clear/copy page */
        unsigned long linear_addr; /* invlpg, set_ldt */
    } arg1;
    union {
        unsigned int nr_ents;      /* set_ldt */
        const void *vcpumask;      /* *_MULTI */
        xen_pfn_t src_mfn;         /* copy_page */
    } arg2;
};
typedef struct mmuext_op mmuext_op_t;

/* One call of a multicall batch. */
struct multicall_entry {
    xen_ulong_t op, result;
    xen_ulong_t args[6];
};
typedef struct multicall_entry multicall_entry_t;

/* Event channel ports of the 2-level ABI: 4096 for a 64-bit guest. */
#define EVTCHN_2L_NR_CHANNELS (sizeof(xen_ulong_t) * sizeof(xen_ulong_t) * 64)

/*
 * Per-vCPU time, updated by the hypervisor. version is odd while an update
 * is in progress: read version, the fields, then version again, and retry
 * if it changed or was odd. Current time in ns is
 *   system_time + (((tsc - tsc_timestamp) << tsc_shift) * tsc_to_system_mul >> 32)
 * with a negative tsc_shift meaning a right shift.
 */
struct vcpu_time_info {
    uint32_t version;
    uint32_t pad0;
    uint64_t tsc_timestamp;     /* TSC at the last update */
    uint64_t system_time;       /* ns since the domain's epoch at tsc_timestamp */
    uint32_t tsc_to_system_mul; /* 32.32 fixed-point ns per (shifted) tick */
    int8_t tsc_shift;
    uint8_t flags;              /* XEN_PVCLOCK_* */
    uint8_t pad1[2];
}; /* 32 bytes */
typedef struct vcpu_time_info vcpu_time_info_t;

#define XEN_PVCLOCK_TSC_STABLE_BIT (1 << 0)
#define XEN_PVCLOCK_GUEST_STOPPED  (1 << 1)

/* Per-vCPU event state: 64 bytes, XEN_LEGACY_MAX_VCPUS of them per domain. */
struct vcpu_info {
    uint8_t evtchn_upcall_pending; /* set by the hypervisor, cleared by the guest */
    uint8_t evtchn_upcall_mask;    /* non-zero: no event upcalls (like cleared IF) */
    xen_ulong_t evtchn_pending_sel; /* bit i: evtchn_pending[i] has news */
    struct arch_vcpu_info arch;
    struct vcpu_time_info time;
}; /* 64 bytes */
typedef struct vcpu_info vcpu_info_t;

/*
 * The page shared between the hypervisor and a domain. start_info.shared_info
 * holds its machine address; the guest maps it itself.
 */
struct shared_info {
    struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
    xen_ulong_t evtchn_pending[sizeof(xen_ulong_t) * 8]; /* one bit per port */
    xen_ulong_t evtchn_mask[sizeof(xen_ulong_t) * 8];    /* one bit per port */
    /* Wall-clock time of system time 0, versioned like vcpu_time_info. */
    uint32_t wc_version;
    uint32_t wc_sec;
    uint32_t wc_nsec;
    uint32_t wc_sec_hi;
    struct arch_shared_info arch;
};
typedef struct shared_info shared_info_t;

/*
 * What the domain builder hands a PV guest: RSI points at it at entry. The
 * boot mapping starts at the kernel's VIRT_BASE and maps PFN 0 upward in
 * order: kernel image, [initrd], P2M list, this structure, xenstore page,
 * console page, boot page tables (read-only), boot stack.
 */
struct start_info {
    char magic[32];             /* "xen-<version>-<platform>", e.g. "xen-3.0-x86_64" */
    unsigned long nr_pages;     /* pages allocated to the domain */
    unsigned long shared_info;  /* machine address of the shared-info page */
    uint32_t flags;             /* SIF_* */
    xen_pfn_t store_mfn;        /* machine frame of the xenstore ring */
    uint32_t store_evtchn;      /* event channel of the xenstore ring */
    union {
        struct {
            xen_pfn_t mfn;      /* machine frame of the console ring */
            uint32_t evtchn;    /* event channel of the console ring */
        } domU;
        struct {
            uint32_t info_off;  /* offset of the dom0 console info in this page */
            uint32_t info_size;
        } dom0;
    } console;
    /* The following are filled in on first boot only, not on resume. */
    unsigned long pt_base;      /* virtual address of the boot L4 */
    unsigned long nr_pt_frames; /* number of boot page-table frames */
    unsigned long mfn_list;     /* virtual address of the P2M: one MFN per PFN */
    unsigned long mod_start;    /* virtual address (or PFN) of the initrd */
    unsigned long mod_len;      /* initrd size in bytes */
    int8_t cmd_line[MAX_GUEST_CMDLINE];
    unsigned long first_p2m_pfn; /* first PFN of the initial P2M table frames */
    unsigned long nr_p2m_frames; /* number of those frames */
};
typedef struct start_info start_info_t;

typedef uint64_t cpumap_t;
typedef uint8_t xen_domain_handle_t[16];

#endif /* !__ASSEMBLY__ */

#endif /* TRUFFLEXEN_SDK_XEN_XEN_H */
