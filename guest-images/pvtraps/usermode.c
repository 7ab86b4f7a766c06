/*
 * Guest user mode: the kernel registers a syscall callback and a kernel stack
 * (stack_switch), gives user mode its own GS base and page tables
 * (MMUEXT_NEW_USER_BASEPTR), and irets into a user program (userprog.S) that
 * makes system calls, raises exceptions the kernel handles and returns from
 * with iret, and exits with a system call. Checks Xen's bounce frames from
 * user mode (kernel stack, CS with RPL 3), the GS base swap, SYSRET-style
 * returns (VGCF_in_syscall), CALLBACKF_mask_events and the gate rules for
 * int n from user mode.
 */
#include "pvtraps.h"

struct um_record {
    unsigned long vector, error_code, rip, cs, rflags, rsp, ss, frame_address;
};

extern char um_kernel_stack[], um_user_stack[];
extern unsigned long um_log_count, um_sys_frame[7], um_sys_frame_addr, um_sys_kernel_gs, um_sys_rflags, um_results[8];
extern struct um_record um_log[12];
extern char um_user_main[], um_after_syscall[], um_syscall_entry[];
extern char um_trap_bp[], um_trap_ud[], um_trap_gp[], um_trap_pf[], um_trap_int80[], um_trap_int82[], um_trap_exit[];
extern char um_user_no_callback[], um_no_callback_syscall[];
extern char trap_bp[], trap_ud[], trap_gp[], trap_pf[], trap_int80[];

static unsigned long user_gs_area[2] = { 0x5553455247530000UL, 0 };
static unsigned long kernel_gs_area[2] = { 0x4b45524e454c0000UL, 0 };

#define KSTACK_TOP ((unsigned long)um_kernel_stack + 8192)
#define USTACK_TOP ((unsigned long)um_user_stack + 4096)

static long callback_register(unsigned int type, unsigned int flags, unsigned long address)
{
    callback_register_t reg = { .type = type, .flags = flags, .address = address };

    return _hypercall2(long, callback_op, CALLBACKOP_register, &reg);
}

/* One user-mode exception as the kernel recorded it, against Xen's frame from user mode. */
static void check_user_trap(unsigned int n, unsigned long vector, unsigned long ec, const char *what, const char *rule)
{
    const struct um_record *r = &um_log[n];
    unsigned long slots = ec != ~0UL ? 8 : 7;
    int ok = n < um_log_count && r->vector == vector && (ec == ~0UL || r->error_code == ec) && r->cs == (0xe033UL)
             && r->rsp == USTACK_TOP && r->ss == 0xe02b && r->frame_address == (KSTACK_TOP & ~0xfUL) - slots * 8;
    char detail[120];

    snprintf(detail, sizeof(detail), "vector %lu ec %#lx cs %#lx rsp %#lx ss %#lx at %#lx", r->vector, r->error_code, r->cs,
             r->rsp, r->ss, r->frame_address);
    kt_check(ok, what, rule, detail);
}

/*
 * Runs the user program once; "masked" registers the syscall callback with CALLBACKF_mask_events,
 * and a negative "masked" registers none and runs the program that only tries one syscall.
 */
static void run_user_program(int masked)
{
    static trap_info_t user_traps[] = {
        { 3, 3, 0xe030, (unsigned long)um_trap_bp }, { 6, 0, 0xe030, (unsigned long)um_trap_ud },
        { 13, 0, 0xe030, (unsigned long)um_trap_gp }, { 14, 0, 0xe030, (unsigned long)um_trap_pf },
        { 0x80, 0, 0xe030, (unsigned long)um_trap_int80 }, { 0x81, 1, 0xe030, (unsigned long)um_trap_int80 },
        { 0x82, 3, 0xe030, (unsigned long)um_trap_int82 }, { 0x83, 3, 0xe030, (unsigned long)um_trap_exit }, { 0, 0, 0, 0 },
    };

    _hypercall1(long, set_trap_table, user_traps);
    callback_register(CALLBACKTYPE_syscall, masked > 0 ? CALLBACKF_mask_events : 0, masked < 0 ? 0 : (unsigned long)um_syscall_entry);
    _hypercall2(long, stack_switch, 0xe028, KSTACK_TOP);
    um_log_count = 0;
    sdk_user_enter(masked < 0 ? um_user_no_callback : um_user_main, USTACK_TOP, 0);
}

