/*
 * pvmmu: the #PF handler. It counts the fault and returns, through the iret
 * hypercall, to pf_resume instead of the faulting instruction.
 */
    .text
    .globl pf_entry
pf_entry:
    /* Xen's bounce frame: RCX, R11, error code, RIP, CS, RFLAGS, RSP, SS. */
    incq pf_count(%rip)
    push %rax
    mov pf_resume(%rip), %rax
    mov %rax, 32(%rsp)
    pop %rax
    pop %rcx
    pop %r11
    movq $0, (%rsp)           /* the error code's slot is iret's flags word */
    jmp hypercall_page + 23 * 32
