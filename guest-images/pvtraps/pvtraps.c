/*
 * pvtraps: the PV CPU's trap tables, exception delivery, iret, callbacks,
 * segment-base MSRs and set_segment_base, checked case by case against Xen's
 * rules (see ktest.h for the output). With "fatal=<case>" on the command line
 * it instead runs one case that must crash the domain, for the crash report.
 */
#include "pvtraps.h"

extern char trap_ud[], trap_bp[];

static void event_entry(void) {}
static void failsafe_entry(void) {}
static void syscall_entry(void) {}
static void nmi_entry(void) {}

static long callback_register(unsigned int type, unsigned int flags, unsigned long address)
{
    callback_register_t reg = { .type = type, .flags = flags, .address = address };

    return _hypercall2(long, callback_op, CALLBACKOP_register, &reg);
}

static long callback_unregister(unsigned int type)
{
    callback_unregister_t unreg = { .type = type };

    return _hypercall2(long, callback_op, CALLBACKOP_unregister, &unreg);
}

static void callback_tests(void)
{
    kt_group("callbacks");
    kt_eq(callback_register(CALLBACKTYPE_event, 0, (unsigned long)event_entry), 0, "register event", "register_guest_callback");
    kt_eq(callback_register(CALLBACKTYPE_failsafe, CALLBACKF_mask_events, (unsigned long)failsafe_entry), 0,
          "register failsafe with events masked", "VGCF_failsafe_disables_events");
    kt_eq(callback_register(CALLBACKTYPE_syscall, CALLBACKF_mask_events, (unsigned long)syscall_entry), 0,
          "register syscall", "VGCF_syscall_disables_events");
    kt_eq(callback_register(CALLBACKTYPE_syscall32, 0, (unsigned long)syscall_entry), 0, "register syscall32",
          "syscall32_callback_eip");
    kt_eq(callback_register(CALLBACKTYPE_sysenter, 0, (unsigned long)syscall_entry), 0, "register sysenter",
          "sysenter_callback_eip");
    kt_eq(callback_register(CALLBACKTYPE_nmi, 0, (unsigned long)nmi_entry), 0, "register nmi",
          "register_guest_nmi_callback");
    kt_eq(callback_unregister(CALLBACKTYPE_nmi), 0, "unregister nmi", "unregister_guest_nmi_callback");
    kt_eq(callback_register(CALLBACKTYPE_nmi, 0, (unsigned long)nmi_entry), 0, "register nmi again", "trap_ctxt[2]");
    kt_eq(callback_unregister(CALLBACKTYPE_event), -XEN_EINVAL, "unregister event", "only nmi unregisters: -EINVAL");
    kt_eq(callback_unregister(CALLBACKTYPE_syscall), -XEN_EINVAL, "unregister syscall", "-EINVAL");
    kt_eq(callback_unregister(99), -XEN_ENOSYS, "unregister unknown type 99", "default: -ENOSYS");
    kt_eq(callback_register(CALLBACKTYPE_sysenter_deprecated, 0, (unsigned long)event_entry), -XEN_ENOSYS,
          "register the deprecated sysenter type 3", "default: -ENOSYS");
    kt_eq(callback_register(6, 0, (unsigned long)event_entry), -XEN_ENOSYS, "register unknown type 6", "-ENOSYS");
    kt_eq(callback_register(99, 0, NON_CANONICAL_VA), -XEN_EINVAL, "non-canonical address with an unknown type",
          "is_canonical_address checked first: -EINVAL");
    kt_eq(callback_register(CALLBACKTYPE_event, 0, NON_CANONICAL_VA), -XEN_EINVAL, "non-canonical event callback",
          "-EINVAL");
    kt_eq(_hypercall2(long, callback_op, CALLBACKOP_register, (void *)UNMAPPED_VA), -XEN_EFAULT,
          "register with an unmapped argument", "copy_from_guest: -EFAULT");
    kt_eq(_hypercall2(long, callback_op, CALLBACKOP_unregister, (void *)HYPERVISOR_VA), -XEN_EFAULT,
          "unregister with a hypervisor-range argument", "-EFAULT");
    kt_eq(_hypercall2(long, callback_op, 2, NULL), -XEN_ENOSYS, "unknown command 2", "do_callback_op: -ENOSYS");
    kt_eq(_hypercall3(long, set_callbacks, (unsigned long)event_entry, NON_CANONICAL_VA, (unsigned long)syscall_entry), 0,
          "set_callbacks always succeeds", "do_set_callbacks returns 0");
    printf("# event_callback=%#lx\n", (unsigned long)event_entry);
    printf("# failsafe_callback=%#lx\n", (unsigned long)failsafe_entry);
    printf("# syscall_callback=%#lx\n", (unsigned long)syscall_entry);
    printf("# nmi_callback=%#lx\n", (unsigned long)nmi_entry);
}

static const char *option(start_info_t *si, const char *name)
{
    const char *p = (const char *)si->cmd_line;
    size_t n = strlen(name);

    for (; *p; p++) {
        if (strncmp(p, name, n) == 0) {
            return p + n;
        }
    }
    return NULL;
}

