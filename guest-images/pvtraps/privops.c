/*
 * The privileged instructions Xen emulates for a PV kernel at ring 3
 * (emul-priv-op.c): the MSRs a domU sees, mov to and from the control
 * registers, CLTS, WBINVD, I/O under the virtual IOPL and I/O bitmap
 * (physdev_op set_iopl/set_iobitmap, vm_assist architectural_iopl), CLI/STI,
 * CPUID faulting, and the instructions that stay #GP(0).
 */
#include "pvtraps.h"
#include <xen/physdev.h>

#define MSR_IA32_TSC          0x10U
#define MSR_IA32_FEATURE_CTL  0x3aU
#define MSR_APIC_BASE         0x1bU
#define MSR_PLATFORM_INFO     0xceU
#define MSR_MISC_FEATURES     0x140U
#define MSR_MISC_ENABLE       0x1a0U
#define MSR_PAT               0x277U
#define MSR_PERF_CAPABILITIES 0x345U
#define MSR_XEN_HYPERCALL     0x40000000U
#define MSR_EFER              0xc0000080U
#define MSR_TSC_AUX           0xc0000103U
#define MSR_K7_EVNTSEL0       0xc0010000U
#define MSR_K8_HWCR           0xc0010015U
#define MSR_K8_PSTATE0        0xc0010064U
#define MSR_AMD64_DE_CFG      0xc0011029U

volatile unsigned long io_value, io_port, msr_index, msr_value, cr_value;
static uint8_t io_bitmap[8192 + 2] __attribute__((aligned(4096)));
static volatile uint8_t io_buffer[16];

static unsigned long msr_read(unsigned int msr)
{
    unsigned int lo, hi;

    __asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return (unsigned long)hi << 32 | lo;
}

static void msr_write(unsigned int msr, unsigned long value)
{
    __asm__ __volatile__("wrmsr" : : "c"(msr), "a"((unsigned int)value), "d"((unsigned int)(value >> 32)) : "memory");
}

/* rdmsr of msr_index must be #GP(0). */
static void rdmsr_faults(unsigned int msr, const char *what)
{
    msr_index = msr;
    TRIGGER("mov msr_index(%%rip), %%ecx", "rdmsr", "");
    check_frame(&trap_log[0], 13, 1, 0, trig_fault, 1, what);
}

/* wrmsr of msr_value to msr_index must be #GP(0). */
static void wrmsr_faults(unsigned int msr, unsigned long value, const char *what)
{
    msr_index = msr;
    msr_value = value;
    TRIGGER("mov msr_index(%%rip), %%ecx\n\tmov msr_value(%%rip), %%rax\n\tmov %%rax, %%rdx\n\tshr $32, %%rdx",
            "wrmsr", "");
    check_frame(&trap_log[0], 13, 1, 0, trig_fault, 1, what);
}

