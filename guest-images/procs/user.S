/*
 * procs: the user programs. They live in whole pages of their own
 * (user_text_start..user_text_end), which the kernel maps read-only, at the
 * same address, into every process; nothing else of the kernel is mapped in
 * user mode. Their memory is the process's own: NPAGES pages at USER_BASE.
 */
#include "procs.h"

#define PAGE(n) ((n) * 4096)
#define ROUNDS 8
#define PROBE_PAGE 6

.macro SYS nr
    mov  $\nr, %eax
    syscall
.endm

    .section .text.zuser, "ax"
    .balign 4096
    .globl user_text_start
user_text_start:

/*
 * u_worker(seed | pages): ROUNDS times, writes seed + round * 16 + page into pages 1..pages,
 * yields, and checks they still hold it; then checks that pages+1..PROBE_PAGE read as zero
 * (another process may have written there). Exits with the number of mismatches.
 */
    .globl u_worker
u_worker:
    mov  %rdi, %r12
    and  $-256, %r12
    movzbl %dil, %r15d
    xor  %r13d, %r13d
    xor  %r14d, %r14d
    movabs $USER_BASE, %rbx
1:  mov  $1, %ecx
2:  call u_value
    mov  %rcx, %rsi
    shl  $12, %rsi
    mov  %rax, (%rbx,%rsi)
    inc  %rcx
    cmp  %r15, %rcx
    jbe  2b
    SYS SYS_YIELD
    mov  $1, %ecx
3:  call u_value
    mov  %rcx, %rsi
    shl  $12, %rsi
    cmp  %rax, (%rbx,%rsi)
    je   4f
    inc  %r13
4:  inc  %rcx
    cmp  %r15, %rcx
    jbe  3b
5:  cmp  $PROBE_PAGE, %rcx
    ja   6f
    mov  %rcx, %rsi
    shl  $12, %rsi
    cmpq $0, (%rbx,%rsi)
    je   7f
    inc  %r13
7:  inc  %rcx
    jmp  5b
6:  inc  %r14
    cmp  $ROUNDS, %r14
    jb   1b
    mov  %r13, %rdi
    SYS SYS_EXIT
    ud2

/* RAX = seed + round * 16 + page (RCX); on the stack, so the stack page is the process's too. */
u_value:
    push %rcx
    mov  %r14, %rax
    shl  $4, %rax
    add  (%rsp), %rax
    add  %r12, %rax
    pop  %rcx
    ret

/* u_probe(address | write in bit 0): reads (or writes) one address, then exits with 0; the kernel kills it first when it may not. */
    .globl u_probe
u_probe:
    btr  $0, %rdi
    jc   1f
    mov  (%rdi), %rax
    jmp  2f
1:  movq $1, (%rdi)
2:  xor  %edi, %edi
    SYS SYS_EXIT
    ud2

/*
 * u_forker(forks | report << 32): page 1 and 2 get PARENT_MARK; then forks children one at a time and
 * waits for each. A child checks it sees page 1, writes CHILD_MARK there (a copy-on-write fault),
 * reads it back, reads page 2 (still shared), touches page 3 (demand-zero) and exits with its
 * mismatches; the parent adds them to its own and checks page 1 still holds PARENT_MARK. With
 * report 0 it exits with the total; otherwise it reports every batch of forks
 * (SYS_REPORT) forever.
 */
    .globl u_forker
u_forker:
    mov  %edi, %r14d
    mov  %r14, %r12
    mov  %rdi, %r15
    shr  $32, %r15
    xor  %r13d, %r13d
    movabs $USER_BASE, %rbx
    movabs $PARENT_MARK, %rbp
    mov  %rbp, PAGE(1)(%rbx)
    mov  %rbp, PAGE(2)(%rbx)
1:  SYS SYS_FORK
    test %rax, %rax
    jz   u_child
    jns  2f
    inc  %r13
    jmp  3f
2:  mov  %rax, %rdi
    SYS SYS_WAIT
    add  %rax, %r13
    cmp  %rbp, PAGE(1)(%rbx)
    je   3f
    inc  %r13
3:  dec  %r12
    jnz  1b
    test %r15, %r15
    jz   4f
    mov  %r14, %rdi
    sub  %r13, %rdi
    SYS SYS_REPORT
    mov  %r14, %r12
    xor  %r13d, %r13d
    jmp  1b
4:  mov  %r13, %rdi
    SYS SYS_EXIT
    ud2

u_child:
    xor  %r13d, %r13d
    cmp  %rbp, PAGE(1)(%rbx)
    je   1f
    inc  %r13
1:  movabs $CHILD_MARK, %rax
    mov  %rax, PAGE(1)(%rbx)
    cmp  %rax, PAGE(1)(%rbx)
    je   2f
    inc  %r13
2:  cmp  %rbp, PAGE(2)(%rbx)
    je   3f
    inc  %r13
3:  movq $1, PAGE(3)(%rbx)
    mov  %r13, %rdi
    SYS SYS_EXIT
    ud2

/*
 * u_toucher(rounds): forever, rounds times writes pages 1..NPAGES-2 (a demand-zero fault each)
 * then releases them (SYS_RELEASE); reports the number of faulting writes (SYS_REPORT).
 */
    .globl u_toucher
u_toucher:
    mov  %rdi, %r14
    movabs $USER_BASE, %rbx
1:  mov  %r14, %r12
2:  mov  $1, %ecx
3:  mov  %rcx, %rsi
    shl  $12, %rsi
    mov  %rcx, (%rbx,%rsi)
    inc  %rcx
    cmp  $NPAGES - 2, %rcx
    jbe  3b
    SYS SYS_RELEASE
    dec  %r12
    jnz  2b
    mov  %r14, %rdi
    imul $NPAGES - 2, %rdi
    SYS SYS_REPORT
    jmp  1b

    .balign 4096
    .globl user_text_end
user_text_end:
