/*
 * Guest kernel and user mode: stack_switch (the kernel stack of the next
 * user-to-kernel transition); usermode.c uses it for real.
 */
#include "pvtraps.h"

static long stack_switch(unsigned long ss, unsigned long sp)
{
    return _hypercall2(long, stack_switch, ss, sp);
}

void mode_tests(void)
{
    kt_group("stack_switch");
    kt_eq(stack_switch(0xe02b, NON_CANONICAL_VA), 0, "a non-canonical stack is accepted", "do_stack_switch checks nothing");
    kt_eq(stack_switch(0xe028, HYPERVISOR_VA), 0, "a hypervisor-range stack is accepted", "used only at the next transition");
    kt_eq(stack_switch(0x10, 0x123450), 0, "an RPL 0 stack selector", "fixup_guest_stack_selector");
}

/* "fatal=sysenter-kernel": sysenter in kernel mode builds its frame below RSP 0 (Xen's stub pushes RSP 0). */
void mode_fatal_sysenter(void)
{
    extern char trap_gp[];
    static trap_info_t gp_only[] = { { 13, 0, 0xe030, (unsigned long)trap_gp }, { 0, 0, 0, 0 } };

    _hypercall1(long, set_trap_table, gp_only);
    __asm__ __volatile__("sysenter" : : : "memory");
}