static void msr_cases(void)
{
    kt_group("privops: msr");
    kt_eq(msr_read(MSR_APIC_BASE), 0xfee00900UL, "APIC_BASE: default base, enabled, BSP on vCPU 0",
          "read_msr: APIC_BASE_ENABLE | APIC_DEFAULT_PHYS_BASE | APIC_BASE_BSP");
    kt_eq(msr_read(MSR_EFER), 0xd01UL, "EFER reads SCE, LME, LMA, NXE", "guest_efer");
    trap_count = 0;
    msr_write(MSR_EFER, 0xd01UL);
    kt_eq(trap_count, 0, "writing EFER's own value back is accepted", "write_msr: val == guest_efer");
    wrmsr_faults(MSR_EFER, 0x501UL, "changing EFER (NXE off): #GP(0)");
    kt_eq(msr_read(MSR_PAT), 0x050100070406UL, "PAT reads Xen's ABI value", "XEN_MSR_PAT");
    wrmsr_faults(MSR_PAT, 0x0606060606060606UL, "PAT is read-only: #GP(0)");
    unsigned long t0 = msr_read(MSR_IA32_TSC), t1 = msr_read(MSR_IA32_TSC);
    kt_check(t1 > t0 && t0 != 0, "IA32_TSC reads the domain's advancing TSC", "read_msr: MSR_IA32_TSC", "");
    kt_eq(msr_read(MSR_PLATFORM_INFO), 1UL << 31, "PLATFORM_INFO offers CPUID faulting", "cp->platform_info.cpuid_faulting");
    wrmsr_faults(MSR_PLATFORM_INFO, 0, "PLATFORM_INFO is read-only: #GP(0)");
    kt_eq(msr_read(MSR_MISC_FEATURES), 0, "MISC_FEATURES_ENABLES starts clear", "misc_features_enables");
    trap_count = 0;
    msr_write(MSR_MISC_FEATURES, 1);
    kt_eq(msr_read(MSR_MISC_FEATURES), 1, "CPUID faulting can be enabled", "MSR_MISC_FEATURES_CPUID_FAULTING");
    unsigned int eax = 0, ebx = 0, ecx = 0, edx = 0;
    __asm__ __volatile__("ud2; .ascii \"xen\"; cpuid" : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx) : "a"(0x40000000U), "c"(0));
    kt_eq(ebx, 0x566e6558U, "forced-emulation CPUID still works in kernel mode with faulting on",
          "pv_emulate_forced_invalid_op: faults only when !guest_kernel_mode");
    wrmsr_faults(MSR_MISC_FEATURES, 2, "a reserved MISC_FEATURES_ENABLES bit: #GP(0)");
    msr_write(MSR_MISC_FEATURES, 0);
    kt_eq(msr_read(MSR_MISC_FEATURES), 0, "CPUID faulting can be disabled", "misc_features_enables");
    msr_write(MSR_TSC_AUX, 0x1234);
    unsigned int aux;
    __asm__ __volatile__("rdtscp" : "=c"(aux) : : "rax", "rdx");
    kt_eq(aux, 0x1234, "TSC_AUX written by wrmsr is what RDTSCP returns", "guest_wrmsr: MSR_TSC_AUX");
    kt_eq(msr_read(MSR_TSC_AUX), 0x1234, "TSC_AUX reads back", "guest_rdmsr: msrs->tsc_aux");
    wrmsr_faults(MSR_TSC_AUX, 1UL << 32, "TSC_AUX above 32 bits: #GP(0)");
    kt_eq(msr_read(MSR_PERF_CAPABILITIES), 0, "PERF_CAPABILITIES reads 0", "No extra capabilities are supported");
    kt_eq(msr_read(MSR_K8_HWCR), 0, "K8 HWCR reads 0 on AMD", "guest_rdmsr: MSR_K8_HWCR");
    trap_count = 0;
    msr_write(MSR_K8_HWCR, 0x1000);
    msr_write(MSR_K8_PSTATE0, 5);
    msr_write(MSR_K7_EVNTSEL0, 0x430076);
    kt_eq(trap_count, 0, "HWCR, P-state and PMU writes are dropped without a fault", "write_msr: not a cpufreq controller, vPMU off");
    kt_eq(msr_read(MSR_K8_PSTATE0) | msr_read(MSR_K7_EVNTSEL0), 0, "P-state and PMU MSRs read 0", "read_msr: *val = 0 / vpmu nop");
    kt_eq(msr_read(MSR_AMD64_DE_CFG), 2, "DE_CFG reads LFENCE serialising", "AMD64_DE_CFG_LFENCE_SERIALISE");
    wrmsr_faults(MSR_AMD64_DE_CFG, 2, "DE_CFG is read-only: #GP(0)");
    kt_eq(msr_read(MSR_XEN_HYPERCALL), 0, "Xen's hypercall-page MSR reads 0", "guest_rdmsr_xen: read as zero");
    rdmsr_faults(MSR_XEN_HYPERCALL + 1, "Xen's MSR range beyond the first: #GP(0)");
    rdmsr_faults(MSR_IA32_FEATURE_CTL, "FEATURE_CONTROL on an AMD policy: #GP(0)");
    rdmsr_faults(MSR_MISC_ENABLE, "MISC_ENABLE, which AMD hosts lack: #GP(0)");
    wrmsr_faults(MSR_APIC_BASE, 0xfee00900UL, "writing APIC_BASE: #GP(0)");
    rdmsr_faults(0xc0010010U, "K8 SYSCFG in a domU: #GP(0)");
}

