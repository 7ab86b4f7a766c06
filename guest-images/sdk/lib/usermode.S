/*
 * Guest user mode for SDK kernels: sdk_user_enter irets into user mode and
 * returns when kernel code (a syscall callback or a trap handler, running on
 * the stack_switch stack) calls sdk_user_exit.
 */
#include <xen/xen.h>

        .data
        .balign 8
sdk_user_kernel_rsp: .quad 0

        .text
/* unsigned long sdk_user_enter(rip, rsp, arg): user mode at rip with RSP rsp and RDI arg, events unmasked. */
        .globl sdk_user_enter
sdk_user_enter:
        push  %rbx
        push  %rbp
        push  %r12
        push  %r13
        push  %r14
        push  %r15
        mov   %rsp, sdk_user_kernel_rsp(%rip)
        pushq $0xe02b
        push  %rsi
        pushq $0x202
        pushq $0xe033
        push  %rdi
        mov   %rdx, %rdi
        pushq $0
        jmp   hypercall_page + __HYPERVISOR_iret * 32

/* sdk_user_exit(value): from kernel mode, back to sdk_user_enter's caller, which returns value. */
        .globl sdk_user_exit
sdk_user_exit:
        mov   %rdi, %rax
        mov   sdk_user_kernel_rsp(%rip), %rsp
        pop   %r15
        pop   %r14
        pop   %r13
        pop   %r12
        pop   %rbp
        pop   %rbx
        ret
