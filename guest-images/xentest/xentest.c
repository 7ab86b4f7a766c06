/*
 * xentest: hypercall conformance probes.
 *
 * Calls each hypercall of the first slice with good and hostile arguments
 * (unmapped, read-only, non-canonical and hypervisor-range pointers, out of
 * range ports and sub-commands) and prints what came back, one line per
 * probe. expected-output.txt holds Xen's answers; a difference is a bug in
 * the hypervisor's ABI. Ends with SCHEDOP_shutdown_code(reboot) followed by
 * SCHEDOP_shutdown(poweroff): Xen keeps the first code, so the domain must
 * stop with reason reboot.
 */
#include <sdk/kernel.h>

#define UNMAPPED_VA      0x1000UL
#define NON_CANONICAL_VA 0x8000000000000000UL
#define HYPERVISOR_VA    0xffff800000000000UL

static long raw_hypercall(unsigned long number, unsigned long a1, unsigned long a2)
{
    register unsigned long rdi __asm__("rdi") = a1;
    register unsigned long rsi __asm__("rsi") = a2;
    unsigned long rax = number;

    __asm__ __volatile__("syscall"
                         : "+a"(rax), "+r"(rdi), "+r"(rsi)
                         :
                         : "rcx", "r11", "rdx", "r10", "r8", "memory");
    return (long)rax;
}

static void probe(const char *what, long result)
{
    printf("%s: %ld\n", what, result);
}

static void version_probes(start_info_t *si)
{
    long v = HYPERVISOR_xen_version(XENVER_version, NULL);
    xen_feature_info_t fi;
    char text[1024];

    printf("version: %ld.%ld\n", v >> 16, v & 0xffff);
    probe("pagesize", HYPERVISOR_xen_version(XENVER_pagesize, NULL));
    probe("pagesize with a buffer", HYPERVISOR_xen_version(XENVER_pagesize, text));
    fi.submap_idx = 0;
    fi.submap = 0;
    probe("get_features(0)", HYPERVISOR_xen_version(XENVER_get_features, &fi));
    printf("features submap 0: %#x\n", fi.submap);
    fi.submap_idx = 1;
    probe("get_features(1)", HYPERVISOR_xen_version(XENVER_get_features, &fi));
    memset(text, 'x', sizeof(text));
    probe("capabilities", HYPERVISOR_xen_version(XENVER_capabilities, text));
    printf("capabilities text: %s\n", text);
    probe("commandline", HYPERVISOR_xen_version(XENVER_commandline, text));
    printf("commandline text: %s\n", text);
    probe("build_id", HYPERVISOR_xen_version(XENVER_build_id, NULL));
    probe("unknown sub-command", HYPERVISOR_xen_version(99, NULL));
    probe("extraversion to unmapped", HYPERVISOR_xen_version(XENVER_extraversion, (void *)UNMAPPED_VA));
    probe("extraversion to read-only page table", HYPERVISOR_xen_version(XENVER_extraversion, (void *)si->pt_base));
    probe("extraversion to non-canonical", HYPERVISOR_xen_version(XENVER_extraversion, (void *)NON_CANONICAL_VA));
    probe("extraversion to hypervisor range", HYPERVISOR_xen_version(XENVER_extraversion, (void *)HYPERVISOR_VA));
    probe("extraversion straddling into a read-only page",
          HYPERVISOR_xen_version(XENVER_extraversion, (void *)(si->pt_base - 8)));
}

static void console_probes(void)
{
    char in[8];

    probe("console write of 0 bytes", HYPERVISOR_console_io(CONSOLEIO_write, 0, NULL));
    probe("console write from unmapped", HYPERVISOR_console_io(CONSOLEIO_write, 16, (char *)UNMAPPED_VA));
    probe("console write from non-canonical", HYPERVISOR_console_io(CONSOLEIO_write, 16, (char *)NON_CANONICAL_VA));
    probe("console read", HYPERVISOR_console_io(CONSOLEIO_read, sizeof(in), in));
    probe("console unknown command", HYPERVISOR_console_io(7, 0, NULL));
}

static void event_channel_probes(start_info_t *si)
{
    evtchn_send_t send;
    static const uint32_t bad_ports[] = {0, 4096, 65535, 0xffffffffu};

    for (unsigned int i = 0; i < ARRAY_SIZE(bad_ports); i++) {
        send.port = bad_ports[i];
        printf("send on port %u: %ld\n", bad_ports[i], (long)HYPERVISOR_event_channel_op(EVTCHNOP_send, &send));
    }
    send.port = si->console.domU.evtchn;
    probe("send on the console port", HYPERVISOR_event_channel_op(EVTCHNOP_send, &send));
    send.port = si->store_evtchn;
    probe("send on the unbound xenstore port", HYPERVISOR_event_channel_op(EVTCHNOP_send, &send));
    probe("send with unmapped argument", HYPERVISOR_event_channel_op(EVTCHNOP_send, (void *)UNMAPPED_VA));
}

static void sched_probes(void)
{
    struct sched_remote_shutdown remote;

    probe("yield", HYPERVISOR_sched_op(SCHEDOP_yield, NULL));
    probe("unknown sched_op", HYPERVISOR_sched_op(99, NULL));
    probe("pin_override", HYPERVISOR_sched_op(SCHEDOP_pin_override, NULL));
    remote.domain_id = 999;
    remote.reason = SHUTDOWN_poweroff;
    probe("remote_shutdown of no such domain", HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, &remote));
    probe("shutdown with unmapped argument", HYPERVISOR_sched_op(SCHEDOP_shutdown, (void *)UNMAPPED_VA));
}

static void raw_probes(void)
{
    probe("hypercall 60 (none)", raw_hypercall(60, 0, 0));
    probe("hypercall 0xffffffff", raw_hypercall(0xffffffffUL, 0, 0));
    probe("hypercall 2^63", raw_hypercall(1UL << 63, 0, 0));
    probe("direct syscall xen_version", raw_hypercall(__HYPERVISOR_xen_version, XENVER_pagesize, 0));
}

static void fpu_probes(void)
{
    /* With TS set, only x87/MMX/SSE instructions fault: printing (integer code) still runs. */
    probe("fpu_taskswitch(1)", HYPERVISOR_fpu_taskswitch(1));
    probe("fpu_taskswitch(0)", HYPERVISOR_fpu_taskswitch(0));
}

static void memory_probes(start_info_t *si)
{
    unsigned long good = 0;

    for (unsigned long pfn = 0; pfn < si->nr_pages; pfn += 97) {
        if (mfn_to_pfn(pfn_to_mfn(pfn)) == pfn && pfn_to_mfn(pfn) != pfn) {
            good++;
        }
    }
    printf("m2p round trips with mfn != pfn: %lu of %lu\n", good, (si->nr_pages + 96) / 97);
}

void kernel_main(start_info_t *si)
{
    struct sched_shutdown code = { .reason = SHUTDOWN_reboot };

    printf("xentest: start\n");
    version_probes(si);
    console_probes();
    event_channel_probes(si);
    sched_probes();
    raw_probes();
    fpu_probes();
    memory_probes(si);
    probe("shutdown_code(reboot)", HYPERVISOR_sched_op(SCHEDOP_shutdown_code, &code));
    printf("xentest: done\n");
    sdk_shutdown(SHUTDOWN_poweroff);
}
