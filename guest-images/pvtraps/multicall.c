/*
 * multicall (common/multicall.c with the x86 PV dispositions), vm_assist with
 * every type Xen offers a 64-bit PV guest, and fpu_taskswitch.
 */
#include "pvtraps.h"

extern char mc_iret_back[];

static multicall_entry_t batch[200];
static volatile unsigned long mc_rax, mc_rsp;

static void entry(multicall_entry_t *e, unsigned long op, unsigned long a0, unsigned long a1)
{
    e->op = op;
    e->result = 0x5a5a5a5aUL;
    e->args[0] = a0;
    e->args[1] = a1;
    for (int i = 2; i < 6; i++) {
        e->args[i] = 0;
    }
}

static void multicall_cases(void)
{
    kt_group("multicall");
    kt_eq(HYPERVISOR_multicall(batch, 0), 0, "an empty batch", "do_multicall: nr_calls 0");
    long version = HYPERVISOR_xen_version(XENVER_version, NULL);
    entry(&batch[0], __HYPERVISOR_xen_version, XENVER_version, 0);
    entry(&batch[1], __HYPERVISOR_set_segment_base, 4, 0);
    entry(&batch[2], 60, 0, 0);
    entry(&batch[3], ~0UL, 0, 0);
    entry(&batch[4], __HYPERVISOR_vm_assist, VMASST_CMD_enable, VMASST_TYPE_runstate_update_flag);
    kt_eq(HYPERVISOR_multicall(batch, 5), 0, "a batch of five returns 0 whatever the entries return", "rc stays 0");
    kt_eq(batch[0].result, (unsigned long)version, "each entry gets its call's result", "__copy_field_to_guest(result)");
    kt_eq(batch[1].result, (unsigned long)-XEN_EINVAL, "a failing entry gets its error", "per-entry result");
    kt_eq(batch[2].result, (unsigned long)-XEN_ENOSYS, "an op without a handler", "call_handlers_pv64: -ENOSYS");
    kt_eq(batch[3].result, (unsigned long)-XEN_ENOSYS, "op ~0", "-ENOSYS");
    kt_eq(batch[4].result, 0, "entries after failing ones still run", "the batch goes on");
    entry(&batch[0], __HYPERVISOR_multicall, (unsigned long)&batch[1], 1);
    entry(&batch[1], __HYPERVISOR_xen_version, XENVER_version, 0);
    entry(&batch[2], __HYPERVISOR_xen_version, XENVER_version, 0);
    kt_eq(HYPERVISOR_multicall(batch, 3), 0, "a batch containing a multicall", "reentry refused per entry");
    kt_eq(batch[0].result, (unsigned long)-XEN_EINVAL, "the nested multicall is -EINVAL", "_MCSF_in_multicall: -EINVAL");
    kt_eq(batch[1].result, (unsigned long)version, "and its list is not run by it (only by the outer batch)", "no nesting");
    kt_eq(batch[2].result, (unsigned long)version, "the outer batch goes on", "mc_continue");
    kt_eq(HYPERVISOR_multicall((multicall_entry_t *)UNMAPPED_VA, 1), -XEN_EFAULT, "an unmapped list", "__copy_from_guest: -EFAULT");
    kt_eq(HYPERVISOR_multicall((multicall_entry_t *)HYPERVISOR_VA, 1), -XEN_EFAULT, "a list in the hypervisor's range",
          "!guest_handle_okay: -EFAULT");
    kt_eq(HYPERVISOR_multicall((multicall_entry_t *)NON_CANONICAL_VA, 1), -XEN_EFAULT, "a non-canonical list", "-EFAULT");
    kt_eq(raw_hypercall2(__HYPERVISOR_multicall, (unsigned long)batch, 1UL << 60), -XEN_EFAULT,
          "nr_calls whose byte size overflows", "array_access_ok: count < ~0UL / size");
    kt_eq(HYPERVISOR_multicall((multicall_entry_t *)UNMAPPED_VA, 0), 0, "an unmapped list of no entries", "nothing read");
    for (int i = 0; i < 200; i++) {
        entry(&batch[i], __HYPERVISOR_vm_assist, i & 1 ? VMASST_CMD_disable : VMASST_CMD_enable,
              i % 3 == 0 ? 6 : VMASST_TYPE_4gb_segments);
    }
    kt_eq(HYPERVISOR_multicall(batch, 200), 0, "a batch of 200, preempted and continued on the way", "hypercall_create_continuation");
    int good = 1;
    for (int i = 0; i < 200; i++) {
        good &= batch[i].result == (i % 3 == 0 ? (unsigned long)-XEN_EINVAL : 0);
    }
    kt_check(good, "every one of the 200 entries has its own result", "continuation resumes at the next entry", "");

    /* iret inside a batch: returns to the frame on the stack and ends the batch (XSA-213). */
    entry(&batch[0], __HYPERVISOR_xen_version, XENVER_version, 0);
    entry(&batch[1], __HYPERVISOR_iret, 0, 0);
    entry(&batch[2], __HYPERVISOR_vm_assist, VMASST_CMD_enable, VMASST_TYPE_4gb_segments);
    __asm__ __volatile__("mov %%rsp, %%rbx\n\t"
                         "and $~15, %%rsp\n\t"
                         "mov %%rsp, %%rcx\n\t"
                         "pushq $0xe02b\n\t"       /* ss */
                         "push %%rcx\n\t"          /* rsp */
                         "pushq $0x2\n\t"          /* rflags: IF clear keeps events masked */
                         "pushq $0xe030\n\t"       /* cs (kernel, RPL 0) */
                         "lea mc_iret_back(%%rip), %%rax\n\t"
                         "push %%rax\n\t"          /* rip */
                         "pushq $0\n\t"            /* flags */
                         "pushq $0x1111\n\t"       /* rcx */
                         "pushq $0x2222\n\t"       /* r11 */
                         "pushq $0x7777\n\t"       /* rax */
                         "lea batch(%%rip), %%rdi\n\t"
                         "mov $3, %%esi\n\t"
                         "mov $13, %%eax\n\t"
                         "syscall\n\t"
                         "ud2\n"
                         "mc_iret_back:\n\t"
                         "mov %%rax, mc_rax(%%rip)\n\t"
                         "mov %%rsp, mc_rsp(%%rip)\n\t"
                         "mov %%rbx, %%rsp\n"
                         : : : "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "memory", "cc");
    kt_eq(mc_rax, 0x7777, "iret in a batch returns to its frame with the frame's RAX", "do_iret from a multicall");
    kt_eq(batch[1].result, 0x7777, "the iret entry's result is that RAX", "mc_exit: result copied");
    kt_eq(batch[0].result, (unsigned long)version, "the entry before it ran", "per-entry result");
    kt_eq(batch[2].result, 0x5a5a5a5aUL, "the entry after it never runs", "mc_exit ends the batch (XSA-213)");
}

static void vm_assist_cases(void)
{
    static const unsigned int valid[] = { VMASST_TYPE_4gb_segments, VMASST_TYPE_4gb_segments_notify,
                                          VMASST_TYPE_writable_pagetables, VMASST_TYPE_pae_extended_cr3,
                                          VMASST_TYPE_architectural_iopl, VMASST_TYPE_runstate_update_flag,
                                          VMASST_TYPE_m2p_strict };
    static const unsigned int invalid[] = { 6, 7, 31, 33, 63, 64, 0xffffffffU };
    char name[64];

    kt_group("vm_assist");
    for (unsigned int i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
        snprintf(name, sizeof(name), "enable type %u", valid[i]);
        kt_eq(HYPERVISOR_vm_assist(VMASST_CMD_enable, valid[i]), 0, name, "PV64_VM_ASSIST_MASK: set_bit");
        snprintf(name, sizeof(name), "disable type %u", valid[i]);
        kt_eq(HYPERVISOR_vm_assist(VMASST_CMD_disable, valid[i]), 0, name, "clear_bit");
    }
    for (unsigned int i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
        snprintf(name, sizeof(name), "type %u", invalid[i]);
        kt_eq(HYPERVISOR_vm_assist(VMASST_CMD_enable, invalid[i]), -XEN_EINVAL, name, "!test_bit(type, &valid): -EINVAL");
    }
    kt_eq(HYPERVISOR_vm_assist(2, VMASST_TYPE_4gb_segments), -XEN_ENOSYS, "command 2 with a valid type", "default: -ENOSYS");
    kt_eq(HYPERVISOR_vm_assist(2, 6), -XEN_EINVAL, "command 2 with an invalid type", "the type is checked first: -EINVAL");
    kt_eq(raw_hypercall2(__HYPERVISOR_vm_assist, 1UL << 32 | VMASST_CMD_enable, VMASST_TYPE_4gb_segments), 0,
          "cmd is an unsigned int (upper bits ignored)", "unsigned int cmd");

    kt_group("fpu_taskswitch");
    kt_eq(HYPERVISOR_fpu_taskswitch(1), 0, "set", "do_fpu_taskswitch returns 0");
    kt_eq(HYPERVISOR_fpu_taskswitch(0), 0, "clear", "do_fpu_taskswitch returns 0");
}

void multicall_tests(void)
{
    multicall_cases();
    vm_assist_cases();
}
