/*
 * procs: the kernel's entries from user mode. Both build one frame of the
 * user's registers (struct user_regs in procs.c) on the stack_switch stack,
 * call trap_dispatch(regs, vector, error_code), which may replace the whole
 * frame with another process's, and return to user mode with the iret
 * hypercall (flags 0: every register, RCX and R11 included, comes back).
 */
#include <xen/xen.h>

    .text
/* The syscall callback: Xen's frame RCX, R11, RIP, CS, RFLAGS, RSP, SS. */
    .globl procs_syscall_entry
procs_syscall_entry:
    push %rax
    push %rbx
    push %rdx
    push %rsi
    push %rdi
    push %rbp
    push %r8
    push %r9
    push %r10
    push %r12
    push %r13
    push %r14
    push %r15
    mov  %rsp, %rdi
    xor  %esi, %esi
    xor  %edx, %edx
    call trap_dispatch
    jmp  procs_return

/* #PF: Xen's frame RCX, R11, error code, RIP, ...; the error code is taken out to match the syscall frame. */
    .globl procs_pf_entry
procs_pf_entry:
    push %rax
    mov  24(%rsp), %rax
    mov  %rax, procs_error_code(%rip)
    mov  16(%rsp), %rax
    mov  %rax, 24(%rsp)
    mov  8(%rsp), %rax
    mov  %rax, 16(%rsp)
    pop  %rax
    add  $8, %rsp
    push %rax
    push %rbx
    push %rdx
    push %rsi
    push %rdi
    push %rbp
    push %r8
    push %r9
    push %r10
    push %r12
    push %r13
    push %r14
    push %r15
    mov  %rsp, %rdi
    mov  $14, %esi
    mov  procs_error_code(%rip), %rdx
    call trap_dispatch

procs_return:
    pop  %r15
    pop  %r14
    pop  %r13
    pop  %r12
    pop  %r10
    pop  %r9
    pop  %r8
    pop  %rbp
    pop  %rdi
    pop  %rsi
    pop  %rdx
    pop  %rbx
    pop  %rax
    pop  %rcx
    pop  %r11
    pushq $0
    jmp  hypercall_page + __HYPERVISOR_iret * 32

    .data
    .balign 8
procs_error_code: .quad 0
