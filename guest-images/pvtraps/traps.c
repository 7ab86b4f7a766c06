/*
 * Trap tables, exception delivery (Xen's bounce frame), iret and the
 * privileged instructions Xen does not emulate.
 */
#include "pvtraps.h"

extern char trap_de[], trap_db[], trap_bp[], trap_of[], trap_ud[], trap_nm[], trap_gp[], trap_pf[];
extern char trap_int80[], trap_int81[], trap_int90[], trap_int92[], trap_int94[], trap_int95[], trap_nested[];

struct trap_record trap_log[8];
volatile unsigned long trap_count;
volatile unsigned long trap_resume;
volatile unsigned long trig_fault, trig_resume, trig_rsp;
volatile unsigned long fault_address;
unsigned long expect_rcx, expect_r11, expect_cs, expect_ss;
volatile unsigned long iret_rax, iret_rcx, iret_r11, iret_rsp, iret_rflags;

#define ENTRY(v, f, a) { .vector = (v), .flags = (f), .cs = 0xe030, .address = (unsigned long)(a) }
#define END { 0, 0, 0, 0 }

static trap_info_t base_table[] = {
    ENTRY(0, 0, trap_de), ENTRY(1, 0, trap_db), ENTRY(3, 3, trap_bp), ENTRY(4, 3, trap_of), ENTRY(6, 0, trap_ud),
    ENTRY(7, 0, trap_nm), ENTRY(13, 0, trap_gp), ENTRY(14, 0, trap_pf), ENTRY(0x81, 1, trap_int81),
    ENTRY(0x82, 0, trap_int90), END,
};

static long set_trap_table(const void *table)
{
    return _hypercall1(long, set_trap_table, table);
}

long raw_hypercall2(unsigned long number, unsigned long a1, unsigned long a2)
{
    register unsigned long rdi __asm__("rdi") = a1;
    register unsigned long rsi __asm__("rsi") = a2;
    unsigned long rax = number;

    __asm__ __volatile__("syscall" : "+a"(rax), "+r"(rdi), "+r"(rsi) : : "rcx", "r11", "rdx", "r10", "r8", "memory");
    return (long)rax;
}

/* Entered (never returns) when a fault repeats with no resume point: report it and stop. */
void trap_runaway(void)
{
    printf("not ok - runaway faults: vector %lu at rip %#lx, error %#lx\n", trap_log[0].vector, trap_log[0].frame[3],
           trap_log[0].frame[2]);
    sdk_shutdown(SHUTDOWN_crash);
}

static int one_trap(unsigned long vector, const char *name, const char *rule)
{
    char detail[80];

    snprintf(detail, sizeof(detail), "%lu traps, first vector %lu", trap_count, trap_count ? trap_log[0].vector : 0UL);
    return kt_check(trap_count == 1 && trap_log[0].vector == vector, name, rule, detail);
}

/* Checks every slot of a recorded frame at once (RCX and R11 as TRIGGER loads them). */
void check_frame(const struct trap_record *r, unsigned long vector, int has_ec, unsigned long ec, unsigned long rip,
                 unsigned long mask, const char *what)
{
    const unsigned long *f = r->frame;
    unsigned long top = trig_rsp & ~0xfUL;
    unsigned long want_if = mask ? 0 : RFLAGS_IF;
    int o = has_ec ? 1 : 0;
    const char *bad = NULL;
    char detail[120];

    if (r->vector != vector) {
        bad = "vector";
    } else if (r->frame_address != top - (7 + o) * 8) {
        bad = "frame address (RSP & ~15 minus the frame)";
    } else if (f[F_RCX] != expect_rcx || f[F_R11] != expect_r11) {
        bad = "RCX/R11 slots";
    } else if (has_ec && f[2] != ec) {
        bad = "error code";
    } else if (f[2 + o] != rip) {
        bad = "RIP";
    } else if (f[3 + o] != (expect_cs | mask << 32)) {
        bad = "CS slot (RPL 0, saved upcall mask in bits 32-39)";
    } else if ((f[4 + o] & (RFLAGS_IF | RFLAGS_IOPL)) != want_if) {
        bad = "RFLAGS slot (IF = !saved mask, IOPL 0)";
    } else if (f[5 + o] != trig_rsp) {
        bad = "RSP slot";
    } else if (f[6 + o] != expect_ss) {
        bad = "SS slot";
    }
    snprintf(detail, sizeof(detail), "%s: vector %lu frame %lx %lx %lx %lx %lx", bad ? bad : "", r->vector,
             f[2], f[3], f[4], f[5], f[6]);
    kt_check(bad == NULL, what, "create_bounce_frame: RCX, R11, [error code,] RIP, CS, RFLAGS, RSP, SS", detail);
}

