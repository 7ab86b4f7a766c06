/*
 * usercall: user-mode system calls in batches, for perf's
 * UserSyscallRoundTripBenchmark (Linux's getpid path under Xen: user
 * syscall, Xen's bounce to the kernel's syscall callback, iret hypercall
 * with VGCF_in_syscall back to user mode).
 *
 * Registers its syscall callback (events masked, as Linux does), a kernel
 * stack (stack_switch) and its user page tables (MMUEXT_NEW_USER_BASEPTR, the
 * kernel's own L4), then forever: runs the user program for "syscalls=N"
 * getpid calls (default 100000) and yields with the count that returned the
 * pid, so the benchmark can check every call ran. Prints nothing.
 */
#include <sdk/kernel.h>
#include <xen/callback.h>

#define DEFAULT_BATCH 100000

extern char uc_syscall_entry[], uc_user_main[];

static char kernel_stack[8192] __attribute__((aligned(16)));
static char user_stack[4096] __attribute__((aligned(16)));

void kernel_main(start_info_t *si)
{
    unsigned long batch = sdk_cmdline_ulong((const char *)si->cmd_line, "syscalls", DEFAULT_BATCH);
    callback_register_t reg = { .type = CALLBACKTYPE_syscall, .flags = CALLBACKF_mask_events,
                                .address = (unsigned long)uc_syscall_entry };
    mmuext_op_t op = { .cmd = MMUEXT_NEW_USER_BASEPTR, .arg1.mfn = pfn_to_mfn(virt_to_pfn((void *)si->pt_base)) };

    _hypercall2(long, callback_op, CALLBACKOP_register, &reg);
    _hypercall2(long, stack_switch, 0xe02b, (unsigned long)kernel_stack + sizeof(kernel_stack));
    HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
    for (;;) {
        unsigned long matches = sdk_user_enter(uc_user_main, (unsigned long)user_stack + sizeof(user_stack), batch);
        HYPERVISOR_sched_op(SCHEDOP_yield, (void *)matches);
    }
}
