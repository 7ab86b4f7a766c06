/*
 * A native iretq/iretd in guest kernel mode (CPL 3): a same-privilege return
 * that runs as on hardware, with Xen's flat GDT selectors, and the faults the
 * hardware raises for a bad frame (SDM IRET, IA-32e-MODE-RETURN).
 */
#include "pvtraps.h"

#define RFLAGS_ZF 0x40UL
#define RFLAGS_SF 0x80UL
#define RFLAGS_OF 0x800UL
#define RFLAGS_ID 0x200000UL

volatile unsigned long iretq_rsp, iretq_rflags, iretq_saved_rsp, iretq_stack;

/* The end of the boot mapping: the first 4 MiB boundary 512 KiB past the bootstrap stack page after the page tables. */
static unsigned long boot_mapping_end(start_info_t *si)
{
    unsigned long stack_end = si->pt_base + (si->nr_pt_frames + 1) * 4096UL;

    return (stack_end + (512UL << 10) + (4UL << 20) - 1) & ~((4UL << 20) - 1);
}

/* Saves RSP in RBX, then pushes an iretq frame (SS, RSP, RFLAGS, CS, RIP); "rsp_value" is an operand for the RSP slot. */
#define IRETQ_FRAME(ss, rsp_value, rflags, cs, rip)                                            \
    "mov %%rsp, %%rbx\n\t"                                                                     \
    "mov %%rbx, iretq_saved_rsp(%%rip)\n\t"                                                    \
    "pushq $" ss "\n\t"                                                                        \
    rsp_value "\n\t"                                                                           \
    "pushq $" rflags "\n\t"                                                                    \
    "pushq $" cs "\n\t"                                                                        \
    rip
#define RESTORE_RSP "mov %%rbx, %%rsp"
#define RIP_LABEL1  "lea 1f(%%rip), %%rax\n\tpush %%rax"
#define RIP_NONCANONICAL "mov $0x8000000000000000, %%rax\n\tpush %%rax"

