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

        .section .note.GNU-stack, "", @progbits
