/*
 * Debug support: set_debugreg/get_debugreg and mov to/from DRn with Xen's
 * validation (set_debugreg in misc-hypercalls.c, x86emul_read_dr), and the
 * #DB a PV kernel receives for single steps (RFLAGS.TF), instruction, data-write,
 * data-access and I/O breakpoints, with the DR6 bits and RF as the SDM gives
 * them and Xen merges them (x86_merge_dr6).
 */
#include "pvtraps.h"
#include <xen/physdev.h>

#define DR6_DEFAULT 0xffff0ff0UL
#define DR6_BS      0x4000UL
#define DR7_DEFAULT 0x400UL
#define RFLAGS_RF   0x10000UL
/* DR7 fields: enable Ln, R/W and LEN of breakpoint n. */
#define DR7_L(n)        (1UL << (2 * (n)))
#define DR7_G(n)        (2UL << (2 * (n)))
#define DR7_RW(n, rw)   ((unsigned long)(rw) << (16 + 4 * (n)))
#define DR7_LEN(n, len) ((unsigned long)(len) << (18 + 4 * (n)))
#define RW_EXEC 0
#define RW_WRITE 1
#define RW_IO 2
#define RW_ACCESS 3
#define LEN_1 0
#define LEN_4 3
#define LEN_8 2

extern char dbg_entry[];
extern char step_a[], step_b[], step_c[], step_d[], step_e[], bp_target[], bp_target2[], store_done[], load_done[];
extern char out_done[], msr_done[], push_done[];

/* What the #DB handler (below) recorded, and how it edits the frame's RFLAGS before returning. */
volatile unsigned long dbg_count;
volatile unsigned long dbg_rip[16];
volatile unsigned long dbg_flags_and = ~0UL, dbg_flags_or;
volatile unsigned long watched[4] __attribute__((aligned(16)));
volatile unsigned long dbg_scratch;

__asm__(".text\n"
        ".globl dbg_entry\n"
        "dbg_entry:\n\t"
        "push %rax\n\t"
        "push %rbx\n\t"
        "mov dbg_count(%rip), %rax\n\t"
        "cmp $16, %rax\n\t"
        "jae 1f\n\t"
        "lea dbg_rip(%rip), %rbx\n\t"
        "lea (%rbx,%rax,8), %rbx\n\t"
        "mov 16+16(%rsp), %rax\n\t"
        "mov %rax, (%rbx)\n"
        "1:\n\t"
        "incq dbg_count(%rip)\n\t"
        "mov 16+32(%rsp), %rax\n\t"
        "and dbg_flags_and(%rip), %rax\n\t"
        "or dbg_flags_or(%rip), %rax\n\t"
        "cmpq $32, dbg_count(%rip)\n\t"
        "jb 2f\n\t"
        "and $~0x100, %rax\n\t"            /* a runaway: stop stepping */
        "or $0x10000, %rax\n"
        "2:\n\t"
        "mov %rax, 16+32(%rsp)\n\t"
        "pop %rbx\n\t"
        "pop %rax\n\t"
        "pop %rcx\n\t"
        "pop %r11\n\t"
        "pushq $0\n\t"
        "jmp hypercall_page + 23 * 32\n");

static long set_dr(long reg, unsigned long value)
{
    return _hypercall2(long, set_debugreg, reg, value);
}

static long get_dr(long reg)
{
    return _hypercall1(long, get_debugreg, reg);
}

static void set_cr4(unsigned long v)
{
    __asm__ __volatile__("mov %0, %%cr4" : : "r"(v));
}

static void reset_db(unsigned long flags_and, unsigned long flags_or)
{
    dbg_count = 0;
    dbg_flags_and = flags_and;
    dbg_flags_or = flags_or;
    set_dr(6, 0);
}