void trap_table_tests(void)
{
    static trap_info_t bad_middle[] = { ENTRY(0x90, 3, trap_int90), ENTRY(0x91, 3, NON_CANONICAL_VA),
                                        ENTRY(0x92, 3, trap_int92), END };
    static trap_info_t zero_first[] = { ENTRY(0x93, 3, 0), ENTRY(0x94, 3, trap_int94), END };
    static trap_info_t one_more[] = { ENTRY(0x95, 3 | 4, trap_nested), END };
    static trap_info_t int80[] = { ENTRY(0x80, 0, trap_int80), END };
    static trap_info_t long_table[201];

    kt_group("set_trap_table");
    kt_eq(set_trap_table(NULL), 0, "a null table clears the virtual IDT", "do_set_trap_table: null handle");
    kt_eq(set_trap_table(base_table), 0, "a table of 10 entries", "do_set_trap_table");
    kt_eq(set_trap_table((void *)UNMAPPED_VA), -XEN_EFAULT, "unmapped table", "copy_from_guest fails: -EFAULT");
    kt_eq(set_trap_table((void *)HYPERVISOR_VA), -XEN_EFAULT, "table in the hypervisor range", "-EFAULT");
    kt_eq(set_trap_table((void *)NON_CANONICAL_VA), -XEN_EFAULT, "non-canonical table pointer", "-EFAULT");
    kt_eq(set_trap_table(bad_middle), -XEN_EINVAL, "a non-canonical handler", "is_canonical_address: -EINVAL");
    TRIGGER("", "int $0x90", "");
    one_trap(0x90, "entries before the bad one stay installed", "entries copied one at a time");
    TRIGGER("", "int $0x92", "");
    check_frame(&trap_log[0], 13, 1, 0x92 << 3 | 2, trig_fault, 1, "entries after the bad one are not installed: #GP(0x492)");
    kt_eq(set_trap_table(zero_first), 0, "an entry with address 0 ends the table", "cur.address == 0 terminates");
    TRIGGER("", "int $0x94", "");
    one_trap(13, "the entry after the terminator is not installed", "terminates at address 0");
    kt_eq(set_trap_table(one_more), 0, "one more entry", "incremental update");
    TRIGGER("", "ud2", "");
    one_trap(6, "earlier entries survive an incremental update", "only named vectors change");
    for (unsigned int i = 0; i < 200; i++) {
        long_table[i] = (trap_info_t)ENTRY(0x96, 3, trap_int90);
    }
    kt_eq(set_trap_table(long_table), 0, "200 entries (preempted and continued)", "hypercall_create_continuation");
    TRIGGER("", "int $0x96", "");
    one_trap(0x90, "the continued table is installed", "continuation resumes at the next entry");
    TRIGGER("", "int $0x80", "");
    check_frame(&trap_log[0], 13, 1, 0x80 << 3 | 2, trig_fault, 1, "int $0x80 without a handler: #GP(0x402)");
    kt_eq(set_trap_table(int80), 0, "int $0x80 handler with DPL 0", "do_set_trap_table");
    TRIGGER("", "int $0x80", "");
    check_frame(&trap_log[0], 0x80, 0, 0, trig_resume, 1, "int $0x80 goes to its handler whatever its DPL");
}

static unsigned long events_mask_via_iret(int masked)
{
    unsigned long rax;

    __asm__ __volatile__("mov %%rsp, %%rdx\n\t"
                         "pushq $0xe02b\n\t"
                         "push %%rdx\n\t"
                         "pushfq\n\t"
                         "orq $0x200, (%%rsp)\n\t"
                         "test %1, %1\n\t"
                         "jz 2f\n\t"
                         "andq $~0x200, (%%rsp)\n"
                         "2:\n\t"
                         "pushq $0xe030\n\t"
                         "lea 1f(%%rip), %%rdx\n\t"
                         "push %%rdx\n\t"
                         "pushq $0\n\t"
                         "mov $7, %%eax\n\t"
                         "jmp hypercall_page + 23 * 32\n"
                         "1:"
                         : "=&a"(rax)
                         : "r"((unsigned long)masked)
                         : "rcx", "rdx", "r11", "memory", "cc");
    return rax;
}

