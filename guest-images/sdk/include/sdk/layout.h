/*
 * TruffleXen guest SDK: where a guest lives in virtual memory.
 *
 * The image is linked at SDK_VIRT_BASE (sdk/guest.ld must agree) and its
 * ELF p_paddr values are vaddr - SDK_VIRT_BASE, so the domain builder puts
 * PFN 0 at SDK_VIRT_BASE and maps every boot PFN p at SDK_VIRT_BASE + p * 4096.
 * The top 2 GiB suit gcc's -mcmodel=kernel. Usable from C and assembly.
 */
#ifndef TRUFFLEXEN_SDK_LAYOUT_H
#define TRUFFLEXEN_SDK_LAYOUT_H

#ifdef __ASSEMBLY__
#define SDK_VIRT_BASE 0xffffffff80000000
#else
#define SDK_VIRT_BASE 0xffffffff80000000UL
#endif

#define SDK_PAGE_SHIFT 12
#define SDK_PAGE_SIZE  (1 << SDK_PAGE_SHIFT)

/* Stack the boot stub switches to (in .bss). */
#define SDK_BOOT_STACK_SIZE (64 * 1024)

#endif /* TRUFFLEXEN_SDK_LAYOUT_H */
