/*
 * pvbench: batches of one PV CPU operation, for perf's exception and
 * privileged-instruction benchmarks.
 *
 * "op=int3" (the default): an int3 bounced by the hypervisor to the guest's
 * #BP handler, which returns with the iret hypercall (Xen's exception round
 * trip). "op=wrmsr": a WRMSR of MSR_FS_BASE, emulated at #GP(0)
 * (one RDMSR per batch checks the last one landed). Each batch is
 * "count=N" operations (default 100000), then SCHEDOP_yield with the number
 * that completed (counted by the handler, or read back) in its argument, forever.
 * Prints nothing.
 */
#include <sdk/kernel.h>

#define DEFAULT_BATCH 100000
#define MSR_FS_BASE 0xc0000100U

extern char bp_entry[];
volatile unsigned long bp_count;

/* The #BP handler: counts, then iret to the instruction after int3. */
__asm__(".text\n"
        ".globl bp_entry\n"
        "bp_entry:\n\t"
        "incq bp_count(%rip)\n\t"
        "pop %rcx\n\t"
        "pop %r11\n\t"
        "pushq $0\n\t"
        "jmp hypercall_page + 23 * 32\n");

static unsigned long option(const char *cmdline, const char *key, unsigned long fallback)
{
    size_t key_length = strlen(key);

    for (const char *p = cmdline; *p != '\0'; p++) {
        if ((p == cmdline || p[-1] == ' ') && strncmp(p, key, key_length) == 0 && p[key_length] == '=') {
            unsigned long value = 0;
            for (const char *q = p + key_length + 1; *q >= '0' && *q <= '9'; q++) {
                value = value * 10 + (unsigned long)(*q - '0');
            }
            return value > 0 ? value : fallback;
        }
    }
    return fallback;
}

static int has(const char *cmdline, const char *word)
{
    size_t n = strlen(word);

    for (const char *p = cmdline; *p != '\0'; p++) {
        if ((p == cmdline || p[-1] == ' ') && strncmp(p, word, n) == 0 && (p[n] == ' ' || p[n] == '\0')) {
            return 1;
        }
    }
    return 0;
}

static unsigned long int3_batch(unsigned long n)
{
    bp_count = 0;
    for (unsigned long i = 0; i < n; i++) {
        __asm__ __volatile__("int3" : : : "memory");
    }
    return bp_count;
}

static unsigned long wrmsr_batch(unsigned long n)
{
    unsigned long base = 0;
    unsigned int lo, hi;

    for (unsigned long i = 0; i < n; i++) {
        base = (i & 0xffff) << 12;
        __asm__ __volatile__("wrmsr" : : "c"(MSR_FS_BASE), "a"((unsigned int)base), "d"((unsigned int)(base >> 32)) : "memory");
    }
    __asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(MSR_FS_BASE));
    return ((unsigned long)hi << 32 | lo) == base ? n : 0;
}

void kernel_main(start_info_t *si)
{
    static trap_info_t table[] = { { 3, 3, 0xe030, 0 }, { 0, 0, 0, 0 } };
    const char *cmdline = (const char *)si->cmd_line;
    unsigned long batch = option(cmdline, "count", DEFAULT_BATCH);
    int wrmsr = has(cmdline, "op=wrmsr");

    table[0].address = (unsigned long)bp_entry;
    HYPERVISOR_set_trap_table(table);
    for (;;) {
        unsigned long done = wrmsr ? wrmsr_batch(batch) : int3_batch(batch);
        HYPERVISOR_sched_op(SCHEDOP_yield, (void *)done);
    }
}