static void validation_cases(void)
{
    kt_group("debug: set_debugreg/get_debugreg");
    kt_eq(set_dr(0, 0x1000), 0, "DR0 takes a user address", "breakpoint_addr_ok");
    kt_eq(get_dr(0), 0x1000, "DR0 reads back", "x86emul_read_dr: arch.dr[0]");
    kt_eq(set_dr(3, 0x00007fffffffffffUL), 0, "DR3 takes the last address below 2^47", "__addr_ok");
    kt_eq(set_dr(2, 0xffff880000000000UL), 0, "DR2 takes HYPERVISOR_VIRT_END", "__addr_ok: >= HYPERVISOR_VIRT_END");
    kt_eq(set_dr(1, HYPERVISOR_VA), -XEN_EPERM, "DR1 in the hypervisor's range", "!breakpoint_addr_ok: -EPERM");
    kt_eq(set_dr(0, 0x0000800000000000UL), -XEN_EPERM, "DR0 at 2^47", "!breakpoint_addr_ok: -EPERM");
    kt_eq(get_dr(0), 0x1000, "a refused write leaves DR0", "no write on error");
    kt_eq(set_dr(6, 1UL << 32), -XEN_EINVAL, "DR6 above 32 bits", "value != (uint32_t)value: -EINVAL");
    kt_eq(set_dr(6, 0), 0, "DR6 = 0", "set_debugreg(6)");
    kt_eq(get_dr(6), DR6_DEFAULT, "DR6 reserved bits read as Xen forces them", "x86_adj_dr6_rsvd");
    set_dr(6, 0x100f);
    kt_eq(get_dr(6), DR6_DEFAULT | 0xf, "DR6 bit 12 is forced to 0, B0-B3 kept", "X86_DR6_ZEROS");
    kt_eq(set_dr(7, 0), 0, "DR7 = 0", "set_debugreg(7)");
    kt_eq(get_dr(7), DR7_DEFAULT, "DR7 bit 10 reads as 1", "x86_adj_dr7_rsvd: X86_DR7_DEFAULT");
    set_dr(7, 0xd800);
    kt_eq(get_dr(7), DR7_DEFAULT, "DR7 bits 11, 12, 14, 15 are forced to 0", "X86_DR7_ZEROS, no RTM");
    kt_eq(set_dr(7, 0x2000), -XEN_EPERM, "DR7.GD", "DR_GENERAL_DETECT: -EPERM");
    kt_eq(set_dr(7, 1UL << 32), -XEN_EINVAL, "DR7 above 32 bits", "-EINVAL");
    kt_eq(set_dr(7, DR7_L(0) | DR7_RW(0, RW_IO)), -XEN_EPERM, "an I/O breakpoint without CR4.DE", "DR_IO && !X86_CR4_DE: -EPERM");
    kt_eq(set_dr(8, 0), -XEN_ENODEV, "set_debugreg(8)", "default: -ENODEV");
    kt_eq(set_dr(-1, 0), -XEN_ENODEV, "set_debugreg(-1)", "unsigned reg: -ENODEV");
    kt_eq(get_dr(8), -XEN_ENODEV, "get_debugreg(8)", "x86emul_read_dr fails: -ENODEV");
    kt_eq(get_dr(-1), -XEN_ENODEV, "get_debugreg(-1)", "-ENODEV");
    kt_eq(set_dr(4, 0), 0, "DR4 aliases DR6 while CR4.DE is clear", "case 4: fallthrough to 6");
    kt_eq(get_dr(4), get_dr(6), "DR4 reads DR6", "x86emul_read_dr case 4");
    kt_eq(get_dr(5), get_dr(7), "DR5 reads DR7", "x86emul_read_dr case 5");
    set_cr4(0x8);
    kt_eq(set_dr(4, 0), -XEN_ENODEV, "DR4 with CR4.DE", "-ENODEV");
    kt_eq(get_dr(5), -XEN_ENODEV, "DR5 with CR4.DE", "ud_fault: -ENODEV");
    TRIGGER("", ".byte 0x0f, 0x21, 0xe0 /* mov %%dr4, %%rax */", "");
    check_frame(&trap_log[0], 6, 0, 0, trig_fault, 1, "mov from DR4 with CR4.DE: #UD");
    kt_eq(set_dr(7, DR7_L(2) | DR7_RW(2, RW_IO)), 0, "an I/O breakpoint with CR4.DE", "dr7_emul");
    kt_eq(get_dr(7), DR7_DEFAULT | DR7_L(2) | DR7_RW(2, RW_IO), "DR7 reads back with the emulated enables",
          "arch.dr7 | pv.dr7_emul");
    set_dr(7, 0);
    set_cr4(0);

    kt_group("debug: mov DRn");
    unsigned long v = 0;
    __asm__ __volatile__("mov %1, %%dr1\n\tmov %%dr1, %0" : "=r"(v) : "r"(0x2000UL));
    kt_eq(v, 0x2000, "mov to DR1 and back", "x86emul_write_dr / x86emul_read_dr");
    __asm__ __volatile__("mov %%dr7, %0" : "=r"(v));
    kt_eq(v, DR7_DEFAULT, "mov from DR7", "x86emul_read_dr");
    dbg_scratch = 0x2000;
    TRIGGER("mov dbg_scratch(%%rip), %%rax", "mov %%rax, %%dr7", "");
    check_frame(&trap_log[0], 13, 1, 0, trig_fault, 1, "mov to DR7 with GD: #GP(0)");
    dbg_scratch = HYPERVISOR_VA;
    TRIGGER("mov dbg_scratch(%%rip), %%rax", "mov %%rax, %%dr0", "");
    check_frame(&trap_log[0], 13, 1, 0, trig_fault, 1, "mov to DR0 of a hypervisor address: #GP(0)");
    set_dr(1, 0);
}

