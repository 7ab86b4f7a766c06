/*
 * Host check: runs an SDK guest as a Linux user process so its console
 * output can be compared with expected-output.txt before a hypervisor is
 * available. This file replaces the SDK boot stub: it builds a fake
 * start_info and a hypercall page whose stubs jump to C stand-ins
 * (host_stubs.c) instead of entering a hypervisor.
 */
    .text
    .globl _start
_start:
    andq $-16, %rsp
    leaq host_start_info(%rip), %rdi
    call host_fill_start_info
    leaq host_start_info(%rip), %rdi
    call sdk_runtime_init
    leaq host_start_info(%rip), %rdi
    call kernel_main
    xorl %edi, %edi
    call sdk_shutdown

/* Stubs at the hypercall numbers the SDK and its guests use (n * 32). */
    .balign 4096
    .globl hypercall_page
hypercall_page:
    .org hypercall_page + 17 * 32       /* xen_version */
    jmp host_xen_version
    .org hypercall_page + 18 * 32       /* console_io */
    jmp host_console_io
    .org hypercall_page + 29 * 32       /* sched_op */
    jmp host_sched_op
    .org hypercall_page + 32 * 32       /* event_channel_op */
    jmp host_event_channel_op
    .org hypercall_page + 4096

    .bss
    .balign 64
host_start_info:
    .skip 4096

    .section .note.GNU-stack, "", @progbits
