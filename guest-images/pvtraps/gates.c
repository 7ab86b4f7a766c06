/*
 * Call gates in a 64-bit PV guest. update_descriptor accepts a call gate to a
 * guest code segment but stores it with DPL 0 (the guest's DPL moved into the
 * target selector's RPL), so every far CALL or JMP through it faults. Xen
 * emulates gate transfers only for 32-bit PV vCPUs (do_general_protection calls
 * pv_emulate_gate_op when is_pv_32bit_vcpu); a 64-bit guest gets the #GP with
 * the gate's selector as it is, and nothing is pushed or transferred. Runs
 * while the descriptor cases' GDT is loaded: slot 12 (0x60) holds the gate,
 * slot 14 (0x70) a present system descriptor of type 0.
 */
#include "pvtraps.h"

struct far_pointer {
    unsigned long offset;
    unsigned short selector;
} __attribute__((packed));

extern struct far_pointer desc_far_target;
extern volatile unsigned long desc_reached;
void gate_far_function(void);
__asm__(".text\n"
        "gate_far_function:\n\t"
        "incq desc_reached(%rip)\n\t"
        "lretq\n");

static void far_call_faults(unsigned short selector, unsigned long ec, const char *what)
{
    desc_far_target.offset = (unsigned long)gate_far_function;
    desc_far_target.selector = selector;
    desc_reached = 0;
    TRIGGER("", "rex.w lcall *desc_far_target(%%rip)", "");
    check_frame(&trap_log[0], 13, 1, ec, trig_fault, 1, what);
    kt_eq(desc_reached, 0, "the gate's target did not run", "pv_emulate_gate_op is 32-bit PV only");
}

static void far_jump_faults(unsigned short selector, unsigned long ec, const char *what)
{
    desc_far_target.offset = (unsigned long)gate_far_function;
    desc_far_target.selector = selector;
    desc_reached = 0;
    TRIGGER("", "rex.w ljmp *desc_far_target(%%rip)", "");
    check_frame(&trap_log[0], 13, 1, ec, trig_fault, 1, what);
}

void call_gate_tests(void)
{
    kt_group("call gates (64-bit PV)");
    far_call_faults(0x63, 0x60, "lcall through the call gate with RPL 3: #GP(0x60), passed on as is");
    far_call_faults(0x60, 0x60, "lcall through the call gate with RPL 0: #GP(0x60)");
    far_jump_faults(0x60, 0x60, "ljmp through the call gate with RPL 0: #GP(0x60)");
    far_call_faults(0x73, 0x70, "lcall through a system descriptor of type 0: #GP(0x70)");
}