static void single_step_cases(void)
{
    static trap_info_t db[] = { { 1, 0, 0xe030, (unsigned long)dbg_entry }, { 0, 0, 0, 0 } };

    _hypercall1(long, set_trap_table, db);
    kt_group("debug: single step");
    reset_db(~0x100UL, 0);
    __asm__ __volatile__("pushfq\n\torq $0x100, (%%rsp)\n\tpopfq\n"
                         "step_a: nop\n"
                         "step_b: nop\n" : : : "memory", "cc");
    kt_eq(dbg_count, 1, "POPF setting TF traps after the next instruction, once the handler clears TF", "single-step trap");
    kt_eq(dbg_rip[0], (unsigned long)step_b, "the #DB frame's RIP is after that instruction", "trap: RIP of the next instruction");
    kt_eq(get_dr(6) & (DR6_BS | 0xf), DR6_BS, "DR6.BS reports the step", "x86_merge_dr6(X86_DR6_BS)");
    reset_db(~0UL, 0);
    __asm__ __volatile__("pushfq\n\tpushfq\n\torq $0x100, (%%rsp)\n\tpopfq\n"
                         "nop\n"
                         "step_c: add $1, %%rax\n"
                         "step_d: popfq\n"
                         "step_e: nop\n" : : : "rax", "memory", "cc");
    kt_eq(dbg_count, 3, "each instruction with TF set at its start traps, the POPF that clears it too", "TF at instruction start");
    kt_check(dbg_rip[0] == (unsigned long)step_c && dbg_rip[1] == (unsigned long)step_d && dbg_rip[2] == (unsigned long)step_e,
             "the steps report consecutive instructions", "single-step RIPs", "");
    reset_db(~0x100UL, 0);
    __asm__ __volatile__("pushfq\n\torq $0x100, (%%rsp)\n\tpopfq\n"
                         "mov $0x1b, %%ecx\n"
                         "rdmsr\n"
                         "msr_done: nop\n" : : : "rax", "rcx", "rdx", "memory", "cc");
    kt_eq(dbg_rip[0], (unsigned long)msr_done - 2, "a step over MOV lands on the emulated RDMSR", "single step");
    reset_db(~0UL, 0);
    __asm__ __volatile__("mov $0x1b, %%ecx\n\t"
                         "pushfq\n\tpushfq\n\torq $0x100, (%%rsp)\n\tpopfq\n\t"
                         "rdmsr\n\t"
                         "popfq\n" : : : "rax", "rcx", "rdx", "memory", "cc");
    kt_eq(dbg_count, 2, "an emulated RDMSR with TF set reports its own step", "pv_emulate_privileged_op: retire.singlestep");
    kt_eq(get_dr(6) & DR6_BS, DR6_BS, "DR6.BS after the emulated step", "ctxt.bpmatch |= DR_STEP");
    reset_db(~0x100UL, 0);
    unsigned long leaf = 0, subleaf = 0;
    __asm__ __volatile__("pushfq\n\torq $0x100, (%%rsp)\n\tpopfq\n\t"
                         "ud2; .ascii \"xen\"; cpuid\n\t"
                         "nop\n" : "+a"(leaf), "+c"(subleaf) : : "rbx", "rdx", "memory", "cc");
    kt_eq(dbg_count, 1, "a forced-emulation CPUID with TF set reports one step", "pv_emul_instruction_done: X86_DR6_BS");
}

