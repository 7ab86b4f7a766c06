/*
 * crash: a guest that faults on purpose.
 *
 * Prints one line, then reads from virtual address 0x1000, which the boot
 * mapping never covers. The guest has installed no trap table, so the
 * hypervisor cannot bounce the page fault to it and must crash the domain
 * (on_crash = "destroy"): this exercises the hypervisor's crash report.
 */
#include <sdk/kernel.h>

void kernel_main(start_info_t *si)
{
    (void)si;
    printf("crash: reading unmapped address 0x1000\n");
    console_flush();
    (void)*(volatile long *)0x1000;
    printf("crash: still alive, which is wrong\n");
    sdk_shutdown(SHUTDOWN_crash);
}
