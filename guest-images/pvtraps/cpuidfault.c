/*
 * CPUID faulting from guest user mode (MSR_MISC_FEATURES_ENABLES bit 0): with
 * it on, CPUID in user mode is #GP(0), native CPUID at the instruction and the
 * forced-emulation form after its prefix (emul-inv-op.c); the kernel's own
 * CPUID keeps being answered. The user program is cpuidfault_user.S.
 */
#include "pvtraps.h"

#define MSR_MISC_FEATURES_ENABLES 0x140U

struct um_record {
    unsigned long vector, error_code, rip, cs, rflags, rsp, ss, frame_address;
};

extern char um_user_stack[], um_trap_gp[], um_trap_ud[], um_trap_exit[];
extern char trap_bp[], trap_ud[], trap_gp[], trap_pf[], trap_int80[];
extern char cf_user_main[], cf_native_cpuid[], cf_forced_cpuid[];
extern unsigned long um_log_count, cf_ebx[2];
extern struct um_record um_log[12];

static void run_cpuid_program(void)
{
    static trap_info_t traps[] = {
        { 6, 0, 0xe030, (unsigned long)um_trap_ud }, { 13, 0, 0xe030, (unsigned long)um_trap_gp },
        { 0x83, 3, 0xe030, (unsigned long)um_trap_exit }, { 0, 0, 0, 0 },
    };
    static trap_info_t restore[] = {
        { 3, 3, 0xe030, (unsigned long)trap_bp }, { 6, 0, 0xe030, (unsigned long)trap_ud },
        { 13, 0, 0xe030, (unsigned long)trap_gp }, { 14, 0, 0xe030, (unsigned long)trap_pf },
        { 0x80, 0, 0xe030, (unsigned long)trap_int80 }, { 0, 0, 0, 0 },
    };

    _hypercall1(long, set_trap_table, traps);
    um_log_count = 0;
    cf_ebx[0] = cf_ebx[1] = 0;
    sdk_user_enter(cf_user_main, (unsigned long)um_user_stack + 4096, 0);
    _hypercall1(long, set_trap_table, restore);
}

static unsigned int kernel_cpuid_ebx(void)
{
    unsigned int eax = 0, ebx, ecx = 0, edx;

    __asm__ __volatile__("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
    return ebx;
}

void cpuid_faulting_user_tests(void)
{
    unsigned long vendor = kernel_cpuid_ebx();

    kt_group("CPUID faulting from user mode");
    run_cpuid_program();
    kt_eq(um_log_count, 0, "faulting off: both CPUIDs in user mode run", "no #GP");
    kt_eq(cf_ebx[0], vendor, "native CPUID in user mode answers leaf 0", "the domain's policy");
    kt_eq(cf_ebx[1], vendor, "forced-emulation CPUID in user mode answers leaf 0", "pv_emul_cpuid");

    wrmsr(MSR_MISC_FEATURES_ENABLES, 1);
    kt_eq(rdmsr(MSR_MISC_FEATURES_ENABLES), 1, "CPUID faulting on", "misc_features_enables.cpuid_faulting");
    kt_eq(kernel_cpuid_ebx(), vendor, "the kernel's own CPUID still answers", "faulting applies to guest user mode");
    run_cpuid_program();
    kt_eq(um_log_count, 2, "faulting on: both CPUIDs in user mode fault", "#GP(0) in place of CPUID");
    kt_eq(um_log[0].vector == 13 && um_log[0].error_code == 0 && um_log[0].rip == (unsigned long)cf_native_cpuid, 1,
          "native CPUID: #GP(0) at the instruction", "x86emul_cpuid: cpuid_faulting && !guest_kernel_mode");
    kt_eq(um_log[1].vector == 13 && um_log[1].error_code == 0 && um_log[1].rip == (unsigned long)cf_forced_cpuid + 5, 1,
          "forced-emulation CPUID: #GP(0) after the prefix", "emul-inv-op.c: regs->rip = eip");
    kt_eq(um_log[0].cs & 3, 3, "the #GP came from user mode", "RPL 3");
    kt_eq(cf_ebx[0] | cf_ebx[1], 0, "neither CPUID wrote EBX", "the faulting CPUID does not execute");
    wrmsr(MSR_MISC_FEATURES_ENABLES, 0);
    run_cpuid_program();
    kt_eq(um_log_count, 0, "faulting off again: user CPUID runs", "the bit is the vCPU's state");
}