static unsigned long rdtsc(void)
{
    unsigned int lo, hi;

    __asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
    return (unsigned long)hi << 32 | lo;
}

/* "bench=N": N int3 round trips (bounce to the handler, iret back), timed with the domain's 1 GHz TSC. */
static void run_bench(const char *count)
{
    unsigned long n = 0;

    for (; *count >= '0' && *count <= '9'; count++) {
        n = n * 10 + (unsigned long)(*count - '0');
    }
    unsigned long start = rdtsc();
    for (unsigned long i = 0; i < n; i++) {
        trap_count = 0;
        __asm__ __volatile__("int3" : : : "memory");
    }
    unsigned long ns = rdtsc() - start;
    printf("bench: %lu int3 round trips in %lu ns, %lu ns each\n", n, ns, n ? ns / n : 0);
}

static void iret_with_cs(unsigned long cs)
{
    __asm__ __volatile__("mov %%rsp, %%rax\n\t"
                         "pushq $0xe02b\n\t"
                         "push %%rax\n\t"
                         "pushq $0x202\n\t"
                         "push %0\n\t"
                         "pushq $0\n\t"
                         "pushq $0\n\t"
                         "jmp hypercall_page + 23 * 32"
                         : : "r"(cs) : "rax", "memory");
}

/* Each case must crash the domain; the hypervisor's report says why. */
static void run_fatal(const char *which, start_info_t *si)
{
    static trap_info_t ud_only[] = { { 6, 0, 0xe030, (unsigned long)trap_ud }, { 0, 0, 0, 0 } };

    printf("fatal case %s\n", which);
    if (strncmp(which, "nohandler", 9) == 0) {
        __asm__ __volatile__("ud2");
    } else if (strncmp(which, "badstack", 8) == 0) {
        _hypercall1(long, set_trap_table, ud_only);
        __asm__ __volatile__("mov %0, %%rsp\n\tud2" : : "r"(HYPERVISOR_VA + 0x108) : "memory");
    } else if (strncmp(which, "rostack", 7) == 0) {
        _hypercall1(long, set_trap_table, ud_only);
        __asm__ __volatile__("mov %0, %%rsp\n\tud2" : : "r"(si->pt_base + 0x800) : "memory");
    } else if (strncmp(which, "ireturn-user", 12) == 0) {
        iret_with_cs(0xe033);
    } else if (strncmp(which, "iret-compat", 11) == 0) {
        iret_with_cs(0xe020);
    } else if (strncmp(which, "iretq-compat", 12) == 0) {
        __asm__ __volatile__("mov %%rsp, %%rax\n\tpushq $0xe02b\n\tpush %%rax\n\tpushq $0x202\n\tpushq $0xe023\n\t"
                             "pushq $0x1000\n\tiretq" : : : "rax", "memory");
    } else if (strncmp(which, "ljmp-compat", 11) == 0) {
        descriptor_fatal_compat();
    } else if (strncmp(which, "user-stack-hypervisor", 21) == 0) {
        user_mode_fatal_stack(si, HYPERVISOR_VA + 0x1000);
    } else if (strncmp(which, "user-stack-noncanonical", 23) == 0) {
        user_mode_fatal_stack(si, NON_CANONICAL_VA);
    } else if (strncmp(which, "sysenter-kernel", 15) == 0) {
        mode_fatal_sysenter();
    } else if (strncmp(which, "iret-hypervisor-stack", 21) == 0) {
        __asm__ __volatile__("mov %0, %%rsp\n\tmov $23, %%eax\n\tsyscall" : : "r"(HYPERVISOR_VA) : "rax", "memory");
    }
    printf("fatal case %s did not crash the domain\n", which);
}

void kernel_main(start_info_t *si)
{
    const char *fatal = option(si, "fatal=");
    const char *bench = option(si, "bench=");

    if (bench) {
        static trap_info_t bp[] = { { 3, 3, 0xe030, (unsigned long)trap_bp }, { 0, 0, 0, 0 } };

        _hypercall1(long, set_trap_table, bp);
        run_bench(bench);
        return;
    }
    if (fatal) {
        run_fatal(fatal, si);
        return;
    }
    printf("pvtraps: start\n");
    trap_table_tests();
    exception_tests(si);
    iret_tests();
    privileged_tests();
    msr_tests();
    native_iret_tests(si);
    segment_base_tests();
    descriptor_tests();
    mode_tests();
    user_mode_tests(si);
    callback_tests();
    nmi_tests((unsigned long)nmi_entry);
    privops_tests();
    debug_tests();
    multicall_tests();
    feature_assist_tests();
    hypercall_page_msr_tests();
    cpuid_faulting_user_tests();
    /* The last #PF: its address must stay in vcpu_info.arch.cr2. */
    TRIGGER("mov $0x5123, %%ebx", "mov (%%rbx), %%rax", "");
    kt_eq(trap_count, 1, "a last #PF for the CR2 check", "arch_set_cr2");
    printf("# last_cr2=%#lx\n", 0x5123UL);
    kt_summary();
    printf("pvtraps: done\n");
    sdk_shutdown(SHUTDOWN_poweroff);
}