void exception_tests(start_info_t *si)
{
    const struct trap_record *r = &trap_log[0];
    unsigned long *f = trap_log[0].frame;
    char what[64];

    kt_group("exceptions");
    fault_address = si->pt_base;
    TRIGGER("xor %%ebx, %%ebx", "div %%rbx", "");
    one_trap(0, "#DE reaches its handler", "pv_inject_hw_exception");
    kt_eq(r->frame_address, (trig_rsp & ~0xfUL) - 56, "#DE frame 16-byte aligned below RSP", "andq $~0xf,%rsi");
    kt_eq(f[0], 0x1111111111UL, "#DE frame slot 0 is RCX", "create_bounce_frame");
    kt_eq(f[1], 0x2222222222UL, "#DE frame slot 1 is R11", "create_bounce_frame");
    kt_eq(f[2], trig_fault, "#DE frame RIP is the faulting instruction", "faults report their own RIP");
    kt_eq(f[3], FLAT_KERNEL_CS_RPL0 | 1UL << 32, "#DE frame CS has RPL 0 and the saved mask (1 at boot)",
          "andb $0xfc; saved_upcall_mask in bits 32-39");
    kt_eq(f[4] & RFLAGS_IF, 0, "#DE frame RFLAGS.IF clear while events are masked", "EFLAGS.IF = !saved_upcall_mask");
    kt_eq(f[5], trig_rsp, "#DE frame RSP", "create_bounce_frame");
    kt_eq(f[6], 0xe02b, "#DE frame SS is FLAT_KERNEL_SS", "create_bounce_frame");
    TRIGGER("", "ud2", "");
    check_frame(r, 6, 0, 0, trig_fault, 1, "#UD (ud2)");
    TRIGGER("movabs $0x8000000000000000, %%rbx", "mov (%%rbx), %%rax", "");
    check_frame(r, 13, 1, 0, trig_fault, 1, "#GP(0) from a non-canonical read");
    TRIGGER("mov $0x1000, %%ebx", "mov (%%rbx), %%rax", "");
    check_frame(r, 14, 1, 0, trig_fault, 1, "#PF read of an unmapped page: error 0 (U cleared in kernel mode)");
    TRIGGER("mov $0x1000, %%ebx", "movq $1, (%%rbx)", "");
    check_frame(r, 14, 1, 2, trig_fault, 1, "#PF write of an unmapped page: error 2");
    TRIGGER("mov fault_address(%%rip), %%rbx", "movq $1, 8(%%rbx)", "");
    check_frame(r, 14, 1, 3, trig_fault, 1, "#PF write to a read-only page table: error 3");
    TRIGGER("", "int3", "");
    check_frame(r, 3, 0, 0, trig_resume, 1, "int3: #BP with RIP after it");
    TRIGGER("", "int $3", "");
    check_frame(r, 3, 0, 0, trig_resume, 1, "int $3: #BP through Xen's DPL-3 gate");
    TRIGGER("", "int $0x81", "");
    check_frame(r, 0x81, 0, 0, trig_resume, 1, "int $0x81 with DPL 1 from the kernel: delivered, no error code");
    TRIGGER("", "int $0x82", "");
    check_frame(r, 13, 1, 0x82 << 3 | 2, trig_fault, 1, "int $0x82 with DPL 0: #GP(0x412) at the int");
    TRIGGER("", "int $0x83", "");
    check_frame(r, 13, 1, 0x83 << 3 | 2, trig_fault, 1, "int $0x83 with no entry: #GP(0x41a)");
    TRIGGER("", ".byte 0xf1", "");
    check_frame(r, 1, 0, 0, trig_resume, 1, "icebp: #DB with RIP after it");
    HYPERVISOR_fpu_taskswitch(1);
    TRIGGER("", "fninit", "");
    check_frame(r, 7, 0, 0, trig_fault, 1, "#NM while CR0.TS is set");
    TRIGGER("", "fninit", "");
    kt_eq(trap_count, 0, "delivering #NM clears the virtual CR0.TS", "do_device_not_available: clts");
    TRIGGER("pushfq\n\torq $0x40401, (%%rsp)\n\tpopfq", "ud2", "pushfq\n\tandq $~0x40401, (%%rsp)\n\tpopfq\n\tcld");
    kt_eq(f[4] & (RFLAGS_AC | RFLAGS_DF | RFLAGS_CF), RFLAGS_AC | RFLAGS_DF | RFLAGS_CF,
          "the frame keeps the interrupted RFLAGS (AC, DF, CF)", "create_bounce_frame");
    kt_eq(r->handler_rflags & (RFLAGS_AC | RFLAGS_TF), 0, "the handler runs with AC and TF clear",
          "andl $~(AC|VM|RF|NT|TF)");
    TRIGGER("sub $8, %%rsp", "ud2", "add $8, %%rsp");
    check_frame(r, 6, 0, 0, trig_fault, 1, "a frame below an RSP that is 8 mod 16");
    kt_eq(events_mask_via_iret(0), 7, "iret with IF set returns the frame's RAX", "do_iret returns iret_saved.rax");
    TRIGGER("", "ud2", "");
    check_frame(r, 6, 0, 0, trig_fault, 0, "with events unmasked the frame has IF set and mask 0");
    TRIGGER("", "int $0x95", "");
    kt_eq(trap_count, 2, "a handler with the TI mask flag runs with events masked (nested int3 seen)", "TI_GET_IF");
    snprintf(what, sizeof(what), "nested #BP sees mask %lu", trap_log[0].frame[3] >> 32);
    kt_eq(trap_log[0].frame[3] >> 32, 1, what, "TBF_INTERRUPT sets the upcall mask");
    kt_eq(trap_log[1].frame[3] >> 32, 0, "the outer frame saved mask 0", "saved_upcall_mask");
    TRIGGER("", "ud2", "");
    kt_eq(f[3] >> 32, 0, "iret restores the mask from the frame's IF", "evtchn_upcall_mask = !IF");
    events_mask_via_iret(1);
    TRIGGER("", "ud2", "");
    kt_eq(f[3] >> 32, 1, "iret with IF clear masks events", "evtchn_upcall_mask = !IF");
}

