/*
 * fpu as a TruffleXen PV guest: output to the console (both sinks, as the
 * SDK's printf), then power off.
 */
#include <sdk/kernel.h>

#include "fpu.h"

void fpu_write(const char *s, size_t n)
{
    console_write(s, n);
}

void kernel_main(start_info_t *si)
{
    (void)si;
    fpu_main();
    sdk_shutdown(SHUTDOWN_poweroff);
}