/* MMUEXT_NEW_USER_BASEPTR with the kernel's own L4: user mode sees the same address space. */
static long set_user_page_tables(start_info_t *si)
{
    mmuext_op_t op = { .cmd = MMUEXT_NEW_USER_BASEPTR, .arg1.mfn = pfn_to_mfn(virt_to_pfn((void *)si->pt_base)) };

    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

/* The upcall mask now, as the saved mask in an int3 frame shows it. */
static unsigned long current_upcall_mask(void)
{
    TRIGGER("", "int3", "");
    return trap_log[0].frame[3] >> 32;
}

void user_mode_tests(start_info_t *si)
{
    static trap_info_t restore[] = {
        { 3, 3, 0xe030, (unsigned long)trap_bp }, { 6, 0, 0xe030, (unsigned long)trap_ud },
        { 13, 0, 0xe030, (unsigned long)trap_gp }, { 14, 0, 0xe030, (unsigned long)trap_pf },
        { 0x80, 0, 0xe030, (unsigned long)trap_int80 }, { 0, 0, 0, 0 },
    };
    long rc = set_user_page_tables(si);

    kt_group("user mode");
    kt_eq(rc, 0, "MMUEXT_NEW_USER_BASEPTR with the kernel's L4", "user mode needs guest_table_user");
    wrmsr(MSR_GS_BASE, (unsigned long)kernel_gs_area);
    wrmsr(MSR_SHADOW_GS_BASE, (unsigned long)user_gs_area);

    run_user_program(0);
    _hypercall1(long, set_trap_table, restore);
    kt_eq(current_upcall_mask(), 0, "a syscall callback without CALLBACKF_mask_events leaves events unmasked",
          "TBF_INTERRUPT only with VGCF_syscall_disables_events");

    run_user_program(-1);
    kt_eq(um_log_count, 1, "syscall from user mode without a callback", "syscall_no_callback");
    check_user_trap(0, 6, ~0UL, "it raises #UD on the kernel stack", "TB_eip == 0 => #UD");
    kt_eq(um_log[0].rip, (unsigned long)um_no_callback_syscall, "the #UD's RIP is the syscall instruction",
          "subq $2, UREGS_rip");
    kt_eq(um_log[0].rflags & RFLAGS_DF, RFLAGS_DF, "its frame's RFLAGS are the syscall's (DF set)", "UREGS_eflags = R11");

    run_user_program(1);
    _hypercall1(long, set_trap_table, restore);
    kt_eq(current_upcall_mask(), 1, "a syscall callback with CALLBACKF_mask_events masks events",
          "VGCF_syscall_disables_events");
    kt_eq(um_results[0], 0x1234, "syscall from user mode reaches the kernel's callback and returns its RAX",
          "switch_to_kernel; do_iret returns iret_saved.rax");
    kt_eq(um_results[1], 42, "a second syscall with arguments in RDI and RSI", "registers pass through");
    kt_eq(um_results[2], (unsigned long)um_after_syscall, "RCX after the return is the return RIP", "VGCF_in_syscall: SYSRET");
    kt_eq(um_results[5] & 0x200, 0x200, "R11 after the return holds RFLAGS with IF", "SYSRET: R11 = RFLAGS");
    kt_eq(um_results[4], user_gs_area[0], "user mode runs with the user GS base", "toggle_guest_mode: swapgs");
    kt_eq(um_sys_kernel_gs, kernel_gs_area[0], "the syscall callback runs with the kernel GS base", "gs_base_kernel");
    kt_eq(um_sys_frame_addr, (KSTACK_TOP & ~0xfUL) - 7 * 8, "the syscall frame is on the stack_switch stack",
          "create_bounce_frame: VCPU_kernel_sp");
    kt_eq(um_sys_frame[0], um_sys_frame[2], "syscall frame RCX slot holds the return RIP", "RCX = SYSCALL's RIP");
    kt_eq(um_sys_frame[3] & 0xffff, 0xe033, "syscall frame CS is FLAT_KERNEL_CS64 with RPL 3", "lstar_enter pushes FLAT_KERNEL_CS64");
    kt_eq(um_sys_frame[3] >> 32, 0, "syscall frame saved mask is user mode's (0)", "saved_upcall_mask");
    kt_eq(um_sys_frame[4] & 0x200, 0x200, "syscall frame RFLAGS has IF (events were unmasked)", "EFLAGS.IF = !mask");
    kt_eq(um_sys_frame[5], USTACK_TOP, "syscall frame RSP is the user stack", "UREGS_rsp");
    kt_eq(um_sys_frame[6], 0xe02b, "syscall frame SS is FLAT_KERNEL_SS", "lstar_enter");
    kt_eq(um_sys_rflags & RFLAGS_DF, 0, "the callback runs with DF clear", "switch_to_kernel clears DF");
    kt_eq(rdmsr(MSR_GS_BASE), (unsigned long)kernel_gs_area, "back in the kernel: GS base is the kernel's", "toggle_guest_mode");
    kt_eq(rdmsr(MSR_SHADOW_GS_BASE), (unsigned long)user_gs_area, "the user GS base is kept for the next return",
          "gs_base_user");
    kt_eq(um_log_count, 8, "eight exceptions in user mode, each handled and returned from", "create_bounce_frame from user mode");
    check_user_trap(0, 6, ~0UL, "ud2 in user mode: #UD on the kernel stack, CS RPL 3", "toggle_guest_mode, kernel_sp");
    check_user_trap(1, 14, 4, "read of an unmapped page in user mode: #PF with the U bit", "error code U = !guest_kernel_mode");
    check_user_trap(2, 13, 0, "rdmsr in user mode: #GP(0), not emulated", "emulation needs guest kernel mode");
    check_user_trap(3, 3, ~0UL, "int3 in user mode: #BP", "DPL 3 gate");
    check_user_trap(4, 0x80, ~0UL, "int $0x80 in user mode: direct trap", "entry_int80");
    check_user_trap(5, 13, 0x81 << 3 | 2, "int $0x81 with trap DPL 1 from user mode: #GP(0x40a)", "permit_softint: DPL < 3");
    check_user_trap(6, 0x82, ~0UL, "int $0x82 with trap DPL 3 from user mode", "delivered");
    check_user_trap(7, 13, 0, "hlt in user mode: #GP(0)", "privileged");
    wrmsr(MSR_GS_BASE, 0);
    wrmsr(MSR_SHADOW_GS_BASE, 0);
    printf("# kernel_ss=%#lx\n", 0xe02bUL);
    printf("# kernel_sp=%#lx\n", KSTACK_TOP);
}

/* "fatal=user-stack-<hypervisor|noncanonical>": the first syscall from user mode finds a bad stack_switch stack. */
void user_mode_fatal_stack(start_info_t *si, unsigned long kernel_sp)
{
    set_user_page_tables(si);
    callback_register(CALLBACKTYPE_syscall, 0, (unsigned long)um_syscall_entry);
    _hypercall2(long, stack_switch, 0xe02b, kernel_sp);
    sdk_user_enter(um_user_main, USTACK_TOP, 0);
}