/* Returns through the iret hypercall with the given frame; the results land in iret_*. */
static void iret_probe(unsigned long flags, unsigned long rflags, unsigned long cs, unsigned long ss, unsigned long rip)
{
    trap_count = 0;
    expect_rcx = 0x3333333333UL;
    expect_r11 = 0x4444444444UL;
    expect_cs = (cs | 3) & 0xfffc;
    expect_ss = ss | 3;
    __asm__ __volatile__("mov %%rsp, trig_rsp(%%rip)\n\t"
                         "lea 1f(%%rip), %%rax\n\t"
                         "mov %%rax, trap_resume(%%rip)\n\t"
                         "mov %%rax, trig_resume(%%rip)\n\t"
                         "test %[rip], %[rip]\n\t"
                         "jnz 2f\n\t"
                         "mov %%rax, %[rip]\n"
                         "2:\n\t"
                         "push %[ss]\n\t"
                         "pushq trig_rsp(%%rip)\n\t"
                         "push %[rflags]\n\t"
                         "push %[cs]\n\t"
                         "push %[rip]\n\t"
                         "push %[flags]\n\t"
                         "mov $0x3333333333, %%rcx\n\t"
                         "mov $0x4444444444, %%r11\n\t"
                         "mov $0x5555, %%eax\n\t"
                         "jmp hypercall_page + 23 * 32\n"
                         "1:\n\t"
                         "mov %%rax, iret_rax(%%rip)\n\t"
                         "mov %%rcx, iret_rcx(%%rip)\n\t"
                         "mov %%r11, iret_r11(%%rip)\n\t"
                         "mov %%rsp, iret_rsp(%%rip)\n\t"
                         "pushfq\n\t"
                         "popq iret_rflags(%%rip)"
                         : [rip] "+r"(rip)
                         : [ss] "r"(ss), [rflags] "r"(rflags), [cs] "r"(cs), [flags] "r"(flags)
                         : "rax", "rcx", "r11", "memory", "cc");
    trap_resume = 0;
}

