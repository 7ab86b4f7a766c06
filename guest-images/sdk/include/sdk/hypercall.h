/*
 * TruffleXen guest SDK: hypercalls through the hypercall page.
 *
 * The hypervisor fills the 4 KiB page at hypercall_page (announced by the
 * XEN_ELFNOTE_HYPERCALL_PAGE note) with 128 stubs of 32 bytes; hypercall n
 * is "call hypercall_page + n * 32". Arguments go in RDI, RSI, RDX, R10, R8
 * and the result comes back in RAX: >= 0 on success, -XEN_E* on failure.
 * Argument registers count as clobbered, and so do RCX and R11 (a direct
 * syscall clobbers them).
 *
 * _hypercallN(type, name, args...) issues __HYPERVISOR_<name> with N
 * arguments; the HYPERVISOR_<name>() functions below wrap the common ones.
 */
#ifndef TRUFFLEXEN_SDK_HYPERCALL_H
#define TRUFFLEXEN_SDK_HYPERCALL_H

#include <xen/xen.h>
#include <xen/sched.h>
#include <xen/version.h>
#include <xen/event_channel.h>

extern char hypercall_page[4096];

#define _hypercall_stub(name) "call hypercall_page + %c[hypercall_offset]"
#define _hypercall_offset(name) [hypercall_offset] "i"(__HYPERVISOR_##name * 32)

#define _hypercall0(type, name)                                              \
    ({                                                                       \
        long hc_result;                                                      \
        __asm__ __volatile__(_hypercall_stub(name)                           \
                             : "=a"(hc_result)                               \
                             : _hypercall_offset(name)                       \
                             : "rdi", "rsi", "rdx", "r10", "r8", "r9",       \
                               "rcx", "r11", "memory");                      \
        (type)hc_result;                                                     \
    })

#define _hypercall1(type, name, a1)                                          \
    ({                                                                       \
        long hc_result;                                                      \
        register long hc_a1 __asm__("rdi") = (long)(a1);                     \
        __asm__ __volatile__(_hypercall_stub(name)                           \
                             : "=a"(hc_result), "+r"(hc_a1)                  \
                             : _hypercall_offset(name)                       \
                             : "rsi", "rdx", "r10", "r8", "r9",              \
                               "rcx", "r11", "memory");                      \
        (type)hc_result;                                                     \
    })

#define _hypercall2(type, name, a1, a2)                                      \
    ({                                                                       \
        long hc_result;                                                      \
        register long hc_a1 __asm__("rdi") = (long)(a1);                     \
        register long hc_a2 __asm__("rsi") = (long)(a2);                     \
        __asm__ __volatile__(_hypercall_stub(name)                           \
                             : "=a"(hc_result), "+r"(hc_a1), "+r"(hc_a2)     \
                             : _hypercall_offset(name)                       \
                             : "rdx", "r10", "r8", "r9",                     \
                               "rcx", "r11", "memory");                      \
        (type)hc_result;                                                     \
    })

#define _hypercall3(type, name, a1, a2, a3)                                  \
    ({                                                                       \
        long hc_result;                                                      \
        register long hc_a1 __asm__("rdi") = (long)(a1);                     \
        register long hc_a2 __asm__("rsi") = (long)(a2);                     \
        register long hc_a3 __asm__("rdx") = (long)(a3);                     \
        __asm__ __volatile__(_hypercall_stub(name)                           \
                             : "=a"(hc_result), "+r"(hc_a1), "+r"(hc_a2),    \
                               "+r"(hc_a3)                                   \
                             : _hypercall_offset(name)                       \
                             : "r10", "r8", "r9", "rcx", "r11", "memory");   \
        (type)hc_result;                                                     \
    })

#define _hypercall4(type, name, a1, a2, a3, a4)                              \
    ({                                                                       \
        long hc_result;                                                      \
        register long hc_a1 __asm__("rdi") = (long)(a1);                     \
        register long hc_a2 __asm__("rsi") = (long)(a2);                     \
        register long hc_a3 __asm__("rdx") = (long)(a3);                     \
        register long hc_a4 __asm__("r10") = (long)(a4);                     \
        __asm__ __volatile__(_hypercall_stub(name)                           \
                             : "=a"(hc_result), "+r"(hc_a1), "+r"(hc_a2),    \
                               "+r"(hc_a3), "+r"(hc_a4)                      \
                             : _hypercall_offset(name)                       \
                             : "r8", "r9", "rcx", "r11", "memory");          \
        (type)hc_result;                                                     \
    })

