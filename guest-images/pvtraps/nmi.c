/*
 * VCPUOP_send_nmi: the NMI pending bit, taken on the way back to the guest
 * and bounced to the NMI callback (trap-table vector 2), dropped when no
 * callback is registered, and Xen's -EINVAL and -ENOENT cases; then
 * "callback_after" is the NMI callback again.
 */
#include "pvtraps.h"
#include <xen/vcpu.h>

extern char trap_nmi[];

static long send_nmi(unsigned int vcpu, void *arg)
{
    return HYPERVISOR_vcpu_op(VCPUOP_send_nmi, vcpu, arg);
}

static long nmi_callback(unsigned long address)
{
    if (address == 0) {
        callback_unregister_t unreg = { .type = CALLBACKTYPE_nmi };

        return _hypercall2(long, callback_op, CALLBACKOP_unregister, &unreg);
    }
    callback_register_t reg = { .type = CALLBACKTYPE_nmi, .flags = 0, .address = address };

    return _hypercall2(long, callback_op, CALLBACKOP_register, &reg);
}

void nmi_tests(unsigned long callback_after)
{
    unsigned long stub = (unsigned long)hypercall_page + __HYPERVISOR_vcpu_op * 32;
    long rc;

    kt_group("send_nmi");
    kt_eq(nmi_callback(0), 0, "no NMI callback", "unregister_guest_nmi_callback");
    trap_count = 0;
    rc = send_nmi(0, NULL);
    kt_eq(rc, 0, "send_nmi to itself without a callback", "VCPUOP_send_nmi: 0");
    kt_eq(trap_count, 0, "the NMI is dropped", "set_guest_nmi_trapbounce finds no handler");

    kt_eq(nmi_callback((unsigned long)trap_nmi), 0, "register the NMI callback", "trap_ctxt[TRAP_nmi]");
    trap_count = 0;
    trap_resume = 0;
    rc = send_nmi(0, NULL);
    kt_eq(rc, 0, "send_nmi to itself", "VCPUOP_send_nmi: 0, the return value kept across the NMI");
    kt_eq(trap_count, 1, "one NMI taken on the way back to the guest", "process_nmi");
    kt_eq(trap_log[0].vector, 2, "delivered to the NMI callback", "TRAP_nmi");
    kt_eq(trap_log[0].frame[2] >= stub && trap_log[0].frame[2] < stub + 32, 1,
          "the frame's RIP is the hypercall's return", "after the syscall in the hypercall page");
    trap_count = 0;
    rc = send_nmi(0, NULL);
    kt_eq(trap_count, 1, "a second NMI after the first handler's iret", "nmi_masked cleared by HYPERVISOR_iret");

    trap_count = 0;
    kt_eq(send_nmi(0, (void *)0x1000), -XEN_EINVAL, "send_nmi with an argument", "!guest_handle_is_null: -EINVAL");
    kt_eq(send_nmi(1, NULL), -XEN_ENOENT, "send_nmi to a vCPU the domain lacks", "-ENOENT");
    kt_eq(send_nmi(0xffffffffU, NULL), -XEN_ENOENT, "send_nmi to vCPU 0xffffffff", "-ENOENT");
    kt_eq(trap_count, 0, "no NMI from the failed calls", "nmi_pending unchanged");
    kt_eq(nmi_callback(callback_after), 0, "the earlier NMI callback back", "trap_ctxt[TRAP_nmi]");
}
