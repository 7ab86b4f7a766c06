/*
 * pvtraps: shared declarations of the PV trap, iret, callback and MSR tests.
 */
#ifndef PVTRAPS_H
#define PVTRAPS_H

#include <sdk/kernel.h>
#include <xen/callback.h>
#include <sdk/ktest.h>

#define UNMAPPED_VA      0x1000UL
#define NON_CANONICAL_VA 0x8000000000000000UL
#define HYPERVISOR_VA    0xffff800000000000UL

#define FLAT_KERNEL_CS_RPL0 0xe030UL
#define RFLAGS_CF   0x1UL
#define RFLAGS_TF   0x100UL
#define RFLAGS_IF   0x200UL
#define RFLAGS_DF   0x400UL
#define RFLAGS_IOPL 0x3000UL
#define RFLAGS_AC   0x40000UL

/* One exception as the entry stubs recorded it. */
struct trap_record {
    unsigned long vector;
    unsigned long handler_rflags;
    unsigned long frame_address;
    unsigned long frame[8];
    unsigned long pad;
};

/* Frame slots, counted from the lowest address. */
enum { F_RCX, F_R11 };

extern struct trap_record trap_log[8];
extern volatile unsigned long trap_count;
extern volatile unsigned long trap_resume;
extern volatile unsigned long trig_fault, trig_resume, trig_rsp;
/* What check_frame expects in the RCX, R11 and CS slots (TRIGGER sets the usual values). */
extern unsigned long expect_rcx, expect_r11, expect_cs, expect_ss;

/* Runs setup, then the instruction under test at label 0; the handler resumes at label 1. */
#define TRIGGER(setup, insn, teardown)                                                    \
    do {                                                                                  \
        trap_count = 0;                                                                   \
        expect_rcx = 0x1111111111UL;                                                      \
        expect_r11 = 0x2222222222UL;                                                      \
        expect_cs = FLAT_KERNEL_CS_RPL0;                                                  \
        expect_ss = 0xe02b;                                                               \
        __asm__ __volatile__("lea 1f(%%rip), %%rax\n\t"                                   \
                             "mov %%rax, trap_resume(%%rip)\n\t"                          \
                             "mov %%rax, trig_resume(%%rip)\n\t"                          \
                             "lea 0f(%%rip), %%rax\n\t"                                   \
                             "mov %%rax, trig_fault(%%rip)\n\t" setup "\n\t"              \
                             "mov %%rsp, trig_rsp(%%rip)\n\t"                             \
                             "mov $0x1111111111, %%rcx\n\t"                               \
                             "mov $0x2222222222, %%r11\n\t"                               \
                             "0: " insn "\n"                                              \
                             "1:\n\t" teardown                                            \
                             :                                                            \
                             :                                                            \
                             : "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9",      \
                               "r10", "r11", "memory", "cc");                             \
        trap_resume = 0;                                                                  \
    } while (0)

#define MSR_FS_BASE        0xc0000100U
#define MSR_GS_BASE        0xc0000101U
#define MSR_SHADOW_GS_BASE 0xc0000102U

static inline unsigned long rdmsr(unsigned int msr)
{
    unsigned int lo, hi;

    __asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return (unsigned long)hi << 32 | lo;
}

static inline void wrmsr(unsigned int msr, unsigned long value)
{
    __asm__ __volatile__("wrmsr" : : "c"(msr), "a"((unsigned int)value), "d"((unsigned int)(value >> 32)) : "memory");
}

long raw_hypercall2(unsigned long number, unsigned long a1, unsigned long a2);
void check_frame(const struct trap_record *r, unsigned long vector, int has_ec, unsigned long ec,
                 unsigned long rip, unsigned long mask, const char *what);

void trap_table_tests(void);
void exception_tests(start_info_t *si);
void iret_tests(void);
void privileged_tests(void);
void msr_tests(void);
void native_iret_tests(start_info_t *si);
void segment_base_tests(void);
void privops_tests(void);
void debug_tests(void);
void multicall_tests(void);
void descriptor_tests(void);
void descriptor_fatal_compat(void);
void mode_tests(void);
void mode_fatal_sysenter(void);
void user_mode_tests(start_info_t *si);
void user_mode_fatal_stack(start_info_t *si, unsigned long kernel_sp);
void feature_assist_tests(void);
void hypercall_page_msr_tests(void);
void cpuid_faulting_user_tests(void);
void call_gate_tests(void);
void nmi_tests(unsigned long callback_after);

#endif