void native_iret_tests(start_info_t *si)
{
    const struct trap_record *r = &trap_log[0];
    unsigned long loaded = RFLAGS_CF | RFLAGS_ZF | RFLAGS_SF | RFLAGS_DF | RFLAGS_OF | RFLAGS_ID;

    kt_group("native iretq");
    TRIGGER(IRETQ_FRAME("0xe02b", "lea -128(%%rbx), %%rax\n\tpush %%rax", "0x203cc1", "0xe033", RIP_LABEL1), "iretq",
            "mov %%rsp, iretq_rsp(%%rip)\n\tpushfq\n\tpop %%rax\n\tmov %%rax, iretq_rflags(%%rip)\n\tcld\n\t"
            "push $0x202\n\tpopfq\n\t" RESTORE_RSP);
    kt_eq(trap_count, 0, "same-privilege iretq returns without a fault", "IRET: RETURN-TO-SAME-PRIVILEGE-LEVEL");
    kt_eq(iretq_rsp, iretq_saved_rsp - 128, "RSP comes from the frame", "64-bit mode pops SS:RSP");
    kt_eq(iretq_rflags, loaded | RFLAGS_IF | 2, "CF ZF SF DF OF ID loaded; IF and IOPL kept at CPL 3 > IOPL 0",
          "IF only if CPL <= IOPL, IOPL only at CPL 0");
    TRIGGER(IRETQ_FRAME("0xe02b", "push %%rbx", "0x3000", "0xe033", RIP_LABEL1), "iretq",
            "mov %%rsp, iretq_rsp(%%rip)\n\tpushfq\n\tpop %%rax\n\tmov %%rax, iretq_rflags(%%rip)\n\t" RESTORE_RSP);
    kt_eq(trap_count, 0, "iretq with IF clear and IOPL 3 in the frame", "no fault");
    kt_eq(iretq_rflags & (RFLAGS_IF | RFLAGS_IOPL), RFLAGS_IF, "IF stays set and IOPL stays 0", "CPL 3 > IOPL");
    kt_eq(iretq_rsp, iretq_saved_rsp, "RSP back where the frame was built", "RSP <- tempRSP");

    TRIGGER(IRETQ_FRAME("0xe02b", "push %%rbx", "0x202", "0xe033", RIP_NONCANONICAL), "iretq", RESTORE_RSP);
    check_frame(r, 13, 1, 0, trig_fault, 1, "non-canonical RIP: #GP(0) at the iretq");
    TRIGGER(IRETQ_FRAME("0xe02b", "push %%rbx", "0x202", "0xe030", RIP_LABEL1), "iretq", RESTORE_RSP);
    check_frame(r, 13, 1, 0xe030, trig_fault, 1, "CS RPL 0 (more privilege): #GP(0xe030)");
    TRIGGER(IRETQ_FRAME("0xe02b", "push %%rbx", "0x202", "0xe02b", RIP_LABEL1), "iretq", RESTORE_RSP);
    check_frame(r, 13, 1, 0xe028, trig_fault, 1, "CS is the flat data selector: #GP(0xe028)");
    TRIGGER(IRETQ_FRAME("0xe02b", "push %%rbx", "0x202", "0xe00b", RIP_LABEL1), "iretq", RESTORE_RSP);
    check_frame(r, 13, 1, 0xe008, trig_fault, 1, "CS is Xen's ring-0 code selector with RPL 3: #GP(0xe008)");
    TRIGGER(IRETQ_FRAME("0xe02b", "push %%rbx", "0x202", "0x4b", RIP_LABEL1), "iretq", RESTORE_RSP);
    check_frame(r, 13, 1, 0x48, trig_fault, 1, "CS names an empty GDT slot: #GP(0x48)");
    TRIGGER(IRETQ_FRAME("0xe02b", "push %%rbx", "0x202", "3", RIP_LABEL1), "iretq", RESTORE_RSP);
    check_frame(r, 13, 1, 0, trig_fault, 1, "null CS: #GP(0)");
    TRIGGER(IRETQ_FRAME("0", "push %%rbx", "0x202", "0xe033", RIP_LABEL1), "iretq", RESTORE_RSP);
    check_frame(r, 13, 1, 0, trig_fault, 1, "null SS returning to CPL 3 64-bit mode: #GP(0)");
    TRIGGER(IRETQ_FRAME("0xe033", "push %%rbx", "0x202", "0xe033", RIP_LABEL1), "iretq", RESTORE_RSP);
    check_frame(r, 13, 1, 0xe030, trig_fault, 1, "SS is a code selector: #GP(0xe030)");
    TRIGGER("mov %%rsp, %%rbx\n\tsub $20, %%rsp\n\tmovl $0x1000, (%%rsp)\n\tmovl $0xe030, 4(%%rsp)\n\t"
            "movl $0x202, 8(%%rsp)\n\tmovl $0x1000, 12(%%rsp)\n\tmovl $0xe02b, 16(%%rsp)", "iretl", RESTORE_RSP);
    check_frame(r, 13, 1, 0xe030, trig_fault, 1, "iretd reads 4-byte slots: CS RPL 0 is #GP(0xe030)");
    iretq_stack = boot_mapping_end(si) - 16;
    TRIGGER("mov %%rsp, %%rbx\n\tmov iretq_stack(%%rip), %%rsp", "iretq", RESTORE_RSP);
    check_frame(r, 14, 1, 0, trig_fault, 1, "frame running into an unmapped page: #PF (read, not present) at the iretq");
    TRIGGER("mov %%rsp, %%rbx\n\tpushfq\n\torq $0x4000, (%%rsp)\n\tpopfq\n\tpush %%rbx", "iretq",
            "pushq $0x202\n\tpopfq\n\t" RESTORE_RSP);
    check_frame(r, 13, 1, 0, trig_fault, 1, "RFLAGS.NT set: #GP(0) at the iretq (no task return in IA-32e mode)");

    /* Linux's iret-to-self (sync_core): a frame of the current SS, RSP, RFLAGS and CS. */
    TRIGGER("mov %%rsp, %%rbx\n\tmov %%rsp, %%rax\n\tmov %%ss, %%ecx\n\tpush %%rcx\n\tpush %%rax\n\tpushfq\n\t"
            "mov %%cs, %%ecx\n\tpush %%rcx\n\t" RIP_LABEL1, "iretq",
            "mov %%rsp, iretq_rsp(%%rip)\n\tmov %%rbx, iretq_saved_rsp(%%rip)");
    kt_eq(trap_count, 0, "iret-to-self returns without a fault", "Linux sync_core");
    kt_eq(iretq_rsp, iretq_saved_rsp, "iret-to-self restores RSP", "RSP <- tempRSP");
}
