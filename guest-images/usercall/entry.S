/*
 * usercall's user program and the kernel's syscall callback: Linux's getpid
 * path under Xen. The program makes N getpid system calls and counts those
 * that return the kernel's pid; the callback answers and returns to user mode
 * with the iret hypercall and VGCF_in_syscall, as Linux's sysret does. The
 * exit system call brings the kernel back to uc_enter_user's caller.
 */
#include <xen/xen.h>

#define UC_SYS_GETPID 39
#define UC_SYS_EXIT   60
#define UC_PID        0x1234

        .data
        .balign 8
uc_kernel_rsp: .quad 0
        .globl uc_exit_value
uc_exit_value: .quad 0

        .text
/* uc_enter_user(rip, rsp, count): runs the program in user mode; returns its exit value. */
        .globl uc_enter_user
uc_enter_user:
        push  %rbx
        push  %rbp
        push  %r12
        push  %r13
        push  %r14
        push  %r15
        mov   %rsp, uc_kernel_rsp(%rip)
        pushq $0xe02b
        push  %rsi
        pushq $0x202
        pushq $0xe033
        push  %rdi
        mov   %rdx, %rdi
        pushq $0
        jmp   hypercall_page + __HYPERVISOR_iret * 32
uc_exit_to_kernel:
        mov   %rdi, uc_exit_value(%rip)
        mov   uc_kernel_rsp(%rip), %rsp
        pop   %r15
        pop   %r14
        pop   %r13
        pop   %r12
        pop   %rbp
        pop   %rbx
        mov   uc_exit_value(%rip), %rax
        ret

/* The syscall callback: RCX and R11 on top of Xen's frame. */
        .globl uc_syscall_entry
uc_syscall_entry:
        cmp   $UC_SYS_EXIT, %eax
        je    uc_exit_to_kernel
        cmp   $UC_SYS_GETPID, %eax
        mov   $-38, %rax
        jne   1f
        mov   $UC_PID, %eax
1:      pop   %rcx
        pop   %r11
        pushq $VGCF_in_syscall
        jmp   hypercall_page + __HYPERVISOR_iret * 32

/* The user program: RDI getpid calls, then exit with the number that returned the pid. */
        .globl uc_user_main
uc_user_main:
        mov   %rdi, %r12
        xor   %r13d, %r13d
        test  %r12, %r12
        jz    3f
2:      mov   $UC_SYS_GETPID, %eax
        syscall
        cmp   $UC_PID, %rax
        jne   4f
        inc   %r13
4:      dec   %r12
        jnz   2b
3:      mov   %r13, %rdi
        mov   $UC_SYS_EXIT, %eax
        syscall
        ud2
