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
unsigned long uc_enter_user(void *rip, unsigned long rsp, unsigned long count);

static char kernel_stack[8192] __attribute__((aligned(16)));
static char user_stack[4096] __attribute__((aligned(16)));

/* The decimal value of "key=" in cmdline, or fallback. */
static unsigned long option(const char *cmdline, const char *key, unsigned long fallback)
{
    size_t key_length = strlen(key);
    const char *p = cmdline;
    while (*p != '\0') {
        while (*p == ' ') {
            p++;
        }
        if (strncmp(p, key, key_length) == 0 && p[key_length] == '=') {
            unsigned long value = 0;
            const char *q = p + key_length + 1;
            while (*q >= '0' && *q <= '9') {
                value = value * 10 + (unsigned long)(*q++ - '0');
            }
            return value > 0 ? value : fallback;
        }
        while (*p != ' ' && *p != '\0') {
            p++;
        }
    }
    return fallback;
}

void kernel_main(start_info_t *si)
{
    unsigned long batch = option((const char *)si->cmd_line, "syscalls", DEFAULT_BATCH);
    callback_register_t reg = { .type = CALLBACKTYPE_syscall, .flags = CALLBACKF_mask_events,
                                .address = (unsigned long)uc_syscall_entry };
    mmuext_op_t op = { .cmd = MMUEXT_NEW_USER_BASEPTR, .arg1.mfn = pfn_to_mfn(virt_to_pfn((void *)si->pt_base)) };

    _hypercall2(long, callback_op, CALLBACKOP_register, &reg);
    _hypercall2(long, stack_switch, 0xe02b, (unsigned long)kernel_stack + sizeof(kernel_stack));
    HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
    for (;;) {
        unsigned long matches = uc_enter_user(uc_user_main, (unsigned long)user_stack + sizeof(user_stack), batch);
        HYPERVISOR_sched_op(SCHEDOP_yield, (void *)matches);
    }
}