static unsigned long read_cr(int n)
{
    unsigned long v = 0;

    switch (n) {
    case 0: __asm__ __volatile__("mov %%cr0, %0" : "=r"(v)); break;
    case 2: __asm__ __volatile__("mov %%cr2, %0" : "=r"(v)); break;
    case 3: __asm__ __volatile__("mov %%cr3, %0" : "=r"(v)); break;
    default: __asm__ __volatile__("mov %%cr4, %0" : "=r"(v)); break;
    }
    return v;
}

static void control_register_cases(void)
{
    kt_group("privops: control registers");
    kt_eq(read_cr(0), 0x80050033UL, "CR0 reads Xen's CR0 with TS clear", "read_cr: read_cr0() & ~TS | ctrlreg[0]");
    HYPERVISOR_fpu_taskswitch(1);
    kt_eq(read_cr(0), 0x8005003bUL, "CR0.TS follows fpu_taskswitch", "ctrlreg[0] |= X86_CR0_TS");
    __asm__ __volatile__("clts");
    kt_eq(read_cr(0), 0x80050033UL, "CLTS clears the virtual TS", "x86_emulate clts: write_cr(0, cr0 & ~TS)");
    cr_value = 0x8005003bUL;
    __asm__ __volatile__("mov cr_value(%%rip), %%rax\n\tmov %%rax, %%cr0" : : : "rax");
    kt_eq(read_cr(0), 0x8005003bUL, "mov to CR0 may set TS", "write_cr: do_fpu_taskswitch");
    cr_value = 0x80050033UL;
    __asm__ __volatile__("mov cr_value(%%rip), %%rax\n\tmov %%rax, %%cr0" : : : "rax");
    kt_eq(read_cr(0), 0x80050033UL, "mov to CR0 may clear TS", "write_cr: do_fpu_taskswitch");
    TRIGGER("mov $0x80050032, %%eax", "mov %%rax, %%cr0", "");
    check_frame(&trap_log[0], 13, 1, 0, trig_fault, 1, "mov to CR0 clearing PE: #GP(0)");
    TRIGGER("mov $0x5678, %%ebx", "mov (%%rbx), %%rax", "");
    kt_eq(read_cr(2), 0x5678, "CR2 reads the last #PF address", "ctrlreg[2] = event->data");
    cr_value = 0xabcd000UL;
    __asm__ __volatile__("mov cr_value(%%rip), %%rax\n\tmov %%rax, %%cr2" : : : "rax");
    kt_eq(read_cr(2), 0xabcd000UL, "mov to CR2 sets it", "write_cr: ctrlreg[2] = val");
    unsigned long cr3 = read_cr(3);
    kt_eq(cr3 + SDK_VIRT_BASE, sdk_start_info->pt_base, "CR3 reads the guest frame of the L4 table",
          "read_cr: xen_pfn_to_cr3(mfn_to_gfn(guest_table))");
    cr_value = cr3;
    trap_count = 0;
    __asm__ __volatile__("mov cr_value(%%rip), %%rax\n\tmov %%rax, %%cr3" : : : "rax", "memory");
    kt_eq(trap_count, 0, "reloading CR3 with the current L4 is allowed", "new_guest_cr3: same mfn, write_ptbase");
    cr_value = cr3 + 0x1000;
    TRIGGER("mov cr_value(%%rip), %%rax", "mov %%rax, %%cr3", "");
    check_frame(&trap_log[0], 13, 1, 0, trig_fault, 1, "mov to CR3 of a frame that is not an L4 table: #GP(0)");
    kt_eq(read_cr(4), 0x660UL, "CR4 shows Xen's PAE, MCE, OSFXSR, OSXMMEXCPT", "pv_fixup_guest_cr4(v, 0)");
    cr_value = 0xffffffffUL;
    __asm__ __volatile__("mov cr_value(%%rip), %%rax\n\tmov %%rax, %%cr4" : : : "rax");
    kt_eq(read_cr(4), 0x66cUL, "mov to CR4 keeps only TSD and DE of the guest's bits", "PV_CR4_GUEST_MASK within the policy");
    cr_value = 0;
    __asm__ __volatile__("mov cr_value(%%rip), %%rax\n\tmov %%rax, %%cr4" : : : "rax");
    kt_eq(read_cr(4), 0x660UL, "mov to CR4 cannot clear Xen's bits", "PV_CR4_GUEST_VISIBLE_MASK");
    TRIGGER("", "mov %%cr8, %%rax", "");
    check_frame(&trap_log[0], 13, 1, 0, trig_fault, 1, "mov from CR8: #GP(0)");
    TRIGGER("", ".byte 0x0f, 0x20, 0xc8 /* mov %%cr1, %%rax */", "");
    check_frame(&trap_log[0], 6, 0, 0, trig_fault, 1, "mov from CR1 does not exist: #UD");
    trap_count = 0;
    __asm__ __volatile__("wbinvd" : : : "memory");
    kt_eq(trap_count, 0, "WBINVD is ignored for a domU", "cache_op: !cache_flush_permitted");
    TRIGGER("xor %%ecx, %%ecx", "rdpmc", "");
    check_frame(&trap_log[0], 13, 1, 0, trig_fault, 1, "RDPMC with CR4.PCE clear: #GP(0)");
    TRIGGER("", "hlt", "");
    check_frame(&trap_log[0], 13, 1, 0, trig_fault, 1, "HLT is not in the emulated set: #GP(0)");
    TRIGGER("", "invlpg (%%rsp)", "");
    check_frame(&trap_log[0], 13, 1, 0, trig_fault, 1, "INVLPG: #GP(0)");
}

