/*
 * Where a secondary vCPU of the SMP guest starts: RDI = its id, RSP = the
 * top of its stack, both from its vcpu_guest_context.
 */
#include <xen/xen.h>

        .text
        .globl smp_secondary_entry
smp_secondary_entry:
        cld
        xorl  %ebp, %ebp
        call  smp_secondary_main
1:      jmp   1b

/*
 * The NMI callback vCPU 1 registers: counts the NMI and returns with the
 * iret hypercall (RCX and R11 come back from Xen's bounce frame).
 */
        .globl smp_nmi_entry
smp_nmi_entry:
        lock incq smp_nmi_hits(%rip)
        pop   %rcx
        pop   %r11
        pushq $0
        jmp   hypercall_page + __HYPERVISOR_iret * 32

        .section .note.GNU-stack, "", @progbits