void iret_tests(void)
{
    const struct trap_record *r = &trap_log[0];

    kt_group("iret");
    iret_probe(0, 0x201, 0xe030, 0xe02b, 0);
    kt_check(trap_count == 0 && iret_rax == 0x5555 && iret_rsp == trig_rsp, "returns to RIP and RSP with the frame's RAX",
             "do_iret", "wrong registers");
    kt_check(iret_rcx == 0x3333333333UL && iret_r11 == 0x4444444444UL, "RCX and R11 from the frame",
             "!(flags & VGCF_in_syscall)", "wrong RCX/R11");
    kt_eq(iret_rflags & (RFLAGS_CF | RFLAGS_IF), RFLAGS_CF | RFLAGS_IF, "RFLAGS from the frame, IF always set",
          "X86_EFLAGS_IF | X86_EFLAGS_MBS");
    iret_probe(1 << 8, 0x3201, 0xe030, 0xe02b, 0);
    kt_eq(iret_rcx, trig_resume, "VGCF_in_syscall: RCX is the return RIP", "sysretq path");
    kt_eq(iret_r11, iret_rflags, "VGCF_in_syscall: R11 is the new RFLAGS", "sysretq path");
    kt_eq(iret_rflags & RFLAGS_IOPL, 0, "IOPL in the frame is dropped", "~(X86_EFLAGS_IOPL | X86_EFLAGS_VM)");
    iret_probe(0, 0x202, 0xe008, 0xe02b, 0);
    check_frame(r, 13, 1, 0xe008, trig_resume, 0, "a Xen-private CS: #GP(0xe008) in the restored context");
    iret_probe(0, 0x202, 0, 0xe02b, 0);
    check_frame(r, 13, 1, 0, trig_resume, 0, "a null CS: #GP(0)");
    kt_eq(r->frame[4] & 0xffff, 0, "the #GP frame holds the CS that failed (RPL cleared)", "fault in IRET to guest");
    iret_probe(0, 0x202, 0xe030, 0, 0);
    check_frame(r, 13, 1, 0, trig_resume, 0, "a null SS: #GP(0)");
    iret_probe(0, 0x202, 0xe030, 0xe033, 0);
    check_frame(r, 13, 1, 0xe030, trig_resume, 0, "a code selector as SS: #GP(0xe030)");
    iret_probe(0, 0x202, 0xe030, 0xe02b, NON_CANONICAL_VA);
    check_frame(r, 13, 1, 0, NON_CANONICAL_VA, 0, "a non-canonical RIP: #GP(0) with that RIP in the frame");
    events_mask_via_iret(1);
}

void privileged_tests(void)
{
    const struct trap_record *r = &trap_log[0];

    kt_group("privileged instructions");
    TRIGGER("", "cli", "");
    check_frame(r, 13, 1, 0, trig_fault, 1, "cli with IOPL 0: #GP(0)");
    TRIGGER("", "sti", "");
    check_frame(r, 13, 1, 0, trig_fault, 1, "sti with IOPL 0: #GP(0)");
    TRIGGER("xor %%eax, %%eax", "outb %%al, $0x80", "");
    check_frame(r, 13, 1, 0, trig_fault, 1, "out with no I/O permission: #GP(0)");
    TRIGGER("", "inb $0x80, %%al", "");
    check_frame(r, 13, 1, 0, trig_fault, 1, "in with no I/O permission: #GP(0)");
    TRIGGER("", "lgdt (%%rsp)", "");
    check_frame(r, 13, 1, 0, trig_fault, 1, "lgdt: #GP(0)");
    TRIGGER("", "lidt (%%rsp)", "");
    check_frame(r, 13, 1, 0, trig_fault, 1, "lidt: #GP(0)");
    TRIGGER("mov $0x12345678, %%ecx", "rdmsr", "");
    check_frame(r, 13, 1, 0, trig_fault, 1, "rdmsr of an MSR Xen does not offer: #GP(0)");
    TRIGGER("mov $0x12345678, %%ecx\n\txor %%eax, %%eax\n\txor %%edx, %%edx", "wrmsr", "");
    check_frame(r, 13, 1, 0, trig_fault, 1, "wrmsr of an MSR Xen does not offer: #GP(0)");
}
