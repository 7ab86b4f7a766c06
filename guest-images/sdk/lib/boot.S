/*
 * TruffleXen guest SDK: boot stub, ELF notes and hypercall page.
 *
 * The domain builder enters _start in 64-bit ring 3 with RSI = start_info,
 * RSP on its boot stack, events masked. We keep start_info in a callee-saved
 * register, zero .bss (which holds our stack, so it must come first), switch
 * to the SDK stack, and call sdk_runtime_init(si) then kernel_main(si). If
 * kernel_main returns, the domain powers off. A guest built with SDK_FPU=yes
 * also gets a defined x87/SSE start state (fninit, MXCSR 0x1f80).
 */
#include <xen/xen.h>
#include <xen/sched.h>
#include <xen/elfnote.h>
#include <sdk/layout.h>

#ifndef SDK_GUEST_OS
#define SDK_GUEST_OS "TruffleXen-SDK"
#endif
#ifndef SDK_GUEST_VERSION
#define SDK_GUEST_VERSION "0.1"
#endif

/* A note named "Xen" whose descriptor is a NUL-terminated string. */
.macro xen_note_string type, text
    .balign 4
    .long 4                 /* name size, "Xen" and its NUL */
    .long 2f - 1f           /* descriptor size */
    .long \type
    .asciz "Xen"
1:  .asciz "\text"
2:  .balign 4
.endm

/* A note named "Xen" whose descriptor is a 64-bit number. */
.macro xen_note_quad type, value
    .balign 4
    .long 4
    .long 2f - 1f
    .long \type
    .asciz "Xen"
1:  .quad \value
2:  .balign 4
.endm

    .section .note.Xen, "a", @note
    xen_note_string XEN_ELFNOTE_GUEST_OS,      SDK_GUEST_OS
    xen_note_string XEN_ELFNOTE_GUEST_VERSION, SDK_GUEST_VERSION
    xen_note_string XEN_ELFNOTE_XEN_VERSION,   "xen-3.0"
    xen_note_string XEN_ELFNOTE_LOADER,        "generic"
    xen_note_quad   XEN_ELFNOTE_VIRT_BASE,     SDK_VIRT_BASE
    xen_note_quad   XEN_ELFNOTE_PADDR_OFFSET,  0
    xen_note_quad   XEN_ELFNOTE_ENTRY,         _start
    xen_note_quad   XEN_ELFNOTE_HYPERCALL_PAGE, hypercall_page

/*
 * The hypercall page: the hypervisor writes its 128 stubs here before the
 * guest starts. Until then it holds int3, so a call through an unfilled page
 * traps instead of running into whatever follows.
 */
    .section .text.hypercall_page, "ax", @progbits
    .balign SDK_PAGE_SIZE
    .globl hypercall_page
    .type hypercall_page, @object
hypercall_page:
    .fill SDK_PAGE_SIZE, 1, 0xcc
    .size hypercall_page, SDK_PAGE_SIZE

    .section .text.boot, "ax", @progbits
    .globl _start
    .type _start, @function
_start:
    cld
    movq %rsi, %r12                 /* start_info, kept across calls */

    leaq __bss_start(%rip), %rdi    /* zero .bss, including our stack */
    leaq __bss_end(%rip), %rcx
    subq %rdi, %rcx
    xorl %eax, %eax
    rep stosb

    leaq sdk_boot_stack_top(%rip), %rsp
    xorl %ebp, %ebp

#ifdef SDK_FPU
    /*
     * A guest built with SDK_FPU=yes starts from the reset state of the x87
     * unit (FCW 0x037f: extended precision, round to nearest, exceptions
     * masked; empty stack) and of MXCSR (0x1f80: round to nearest, all
     * exceptions masked, no flush-to-zero), as Mini-OS's arch_init does.
     */
    fninit
    ldmxcsr sdk_initial_mxcsr(%rip)
#endif

    movq %r12, %rdi
    call sdk_runtime_init
    movq %r12, %rdi
    call kernel_main

    movl $SHUTDOWN_poweroff, %edi
    call sdk_shutdown
1:  jmp 1b                          /* sdk_shutdown does not return */
    .size _start, . - _start

#ifdef SDK_FPU
    .section .rodata, "a", @progbits
    .balign 4
sdk_initial_mxcsr:
    .long 0x1f80
#endif

    .section .bss.stack, "aw", @nobits
    .balign 16
sdk_boot_stack:
    .skip SDK_BOOT_STACK_SIZE
    .globl sdk_boot_stack_top
sdk_boot_stack_top:

    .section .note.GNU-stack, "", @progbits