static void breakpoint_cases(void)
{
    kt_group("debug: instruction breakpoints");
    reset_db(~0UL, RFLAGS_RF);
    set_dr(0, (unsigned long)bp_target);
    set_dr(7, DR7_L(0));
    __asm__ __volatile__("nop\n"
                         "bp_target: nop\n\tnop\n" : : : "memory");
    set_dr(7, 0);
    kt_eq(dbg_count, 1, "an enabled instruction breakpoint faults once; RF in the frame lets it run",
          "instruction breakpoint fault, RF");
    kt_eq(dbg_rip[0], (unsigned long)bp_target, "the #DB frame's RIP is the instruction itself", "fault-class #DB");
    kt_eq(get_dr(6) & (0xf | DR6_BS), 1, "DR6.B0 reports breakpoint 0", "x86_merge_dr6: B bits replaced");
    reset_db(~0UL, RFLAGS_RF);
    set_dr(0, (unsigned long)bp_target2);
    set_dr(7, DR7_RW(0, RW_EXEC) | DR7_LEN(0, LEN_1));
    __asm__ __volatile__("call bp_target2\n\tjmp 1f\n"
                         "bp_target2: ret\n"
                         "1:\n" : : : "memory");
    kt_eq(dbg_count, 0, "a disabled breakpoint never fires", "DR7 L0/G0 clear");
    reset_db(~0UL, RFLAGS_RF);
    set_dr(1, (unsigned long)bp_target2);
    set_dr(7, DR7_G(1));
    __asm__ __volatile__("call bp_target2" : : : "memory");
    set_dr(7, 0);
    kt_eq(dbg_count, 1, "G1 enables breakpoint 1 as L1 would", "DR7 global enable");
    kt_eq(get_dr(6) & 0xf, 2, "DR6.B1 reports breakpoint 1", "B1");

    kt_group("debug: data breakpoints");
    reset_db(~0UL, 0);
    set_dr(1, (unsigned long)&watched[0]);
    set_dr(7, DR7_L(1) | DR7_RW(1, RW_WRITE) | DR7_LEN(1, LEN_4));
    __asm__ __volatile__("movl $1, watched(%%rip)\n"
                         "store_done: nop\n" : : : "memory");
    kt_eq(dbg_count, 1, "a write to a watched doubleword traps", "data breakpoint, R/W 01");
    kt_eq(dbg_rip[0], (unsigned long)store_done, "the trap's RIP follows the store", "trap-class #DB");
    kt_eq(get_dr(6) & 0xf, 2, "DR6.B1 reports it", "B1");
    reset_db(~0UL, 0);
    __asm__ __volatile__("mov watched(%%rip), %%rax" : : : "rax", "memory");
    kt_eq(dbg_count, 0, "a read does not hit a write breakpoint", "R/W 01 is writes only");
    reset_db(~0UL, 0);
    __asm__ __volatile__("movl $1, watched+4(%%rip)" : : : "memory");
    kt_eq(dbg_count, 0, "a write beyond the 4-byte range does not hit", "LEN 11: 4 bytes");
    set_dr(7, DR7_L(1) | DR7_RW(1, RW_ACCESS) | DR7_LEN(1, LEN_8));
    reset_db(~0UL, 0);
    __asm__ __volatile__("mov watched+4(%%rip), %%eax\n"
                         "load_done: nop\n" : : : "rax", "memory");
    kt_eq(dbg_count, 1, "a read inside an 8-byte read/write breakpoint traps", "R/W 11, LEN 10: 8 bytes");
    kt_eq(dbg_rip[0], (unsigned long)load_done, "its RIP follows the load", "trap-class #DB");
    set_dr(1, (unsigned long)&watched[0] + 3);
    set_dr(7, DR7_L(1) | DR7_RW(1, RW_WRITE) | DR7_LEN(1, LEN_4));
    reset_db(~0UL, 0);
    __asm__ __volatile__("movb $1, watched(%%rip)" : : : "memory");
    kt_eq(dbg_count, 1, "the breakpoint address is aligned down to its length", "address & ~(len - 1)");
    set_dr(2, (unsigned long)&dbg_scratch);
    set_dr(7, DR7_L(2) | DR7_RW(2, RW_WRITE) | DR7_LEN(2, LEN_8));
    dbg_count = 0;
    __asm__ __volatile__("lock incq dbg_scratch(%%rip)" : : : "memory");
    kt_eq(dbg_count, 1, "a LOCK read-modify-write hits a write breakpoint", "data breakpoint on a locked access");
    kt_eq(get_dr(6) & 0xf, 4, "DR6.B2, and B1 cleared by the newer #DB", "x86_merge_dr6: B0-B3 replaced");
    unsigned long slot = 0;
    __asm__ __volatile__("lea -8(%%rsp), %0" : "=r"(slot));
    dbg_flags_and = ~0UL;
    dbg_flags_or = 0;
    set_dr(3, slot);
    set_dr(7, DR7_L(3) | DR7_RW(3, RW_WRITE) | DR7_LEN(3, LEN_8));
    unsigned long hits;
    __asm__ __volatile__("movq $0, dbg_count(%%rip)\n\t"
                         "push %%rax\n"
                         "push_done: pop %%rax\n\t"
                         "mov dbg_count(%%rip), %0\n" : "=r"(hits) : : "rax", "memory");
    set_dr(7, 0);
    kt_eq(hits, 1, "a PUSH onto a watched stack slot traps", "implicit stack write");
    kt_eq(dbg_rip[0], (unsigned long)push_done, "after the PUSH", "trap-class #DB");

    kt_group("debug: I/O breakpoints");
    set_cr4(0x8);
    struct physdev_set_iopl iopl = { .iopl = 1 };
    _hypercall2(long, physdev_op, PHYSDEVOP_set_iopl, &iopl);
    set_dr(2, 0x80);
    set_dr(7, DR7_L(2) | DR7_RW(2, RW_IO));
    reset_db(~0UL, 0);
    __asm__ __volatile__("outb %%al, $0x80\n"
                         "out_done: nop\n" : : "a"(0) : "memory");
    kt_eq(dbg_count, 1, "OUT to a watched port traps after the instruction", "check_guest_io_breakpoint");
    kt_eq(dbg_rip[0], (unsigned long)out_done, "its RIP follows the OUT", "pv_inject_DB(bpmatch)");
    kt_eq(get_dr(6) & 0xf, 4, "DR6.B2 names the I/O breakpoint", "bpmatch");
    reset_db(~0UL, 0);
    __asm__ __volatile__("inb $0x81, %%al" : : : "rax", "memory");
    kt_eq(dbg_count, 0, "another port does not hit", "start < port + len && start + width > port");
    reset_db(~0UL, 0);
    __asm__ __volatile__("inw $0x7f, %%ax" : : : "rax", "memory");
    kt_eq(dbg_count, 1, "a word at 0x7f covers 0x80", "port range overlap");
    set_cr4(0);
    reset_db(~0UL, 0);
    __asm__ __volatile__("outb %%al, $0x80" : : "a"(0) : "memory");
    kt_eq(dbg_count, 0, "with CR4.DE clear I/O breakpoints are ignored", "!(ctrlreg[4] & X86_CR4_DE)");
    set_dr(7, 0);
    iopl.iopl = 0;
    _hypercall2(long, physdev_op, PHYSDEVOP_set_iopl, &iopl);
}

void debug_tests(void)
{
    static trap_info_t restore[] = { { 1, 0, 0xe030, 0 }, { 0, 0, 0, 0 } };
    extern char trap_db[];

    validation_cases();
    single_step_cases();
    breakpoint_cases();
    set_dr(6, 0);
    restore[0].address = (unsigned long)trap_db;
    _hypercall1(long, set_trap_table, restore);
}
