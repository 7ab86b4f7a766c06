/*
 * Host check: stand-ins for the hypercalls, answering the way the
 * TruffleXen hypervisor is expected to answer the hello guest (see
 * guest-images/README.md, "Expected output"). console_io writes to stdout;
 * SCHEDOP_shutdown exits with the shutdown reason as the exit status.
 */
#include <sdk/kernel.h>

#define LINUX_SYS_write      1
#define LINUX_SYS_exit_group 231

/* Values the expected output assumes: the cfg's cmdline and memory = 32. */
#define HOST_XEN_VERSION      0x00040013 /* 4.19 */
#define HOST_XEN_EXTRAVERSION ".0-trufflexen"
#define HOST_CMDLINE          "console=hvc0 greeting=hi"
#define HOST_NR_PAGES         8192

void host_fill_start_info(start_info_t *si);
long host_xen_version(int cmd, void *arg);
long host_console_io(int cmd, int count, char *buf);
long host_sched_op(int cmd, void *arg);
long host_event_channel_op(int cmd, void *arg);

static long linux_syscall3(long nr, long a1, long a2, long a3)
{
    long result;

    __asm__ __volatile__("syscall"
                         : "=a"(result)
                         : "a"(nr), "D"(a1), "S"(a2), "d"(a3)
                         : "rcx", "r11", "memory");
    return result;
}

void host_fill_start_info(start_info_t *si)
{
    strcpy(si->magic, "xen-3.0-x86_64");
    strcpy((char *)si->cmd_line, HOST_CMDLINE);
    si->nr_pages = HOST_NR_PAGES;
    /* No mfn_list: the SDK then uses console_io only. */
}

long host_xen_version(int cmd, void *arg)
{
    switch (cmd) {
    case XENVER_version:
        return HOST_XEN_VERSION;
    case XENVER_extraversion:
        strcpy(arg, HOST_XEN_EXTRAVERSION);
        return 0;
    default:
        return -XEN_ENOSYS;
    }
}

long host_console_io(int cmd, int count, char *buf)
{
    if (cmd != CONSOLEIO_write) {
        return -XEN_ENOSYS;
    }
    return linux_syscall3(LINUX_SYS_write, 1, (long)buf, count);
}

long host_sched_op(int cmd, void *arg)
{
    if (cmd == SCHEDOP_shutdown) {
        linux_syscall3(LINUX_SYS_exit_group, ((struct sched_shutdown *)arg)->reason, 0, 0);
    }
    return 0;
}

long host_event_channel_op(int cmd, void *arg)
{
    (void)cmd;
    (void)arg;
    return 0;
}
