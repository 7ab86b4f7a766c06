/*
 * The notes Linux adds to the SDK's: INIT_P2M (the P2M list at its own virtual
 * address, 0x8000000000 as in Linux's xen-head.S) and MOD_START_PFN (the
 * ramdisk outside the boot mapping, given by frame number).
 */
#include <xen/elfnote.h>

    .section .note.Xen, "a", @note
    .balign 4
    .long 4
    .long 2f - 1f
    .long XEN_ELFNOTE_INIT_P2M
    .asciz "Xen"
1:  .quad 0x8000000000
2:  .balign 4
    .long 4
    .long 4f - 3f
    .long XEN_ELFNOTE_MOD_START_PFN
    .asciz "Xen"
3:  .long 1
4:  .balign 4

    .section .note.GNU-stack, "", @progbits
