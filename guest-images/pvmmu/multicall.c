/*
 * pvmmu: multicall, and MMU hypercalls mixed inside one (XSA-286 class: a
 * stale translation must not survive a type change made within the batch).
 */
#include "pvmmu.h"

#define E(x) ((unsigned long)-(long)(XEN_##x))

static multicall_entry_t calls[200];
static mmu_update_t req;
static mmuext_op_t op;

static void set_call(multicall_entry_t *c, unsigned long nr, unsigned long a0, unsigned long a1, unsigned long a2,
                     unsigned long a3)
{
    *c = (multicall_entry_t){ .op = nr, .result = 0x5555, .args = { a0, a1, a2, a3, 0, 0 } };
}

void multicall_tests(void)
{
    unsigned long d = alloc_mfn(), e = alloc_mfn();
    volatile unsigned long *w72 = (volatile unsigned long *)WINDOW(72);
    unsigned int i;
    long rc;

    kt_group("multicall");
    req = (mmu_update_t){ (t1 << 12) + 70 * 8, d << 12 | P | RW | US };
    op = (mmuext_op_t){ .cmd = MMUEXT_TLB_FLUSH_LOCAL };
    set_call(&calls[0], __HYPERVISOR_mmu_update, (unsigned long)&req, 1, 0, DOMID_SELF);
    set_call(&calls[1], __HYPERVISOR_update_va_mapping, WINDOW(71), d << 12 | P | US, UVMF_INVLPG, 0);
    set_call(&calls[2], __HYPERVISOR_mmuext_op, (unsigned long)&op, 1, 0, DOMID_SELF);
    kt_eq(HYPERVISOR_multicall(calls, 3), 0, "mmu_update, update_va_mapping and mmuext_op in one batch", "do_multicall");
    kt_eq(calls[0].result | calls[1].result | calls[2].result, 0, "each result is 0", "call.result");
    *(volatile unsigned long *)WINDOW(70) = 0x3141;
    kt_eq(*(volatile unsigned long *)WINDOW(71), 0x3141, "both new mappings reach the frame", "the calls ran in order");
    set_call(&calls[0], __HYPERVISOR_multicall, (unsigned long)calls, 1, 0, 0);
    set_call(&calls[1], 99, 0, 0, 0, 0);
    set_call(&calls[2], __HYPERVISOR_update_va_mapping, WINDOW(71), d << 12 | P | US | PCD, 0, 0);
    set_call(&calls[3], __HYPERVISOR_update_va_mapping, WINDOW(71), e << 12 | P | US, UVMF_INVLPG, 0);
    kt_eq(HYPERVISOR_multicall(calls, 4), 0, "a batch with failing calls", "failures are per call");
    kt_eq(calls[0].result, E(EINVAL), "a multicall inside a multicall", "reentry is disallowed: -EINVAL");
    kt_eq(calls[1].result, E(ENOSYS), "an unknown hypercall", "-ENOSYS");
    kt_eq(calls[2].result, E(EINVAL), "a refused update", "-EINVAL");
    kt_eq(calls[3].result, 0, "the call after them ran", "the batch goes on");
    kt_eq(HYPERVISOR_multicall(calls, 0), 0, "an empty batch", "0");
    kt_eq(HYPERVISOR_multicall((multicall_entry_t *)UNMAPPED_VA, 1), E(EFAULT), "an unreadable batch", "-EFAULT");
    kt_eq(HYPERVISOR_multicall((multicall_entry_t *)HYPERVISOR_VA, 1), E(EFAULT), "a batch in Xen's range",
          "guest_handle_okay: -EFAULT");
    for (i = 0; i < 200; i++) {
        set_call(&calls[i], __HYPERVISOR_update_va_mapping, WINDOW(73), (i & 1 ? d : e) << 12 | P | US, UVMF_INVLPG, 0);
    }
    rc = HYPERVISOR_multicall(calls, 200);
    for (i = 0; i < 200 && calls[i].result == 0; i++) {
    }
    kt_eq(rc, 0, "a batch of 200 calls", "preempted and continued");
    kt_eq(i, 200, "every call ran once and returned 0", "hypercall_create_continuation");
    uvm(WINDOW(73), 0, UVMF_INVLPG);
    audit();

    kt_group("multicall: stale translations (XSA-286)");
    kt_eq(window(72, e, P | RW | US), 0, "map a frame writable", "mod_l1_entry");
    *w72 = 0;
    kt_eq(*w72, 0, "use it (the TLB holds the writable translation)", "");
    req = (mmu_update_t){ (t1 << 12) + 72 * 8, 0 };
    op = (mmuext_op_t){ .cmd = MMUEXT_PIN_L1_TABLE };
    op.arg1.mfn = e;
    set_call(&calls[0], __HYPERVISOR_mmu_update, (unsigned long)&req, 1, 0, DOMID_SELF);
    set_call(&calls[1], __HYPERVISOR_mmuext_op, (unsigned long)&op, 1, 0, DOMID_SELF);
    kt_eq(HYPERVISOR_multicall(calls, 2), 0, "unmap it without a flush, then pin it, in one batch", "do_multicall");
    kt_eq(calls[0].result | calls[1].result, 0, "both succeed", "the pin changes the type");
    audit();
    kt_eq(ext1(MMUEXT_UNPIN_TABLE, e, 0), 0, "unpin it", "put_page_and_type");
    uvm(WINDOW(70), 0, UVMF_INVLPG);
    uvm(WINDOW(71), 0, UVMF_INVLPG);
}
