/*
 * usercall's user program and the kernel's syscall callback: Linux's getpid
 * path under Xen. The program makes N getpid system calls and counts those
 * that return the kernel's pid; the callback answers and returns to user mode
 * with the iret hypercall and VGCF_in_syscall, as Linux's sysret does. The
 * exit system call brings the kernel back to sdk_user_enter's caller.
 */
#include <xen/xen.h>

#define UC_SYS_GETPID 39
#define UC_SYS_EXIT   60
#define UC_PID        0x1234

        .text
/* The syscall callback: RCX and R11 on top of Xen's frame. */
        .globl uc_syscall_entry
uc_syscall_entry:
        cmp   $UC_SYS_EXIT, %eax
        je    sdk_user_exit
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
