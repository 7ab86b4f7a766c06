/*
 * Exception entry points for pvtraps. Each records Xen's bounce frame
 * (RCX, R11, [error code,] RIP, CS, RFLAGS, RSP, SS) in trap_log, the
 * handler's own RFLAGS and the frame's address, then returns with the iret
 * hypercall: to trap_resume with the flat kernel CS and SS when it is set,
 * else to the frame's RIP. Every register is preserved (RCX and R11 come back
 * from the frame). A 64th exception without a test resetting the count is a
 * runaway fault loop: trap_runaway reports it and stops.
 */
#include <xen/xen.h>

#define RECORD_SIZE 96
#define RECORDS     8

.macro TRAP_ENTRY name, vec, ec
        .globl \name
\name:
        push  %rax
        push  %rbx
        pushfq
        mov   trap_count(%rip), %rax
        cmp   $RECORDS, %rax
        jae   2f
        imul  $RECORD_SIZE, %rax, %rax
        lea   trap_log(%rip), %rbx
        add   %rax, %rbx
        movq  $\vec, 0(%rbx)
        mov   0(%rsp), %rax
        mov   %rax, 8(%rbx)
        lea   24(%rsp), %rax
        mov   %rax, 16(%rbx)
        .irp  i, 0, 1, 2, 3, 4, 5, 6, 7
        mov   24+8*\i(%rsp), %rax
        mov   %rax, 24+8*\i(%rbx)
        .endr
2:      incq  trap_count(%rip)
        cmpq  $64, trap_count(%rip)
        jae   trap_runaway
        mov   trap_resume(%rip), %rax
        test  %rax, %rax
        jz    3f
        mov   %rax, 24+(2+\ec)*8(%rsp)
        movq  $0xe030, 24+(3+\ec)*8(%rsp)
        movq  $0xe02b, 24+(6+\ec)*8(%rsp)
3:      popfq
        pop   %rbx
        pop   %rax
        pop   %rcx
        pop   %r11
        .if \ec
        add   $8, %rsp
        .endif
        pushq $0
        jmp   hypercall_page + __HYPERVISOR_iret * 32
.endm

        .text
        TRAP_ENTRY trap_de, 0, 0
        TRAP_ENTRY trap_db, 1, 0
        TRAP_ENTRY trap_nmi, 2, 0
        TRAP_ENTRY trap_bp, 3, 0
        TRAP_ENTRY trap_of, 4, 0
        TRAP_ENTRY trap_ud, 6, 0
        TRAP_ENTRY trap_nm, 7, 0
        TRAP_ENTRY trap_np, 11, 1
        TRAP_ENTRY trap_ss, 12, 1
        TRAP_ENTRY trap_gp, 13, 1
        TRAP_ENTRY trap_pf, 14, 1
        TRAP_ENTRY trap_int80, 0x80, 0
        TRAP_ENTRY trap_int81, 0x81, 0
        TRAP_ENTRY trap_int90, 0x90, 0
        TRAP_ENTRY trap_int92, 0x92, 0
        TRAP_ENTRY trap_int94, 0x94, 0
        TRAP_ENTRY trap_int95, 0x95, 0

/* A handler entered with events masked (TI flag): int3 inside it records the mask it sees. */
        .globl trap_nested
trap_nested:
        push  %rax
        mov   trap_resume(%rip), %rax
        movq  $0, trap_resume(%rip)
        int3
        mov   %rax, trap_resume(%rip)
        pop   %rax
        jmp   trap_int95