static long set_iopl(unsigned int iopl)
{
    struct physdev_set_iopl arg = { .iopl = iopl };

    return _hypercall2(long, physdev_op, PHYSDEVOP_set_iopl, &arg);
}

static long set_iobitmap(uint8_t *bitmap, unsigned int ports)
{
    struct physdev_set_iobitmap arg = { .bitmap = bitmap, .nr_ports = ports };

    return _hypercall2(long, physdev_op, PHYSDEVOP_set_iobitmap, &arg);
}

static unsigned int inb_port(unsigned int port)
{
    unsigned char v;

    __asm__ __volatile__("inb %w1, %0" : "=a"(v) : "d"(port));
    return v;
}

static void outb_port(unsigned int port, unsigned int v)
{
    __asm__ __volatile__("outb %b0, %w1" : : "a"(v), "d"(port));
}

static void io_cases(void)
{
    kt_group("privops: I/O and IOPL");
    kt_eq(set_iopl(4), -XEN_EINVAL, "set_iopl 4", "set_iopl.iopl > 3: -EINVAL");
    kt_eq(_hypercall2(long, physdev_op, PHYSDEVOP_set_iopl, (void *)UNMAPPED_VA), -XEN_EFAULT, "set_iopl with an unmapped argument",
          "copy_from_guest: -EFAULT");
    kt_eq(_hypercall2(long, physdev_op, 99, NULL), -XEN_ENOSYS, "physdev_op 99", "do_physdev_op default: -ENOSYS");
    kt_eq(set_iopl(1), 0, "set_iopl 1", "curr->arch.pv.iopl = MASK_INSR(iopl)");
    trap_count = 0;
    __asm__ __volatile__("cli; sti");
    kt_eq(trap_count, 0, "CLI and STI with IOPL 1 do nothing and do not fault", "validate: iopl_ok -> X86EMUL_DONE");
    outb_port(0x80, 0x12);
    kt_eq(trap_count, 0, "OUT with IOPL 1", "guest_io_okay: iopl_ok");
    kt_eq(inb_port(0x80), 0xff, "IN of a port the domU does not own reads all ones", "guest_io_read: ~0");
    outb_port(0x70, 0x8a);
    kt_eq(inb_port(0x70), 0x0a, "port 0x70 latches the RTC index (7 bits)", "rtc_guest_write/read: cmos_idx");
    kt_eq(inb_port(0x71), 0xff, "the RTC data port reads all ones in a domU", "rtc_guest_read: no ioports access");
    unsigned int d = 0;
    __asm__ __volatile__("outl %0, %w1" : : "a"(0x80001234U), "d"(0xcf8));
    __asm__ __volatile__("inl %w1, %0" : "=a"(d) : "d"(0xcf8));
    kt_eq(d, 0x80001234U, "a doubleword at 0xcf8 is the PCI CONFIG_ADDRESS latch", "currd->arch.pci_cf8");
    __asm__ __volatile__("inl %w1, %0" : "=a"(d) : "d"(0xcfc));
    kt_eq(d, 0xffffffffU, "PCI configuration data reads all ones in a domU", "pci_cfg_ok fails");
    unsigned short w = 0;
    __asm__ __volatile__("inw %w1, %0" : "=a"(w) : "d"(0xcf8));
    kt_eq(w, 0xffff, "a word at 0xcf8 is not CONFIG_ADDRESS", "(port == 0xcf8) && (bytes == 4)");
    for (int i = 0; i < 16; i++) {
        io_buffer[i] = 0;
    }
    unsigned long rdi = (unsigned long)io_buffer, rcx = 4;
    __asm__ __volatile__("rep insb" : "+D"(rdi), "+c"(rcx) : "d"(0x80) : "memory");
    kt_check(io_buffer[0] == 0xff && io_buffer[3] == 0xff && io_buffer[4] == 0 && rcx == 0 && rdi == (unsigned long)io_buffer + 4,
             "REP INSB fills ES:RDI and advances RDI/RCX", "rep_ins", "");
    io_buffer[0] = 0x11;
    io_buffer[1] = 0x22;
    io_buffer[2] = 0x33;
    unsigned long rsi = (unsigned long)io_buffer;
    rcx = 3;
    __asm__ __volatile__("rep outsb" : "+S"(rsi), "+c"(rcx) : "d"(0x70) : "memory");
    kt_eq(inb_port(0x70), 0x33, "REP OUTSB writes each byte in turn", "rep_outs");
    rdi = (unsigned long)&io_buffer[9];
    rcx = 2;
    __asm__ __volatile__("std; rep insb; cld" : "+D"(rdi), "+c"(rcx) : "d"(0x80) : "memory");
    kt_eq(rdi, (unsigned long)&io_buffer[7], "with DF set INS steps backwards", "offset -= bytes_per_rep");
    io_value = UNMAPPED_VA;
    TRIGGER("mov io_value(%%rip), %%rdi\n\tmov $0x80, %%edx", "insb", "");
    check_frame(&trap_log[0], 14, 1, 0x2, trig_fault, 1, "INS into an unmapped page: #PF(write)");
    kt_eq(read_cr(2), UNMAPPED_VA, "the #PF names the INS destination", "x86_emul_pagefault(PFEC_write_access, addr)");
    io_value = HYPERVISOR_VA;
    TRIGGER("mov io_value(%%rip), %%rdi\n\tmov $0x80, %%edx", "insb", "");
    check_frame(&trap_log[0], 13, 1, 0, trig_fault, 1, "INS into the hypervisor's range: #GP(0)");
    kt_eq(set_iopl(0), 0, "set_iopl 0", "pv.iopl = 0");
    TRIGGER("", "cli", "");
    check_frame(&trap_log[0], 13, 1, 0, trig_fault, 1, "CLI with IOPL 0: #GP(0)");
    kt_eq(HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_architectural_iopl), 0, "enable architectural_iopl",
          "do_vm_assist");
    trap_count = 0;
    __asm__ __volatile__("cli; sti");
    outb_port(0x80, 0);
    kt_eq(trap_count, 0, "with architectural_iopl the kernel counts as ring 0: IOPL 0 suffices", "iopl_ok: cpl 0");
    kt_eq(HYPERVISOR_vm_assist(VMASST_CMD_disable, VMASST_TYPE_architectural_iopl), 0, "disable architectural_iopl",
          "do_vm_assist");
    TRIGGER("xor %%eax, %%eax", "outb %%al, $0x80", "");
    check_frame(&trap_log[0], 13, 1, 0, trig_fault, 1, "without it the kernel is ring 1 again: OUT #GP(0)");
    for (unsigned int i = 0; i < sizeof(io_bitmap); i++) {
        io_bitmap[i] = 0xff;
    }
    io_bitmap[0x80 >> 3] = (uint8_t)~(1 << (0x80 & 7));
    kt_eq(set_iobitmap(io_bitmap, 0x100), 0, "set_iobitmap for ports 0-0xff", "pv.iobmp, pv.iobmp_nr");
    trap_count = 0;
    outb_port(0x80, 0);
    kt_eq(trap_count, 0, "a port whose bitmap bit is clear is allowed", "(mask & bits) == 0");
    TRIGGER("xor %%eax, %%eax", "outb %%al, $0x81", "");
    check_frame(&trap_log[0], 13, 1, 0, trig_fault, 1, "a port whose bit is set: #GP(0)");
    TRIGGER("mov $0x7f, %%edx", "inw %%dx, %%ax", "");
    check_frame(&trap_log[0], 13, 1, 0, trig_fault, 1, "a word access needs both ports' bits clear: #GP(0)");
    TRIGGER("mov $0x100, %%edx", "inb %%dx, %%al", "");
    check_frame(&trap_log[0], 13, 1, 0, trig_fault, 1, "a port beyond nr_ports: #GP(0)");
    TRIGGER("", "cli", "");
    check_frame(&trap_log[0], 13, 1, 0, trig_fault, 1, "the I/O bitmap does not allow CLI: #GP(0)");
    kt_eq(set_iobitmap(io_bitmap, 65537), -XEN_EINVAL, "set_iobitmap with 65537 ports", "nr_ports > 65536: -EINVAL");
    kt_eq(set_iobitmap((uint8_t *)HYPERVISOR_VA, 16), -XEN_EINVAL, "set_iobitmap in the hypervisor's range",
          "!guest_handle_okay: -EINVAL");
    kt_eq(_hypercall2(long, physdev_op, PHYSDEVOP_set_iobitmap, (void *)NON_CANONICAL_VA), -XEN_EFAULT,
          "set_iobitmap with a non-canonical argument", "copy_from_guest: -EFAULT");
    kt_eq(set_iobitmap((uint8_t *)UNMAPPED_VA, 0x100), 0, "a bitmap on an unmapped page is accepted",
          "only the handle's range is checked");
    TRIGGER("xor %%eax, %%eax", "outb %%al, $0x80", "");
    check_frame(&trap_log[0], 14, 1, 0, trig_fault, 1, "reading an unmapped bitmap: #PF");
    kt_eq(read_cr(2), UNMAPPED_VA + (0x80 >> 3), "the #PF names the bitmap byte", "x86_emul_pagefault(0, addr)");
    set_iobitmap(NULL, 0);
}

void privops_tests(void)
{
    msr_cases();
    control_register_cases();
    io_cases();
}
