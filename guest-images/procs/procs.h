/*
 * procs: shared declarations of the process kernel (procs.c), its trap entry
 * (entry.S) and its user programs (user.S).
 */
#ifndef PROCS_H
#define PROCS_H

/* Each process's own memory: NPAGES pages at USER_BASE (L4 slot 1), the stack at the top. */
#define USER_BASE 0x0000008000000000
#define NPAGES 16

/* System calls: number in RAX, argument in RDI, result in RAX. */
#define SYS_YIELD   0
#define SYS_EXIT    1
#define SYS_FORK    2
#define SYS_WAIT    3
#define SYS_GETPID  4
#define SYS_REPORT  5
#define SYS_RELEASE 6

/* The exit status of a process killed by a fault it may not take. */
#define STATUS_SEGV 0x10b

#define PARENT_MARK 0x5041524e54000000
#define CHILD_MARK  0x4348494c44000000

#endif
