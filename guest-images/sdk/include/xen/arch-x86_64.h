/*
 * TruffleXen guest SDK: x86-64 part of the Xen PV guest ABI.
 *
 * Segment selectors, the hypervisor's reserved virtual range, the per-vCPU
 * and per-domain architecture fields of the shared-info page, and the trap
 * table entry. Names and values follow Xen's public headers
 * (arch-x86/xen.h, arch-x86/xen-x86_64.h); the text is our own.
 * Usable from C and from assembly (define __ASSEMBLY__).
 */
#ifndef TRUFFLEXEN_SDK_XEN_ARCH_X86_64_H
#define TRUFFLEXEN_SDK_XEN_ARCH_X86_64_H

#ifndef __ASSEMBLY__
#include <stdint.h>
#define XEN_MK_ULONG(x) x ## UL
#else
#define XEN_MK_ULONG(x) x
#endif

/*
 * Flat segments that live in the hypervisor-reserved part of every GDT. A
 * 64-bit PV kernel runs in ring 3, so kernel and user share these selectors.
 */
#define FLAT_RING3_CS32 0xe023
#define FLAT_RING3_CS64 0xe033
#define FLAT_RING3_DS32 0xe02b
#define FLAT_RING3_DS64 0x0000
#define FLAT_RING3_SS32 0xe02b
#define FLAT_RING3_SS64 0xe02b

#define FLAT_KERNEL_CS64 FLAT_RING3_CS64
#define FLAT_KERNEL_CS32 FLAT_RING3_CS32
#define FLAT_KERNEL_CS   FLAT_KERNEL_CS64
#define FLAT_KERNEL_DS64 FLAT_RING3_DS64
#define FLAT_KERNEL_DS32 FLAT_RING3_DS32
#define FLAT_KERNEL_DS   FLAT_KERNEL_DS64
#define FLAT_KERNEL_SS64 FLAT_RING3_SS64
#define FLAT_KERNEL_SS32 FLAT_RING3_SS32
#define FLAT_KERNEL_SS   FLAT_KERNEL_SS64

#define FLAT_USER_CS64 FLAT_RING3_CS64
#define FLAT_USER_CS32 FLAT_RING3_CS32
#define FLAT_USER_CS   FLAT_USER_CS64
#define FLAT_USER_DS64 FLAT_RING3_DS64
#define FLAT_USER_DS32 FLAT_RING3_DS32
#define FLAT_USER_DS   FLAT_USER_DS64
#define FLAT_USER_SS64 FLAT_RING3_SS64
#define FLAT_USER_SS32 FLAT_RING3_SS32
#define FLAT_USER_SS   FLAT_USER_SS64

/* Virtual range owned by the hypervisor (L4 slots 256-271). */
#define __HYPERVISOR_VIRT_START 0xFFFF800000000000
#define __HYPERVISOR_VIRT_END   0xFFFF880000000000
/* Read-only machine-to-physical table, one 8-byte PFN per machine frame. */
#define __MACH2PHYS_VIRT_START  0xFFFF800000000000
#define __MACH2PHYS_VIRT_END    0xFFFF804000000000

#define HYPERVISOR_VIRT_START XEN_MK_ULONG(0xFFFF800000000000)
#define HYPERVISOR_VIRT_END   XEN_MK_ULONG(0xFFFF880000000000)
#define MACH2PHYS_VIRT_START  XEN_MK_ULONG(0xFFFF800000000000)
#define MACH2PHYS_VIRT_END    XEN_MK_ULONG(0xFFFF804000000000)
#define MACH2PHYS_NR_ENTRIES  ((MACH2PHYS_VIRT_END - MACH2PHYS_VIRT_START) >> 3)

/* vCPUs whose vcpu_info lives in the shared-info page. */
#define XEN_LEGACY_MAX_VCPUS 32
#define MAX_VIRT_CPUS        XEN_LEGACY_MAX_VCPUS

/* set_segment_base selectors. */
#define SEGBASE_FS          0
#define SEGBASE_GS_USER     1
#define SEGBASE_GS_KERNEL   2
#define SEGBASE_GS_USER_SEL 3

/* iret hypercall flag: return as if from a syscall (sysret semantics). */
#define _VGCF_in_syscall 8
#define VGCF_in_syscall  (1 << _VGCF_in_syscall)
#define VGCF_IN_SYSCALL  VGCF_in_syscall

/* Forced-emulation prefix: "ud2; .ascii \"xen\"" before cpuid. */
#ifdef __ASSEMBLY__
#define XEN_EMULATE_PREFIX .byte 0x0f, 0x0b, 0x78, 0x65, 0x6e ;
#define XEN_CPUID          XEN_EMULATE_PREFIX cpuid
#else
#define XEN_EMULATE_PREFIX ".byte 0x0f, 0x0b, 0x78, 0x65, 0x6e ; "
#define XEN_CPUID          XEN_EMULATE_PREFIX "cpuid"
#endif

#ifndef __ASSEMBLY__

typedef unsigned long xen_pfn_t;
typedef unsigned long xen_ulong_t;
typedef unsigned long xen_callback_t;

#define xen_pfn_to_cr3(pfn) ((unsigned long)(pfn) << 12)
#define xen_cr3_to_pfn(cr3) ((unsigned long)(cr3) >> 12)

/* One entry of the array passed to set_trap_table (vector 0 ends it). */
struct trap_info {
    uint8_t vector;        /* exception vector */
    uint8_t flags;         /* bits 0-1: DPL allowed to "int n"; bit 2: mask events */
    uint16_t cs;           /* code selector */
    unsigned long address; /* handler address */
};
typedef struct trap_info trap_info_t;

#define TI_GET_DPL(ti)      ((ti)->flags & 3)
#define TI_GET_IF(ti)       ((ti)->flags & 4)
#define TI_SET_DPL(ti, dpl) ((ti)->flags |= (dpl))
#define TI_SET_IF(ti, i)    ((ti)->flags |= ((!!(i)) << 2))

/* Stack frame the iret hypercall consumes (lowest address first). */
struct iret_context {
    uint64_t rax, r11, rcx, flags, rip, cs, rflags, rsp, ss;
};

/* Architecture part of struct vcpu_info: 16 bytes. */
struct arch_vcpu_info {
    unsigned long cr2; /* faulting address of the last #PF bounced to the guest */
    unsigned long pad;
};
typedef struct arch_vcpu_info arch_vcpu_info_t;

/* Architecture part of struct shared_info. */
struct arch_shared_info {
    unsigned long max_pfn;                /* highest PFN in the P2M + 1 */
    xen_pfn_t pfn_to_mfn_frame_list_list; /* MFN of the P2M frame-list-list, for tools */
    unsigned long nmi_reason;
    /* Linear (virtually mapped) P2M, valid when p2m_cr3 != 0. */
    unsigned long p2m_cr3;
    unsigned long p2m_vaddr;
    unsigned long p2m_generation;
};
typedef struct arch_shared_info arch_shared_info_t;

/* The user-level registers of a vCPU context (Xen's public cpu_user_regs, 200 bytes). */
struct cpu_user_regs {
    uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
    uint64_t rax, rcx, rdx, rsi, rdi;
    uint32_t error_code;     /* private to the hypervisor */
    uint32_t entry_vector;   /* private to the hypervisor */
    uint64_t rip;
    uint16_t cs, _pad0[1];
    uint8_t  saved_upcall_mask;
    uint8_t  _pad1[3];
    uint64_t rflags;
    uint64_t rsp;
    uint16_t ss, _pad2[3];
    uint16_t es, _pad3[3];
    uint16_t ds, _pad4[3];
    uint16_t fs, _pad5[3];
    uint16_t gs, _pad6[3];
};
typedef struct cpu_user_regs cpu_user_regs_t;

/* vcpu_guest_context.flags. */
#define _VGCF_i387_valid               0
#define VGCF_i387_valid                (1 << _VGCF_i387_valid)
#define _VGCF_in_kernel                2
#define VGCF_in_kernel                 (1 << _VGCF_in_kernel)
#define _VGCF_failsafe_disables_events 3
#define VGCF_failsafe_disables_events  (1 << _VGCF_failsafe_disables_events)
#define _VGCF_syscall_disables_events  4
#define VGCF_syscall_disables_events   (1 << _VGCF_syscall_disables_events)
#define _VGCF_online                   5
#define VGCF_online                    (1 << _VGCF_online)

/* A vCPU's whole context: what VCPUOP_initialise takes (5168 bytes). */
struct vcpu_guest_context {
    struct { char x[512]; } fpu_ctxt;       /* FXSAVE image, valid with VGCF_i387_valid */
    unsigned long flags;                    /* VGCF_* */
    struct cpu_user_regs user_regs;
    struct trap_info trap_ctxt[256];        /* virtual IDT, indexed by vector */
    unsigned long ldt_base, ldt_ents;       /* LDT: linear address, entries */
    unsigned long gdt_frames[16], gdt_ents; /* GDT: machine frames, entries */
    unsigned long kernel_ss, kernel_sp;     /* the kernel stack of user-to-kernel transitions */
    unsigned long ctrlreg[8];               /* CR0-CR7; ctrlreg[3] kernel L4, ctrlreg[1] user L4 */
    unsigned long debugreg[8];              /* DR0-DR7 */
    unsigned long event_callback_eip;
    unsigned long failsafe_callback_eip;
    unsigned long syscall_callback_eip;
    unsigned long vm_assist;                /* VMASST_TYPE_* bitmap */
    uint64_t fs_base;
    uint64_t gs_base_kernel;
    uint64_t gs_base_user;
};
typedef struct vcpu_guest_context vcpu_guest_context_t;

#endif /* !__ASSEMBLY__ */

#endif /* TRUFFLEXEN_SDK_XEN_ARCH_X86_64_H */