#define _hypercall5(type, name, a1, a2, a3, a4, a5)                          \
    ({                                                                       \
        long hc_result;                                                      \
        register long hc_a1 __asm__("rdi") = (long)(a1);                     \
        register long hc_a2 __asm__("rsi") = (long)(a2);                     \
        register long hc_a3 __asm__("rdx") = (long)(a3);                     \
        register long hc_a4 __asm__("r10") = (long)(a4);                     \
        register long hc_a5 __asm__("r8") = (long)(a5);                      \
        __asm__ __volatile__(_hypercall_stub(name)                           \
                             : "=a"(hc_result), "+r"(hc_a1), "+r"(hc_a2),    \
                               "+r"(hc_a3), "+r"(hc_a4), "+r"(hc_a5)         \
                             : _hypercall_offset(name)                       \
                             : "r9", "rcx", "r11", "memory");                \
        (type)hc_result;                                                     \
    })

static inline long HYPERVISOR_set_trap_table(const trap_info_t *table)
{
    return _hypercall1(long, set_trap_table, table);
}

static inline long HYPERVISOR_mmu_update(mmu_update_t *req, unsigned int count,
                                         unsigned int *done, unsigned int foreigndom)
{
    return _hypercall4(long, mmu_update, req, count, done, foreigndom);
}

static inline long HYPERVISOR_mmuext_op(mmuext_op_t *op, unsigned int count,
                                        unsigned int *done, unsigned int foreigndom)
{
    return _hypercall4(long, mmuext_op, op, count, done, foreigndom);
}

static inline long HYPERVISOR_set_gdt(unsigned long *frames, unsigned int entries)
{
    return _hypercall2(long, set_gdt, frames, entries);
}

static inline long HYPERVISOR_stack_switch(unsigned long ss, unsigned long sp)
{
    return _hypercall2(long, stack_switch, ss, sp);
}

static inline long HYPERVISOR_set_callbacks(unsigned long event, unsigned long failsafe,
                                            unsigned long syscall)
{
    return _hypercall3(long, set_callbacks, event, failsafe, syscall);
}

static inline long HYPERVISOR_fpu_taskswitch(int set)
{
    return _hypercall1(long, fpu_taskswitch, set);
}

static inline long HYPERVISOR_update_descriptor(unsigned long machine_address, uint64_t desc)
{
    return _hypercall2(long, update_descriptor, machine_address, desc);
}

static inline long HYPERVISOR_memory_op(unsigned int cmd, void *arg)
{
    return _hypercall2(long, memory_op, cmd, arg);
}

static inline long HYPERVISOR_multicall(multicall_entry_t *calls, unsigned int count)
{
    return _hypercall2(long, multicall, calls, count);
}

static inline long HYPERVISOR_update_va_mapping(unsigned long va, uint64_t pte,
                                                unsigned long flags)
{
    return _hypercall3(long, update_va_mapping, va, pte, flags);
}

static inline long HYPERVISOR_set_timer_op(uint64_t deadline_ns)
{
    return _hypercall1(long, set_timer_op, deadline_ns);
}

static inline long HYPERVISOR_xen_version(int cmd, void *arg)
{
    return _hypercall2(long, xen_version, cmd, arg);
}

static inline long HYPERVISOR_console_io(int cmd, int count, char *buf)
{
    return _hypercall3(long, console_io, cmd, count, buf);
}

static inline long HYPERVISOR_grant_table_op(unsigned int cmd, void *uop, unsigned int count)
{
    return _hypercall3(long, grant_table_op, cmd, uop, count);
}

static inline long HYPERVISOR_vm_assist(unsigned int cmd, unsigned int type)
{
    return _hypercall2(long, vm_assist, cmd, type);
}

static inline long HYPERVISOR_vcpu_op(int cmd, unsigned int vcpu, void *extra)
{
    return _hypercall3(long, vcpu_op, cmd, vcpu, extra);
}

static inline long HYPERVISOR_set_segment_base(int which, unsigned long base)
{
    return _hypercall2(long, set_segment_base, which, base);
}

static inline long HYPERVISOR_sched_op(int cmd, void *arg)
{
    return _hypercall2(long, sched_op, cmd, arg);
}

static inline long HYPERVISOR_callback_op(int cmd, const void *arg)
{
    return _hypercall2(long, callback_op, cmd, arg);
}

static inline long HYPERVISOR_event_channel_op(int cmd, void *arg)
{
    return _hypercall2(long, event_channel_op, cmd, arg);
}

static inline long HYPERVISOR_physdev_op(int cmd, void *arg)
{
    return _hypercall2(long, physdev_op, cmd, arg);
}

static inline long HYPERVISOR_nmi_op(unsigned long op, void *arg)
{
    return _hypercall2(long, nmi_op, op, arg);
}

#endif /* TRUFFLEXEN_SDK_HYPERCALL_H */
