/*
 * Guest user mode for pvtraps: a small user program, the kernel's syscall
 * callback and its user-mode exception handlers. The program makes system calls, raises exceptions that the
 * kernel handles and returns from, and ends with an "exit" system call that
 * brings the kernel back to sdk_user_enter's caller.
 */
#include <xen/xen.h>

#define UM_RECORD 64
#define UM_RECORDS 12
#define UM_SYS_GETPID 39
#define UM_SYS_ADD 1
#define UM_SYS_EXIT 60

        .bss
        .balign 16
        .globl um_kernel_stack, um_user_stack
um_kernel_stack: .skip 8192
um_kernel_stack_top:
um_user_stack: .skip 4096
um_user_stack_top:

        .data
        .balign 8
        .globl um_resume, um_log, um_log_count, um_sys_frame, um_sys_frame_addr
        .globl um_sys_kernel_gs, um_sys_rflags, um_results
um_resume:         .quad 0
um_log_count:      .quad 0
um_sys_frame_addr: .quad 0
um_sys_kernel_gs:  .quad 0
um_sys_rflags:     .quad 0
um_sys_frame:      .skip 7 * 8
/* What the user program saw: getpid, add, RCX after syscall, its label, user %gs:0, R11 after syscall. */
um_results:        .skip 8 * 8
/* Per exception: vector, error code, RIP, CS, RFLAGS, RSP, SS, frame address. */
um_log:            .skip UM_RECORDS * UM_RECORD

        .text
/* The syscall callback: frame RCX, R11, RIP, CS, RFLAGS, RSP, SS on the stack_switch stack. */
        .globl um_syscall_entry
um_syscall_entry:
        mov   %rsp, um_sys_frame_addr(%rip)
        push  %rax
        push  %rbx
        pushfq
        pop   %rbx
        mov   %rbx, um_sys_rflags(%rip)
        mov   %gs:0, %rbx
        mov   %rbx, um_sys_kernel_gs(%rip)
        .irp  i, 0, 1, 2, 3, 4, 5, 6
        mov   16+8*\i(%rsp), %rbx
        mov   %rbx, um_sys_frame+8*\i(%rip)
        .endr
        pop   %rbx
        pop   %rax
        cmp   $UM_SYS_EXIT, %eax
        je    sdk_user_exit
        cmp   $UM_SYS_GETPID, %eax
        jne   1f
        mov   $0x1234, %eax
        jmp   2f
1:      lea   (%rdi,%rsi), %rax
2:      pop   %rcx
        pop   %r11
        pushq $VGCF_in_syscall
        jmp   hypercall_page + __HYPERVISOR_iret * 32

/* A user-mode exception: record it, then return to user mode at um_resume. */
.macro UM_TRAP name, vec, ec
        .globl \name
\name:
        push  %rax
        push  %rbx
        mov   um_log_count(%rip), %rax
        cmp   $UM_RECORDS, %rax
        jae   3f
        imul  $UM_RECORD, %rax, %rax
        lea   um_log(%rip), %rbx
        add   %rax, %rbx
        movq  $\vec, 0(%rbx)
        .if \ec
        mov   32(%rsp), %rax
        .else
        xor   %eax, %eax
        .endif
        mov   %rax, 8(%rbx)
        .irp  i, 0, 1, 2, 3, 4
        mov   32+8*(\ec+\i)(%rsp), %rax
        mov   %rax, 16+8*\i(%rbx)
        .endr
        lea   16(%rsp), %rax
        mov   %rax, 56(%rbx)
3:      incq  um_log_count(%rip)
        mov   um_resume(%rip), %rax
        mov   %rax, 32+8*\ec(%rsp)
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

        UM_TRAP um_trap_bp, 3, 0
        UM_TRAP um_trap_ud, 6, 0
        UM_TRAP um_trap_gp, 13, 1
        UM_TRAP um_trap_pf, 14, 1
        UM_TRAP um_trap_int80, 0x80, 0
        UM_TRAP um_trap_int82, 0x82, 0

/* int $0x83 (DPL 3): the way out of a user program that cannot make system calls. */
        .globl um_trap_exit
um_trap_exit:
        xor   %edi, %edi
        jmp   sdk_user_exit

/* The user program. */
        .globl um_user_main, um_after_syscall
um_user_main:
        mov   $UM_SYS_GETPID, %eax
        syscall
um_after_syscall:
        mov   %rax, um_results(%rip)
        mov   %rcx, um_results+16(%rip)
        mov   %r11, um_results+40(%rip)
        mov   $UM_SYS_ADD, %eax
        mov   $40, %edi
        mov   $2, %esi
        syscall
        mov   %rax, um_results+8(%rip)
        mov   %gs:0, %rax
        mov   %rax, um_results+32(%rip)
        lea   4f(%rip), %rax
        mov   %rax, um_resume(%rip)
        ud2
4:      lea   5f(%rip), %rax
        mov   %rax, um_resume(%rip)
        mov   0x1000, %rax
5:      lea   6f(%rip), %rax
        mov   %rax, um_resume(%rip)
        mov   $0xc0000101, %ecx
        rdmsr
6:      lea   7f(%rip), %rax
        mov   %rax, um_resume(%rip)
        int3
7:      lea   8f(%rip), %rax
        mov   %rax, um_resume(%rip)
        int   $0x80
8:      lea   9f(%rip), %rax
        mov   %rax, um_resume(%rip)
        int   $0x81
9:      lea   10f(%rip), %rax
        mov   %rax, um_resume(%rip)
        int   $0x82
10:     lea   11f(%rip), %rax
        mov   %rax, um_resume(%rip)
        hlt
11:     mov   $UM_SYS_EXIT, %eax
        syscall
        ud2

/* With no syscall callback: the syscall raises #UD at itself; then leave through int $0x83. */
        .globl um_user_no_callback, um_no_callback_syscall
um_user_no_callback:
        lea   12f(%rip), %rax
        mov   %rax, um_resume(%rip)
        std
um_no_callback_syscall:
        syscall
12:     cld
        int   $0x83
        ud2
