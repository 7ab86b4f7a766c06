/*
 * The user program of the CPUID-faulting cases (cpuidfault.c): a native CPUID
 * and a forced-emulation CPUID of leaf 0, each followed by storing EBX, then
 * int $0x83 back to the kernel. Faults resume at um_resume (userprog.S).
 */
        .text
        .globl cf_user_main, cf_native_cpuid, cf_forced_cpuid, cf_ebx
cf_user_main:
        lea   1f(%rip), %rax
        mov   %rax, um_resume(%rip)
        xor   %eax, %eax
        xor   %ecx, %ecx
        mov   $0x5a5a5a5a, %ebx
cf_native_cpuid:
        cpuid
        mov   %rbx, cf_ebx(%rip)
1:      lea   2f(%rip), %rax
        mov   %rax, um_resume(%rip)
        xor   %eax, %eax
        xor   %ecx, %ecx
        mov   $0x5a5a5a5a, %ebx
cf_forced_cpuid:
        ud2
        .ascii "xen"
        cpuid
        mov   %rbx, cf_ebx+8(%rip)
2:      int   $0x83

        .data
        .balign 8
cf_ebx: .quad 0, 0
