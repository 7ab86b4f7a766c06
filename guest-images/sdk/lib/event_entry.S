/*
 * TruffleXen guest SDK: the event callback. Xen's bounce frame is on the
 * stack (RCX, R11, RIP, CS, RFLAGS, RSP, SS) and events are masked. The
 * caller-saved registers are kept around sdk_event_dispatch, then RCX and
 * R11 come back from the frame and the iret hypercall returns, restoring
 * the upcall mask from the frame's IF.
 */
#include <xen/xen.h>

        .text
        .globl sdk_event_entry
sdk_event_entry:
        push  %rax
        push  %rdx
        push  %rsi
        push  %rdi
        push  %r8
        push  %r9
        push  %r10
        cld
        call  sdk_event_dispatch
        pop   %r10
        pop   %r9
        pop   %r8
        pop   %rdi
        pop   %rsi
        pop   %rdx
        pop   %rax
        pop   %rcx
        pop   %r11
        pushq $0
        jmp   hypercall_page + __HYPERVISOR_iret * 32
