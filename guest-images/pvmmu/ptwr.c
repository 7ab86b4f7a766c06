/*
 * pvmmu: writable page tables (VMASST_TYPE_writable_pagetables): stores into
 * the guest's own L1 tables through read-only mappings, emulated and
 * validated, and every store that must fault.
 */
#include "pvmmu.h"

#define E(x) ((unsigned long)-(long)(XEN_##x))

extern char pf_entry[];
volatile unsigned long pf_count, pf_resume;

/* Each store runs with pf_resume just after it: a #PF skips it. Returns the faults counted. */
static unsigned long store64(volatile unsigned long *p, unsigned long v)
{
    pf_count = 0;
    __asm__ __volatile__("lea 1f(%%rip), %%rax\n\tmov %%rax, pf_resume(%%rip)\n\t"
                         "movq %1, (%0)\n1:" : : "r"(p), "r"(v) : "rax", "memory");
    return pf_count;
}

static unsigned long store32(volatile unsigned long *p, unsigned int v)
{
    pf_count = 0;
    __asm__ __volatile__("lea 1f(%%rip), %%rax\n\tmov %%rax, pf_resume(%%rip)\n\t"
                         "movl %1, (%0)\n1:" : : "r"(p), "r"(v) : "rax", "memory");
    return pf_count;
}

static unsigned long store_imm(volatile unsigned long *p)
{
    pf_count = 0;
    __asm__ __volatile__("lea 1f(%%rip), %%rax\n\tmov %%rax, pf_resume(%%rip)\n\t"
                         "movq $0, 8(%0)\n1:" : : "r"(p) : "rax", "memory");
    return pf_count;
}

static unsigned long xchg64(volatile unsigned long *p, unsigned long *v)
{
    unsigned long value = *v;

    pf_count = 0;
    __asm__ __volatile__("lea 1f(%%rip), %%rax\n\tmov %%rax, pf_resume(%%rip)\n\t"
                         "xchgq %1, (%2)\n1:" : "=r"(value) : "0"(value), "r"(p) : "rax", "memory");
    *v = value;
    return pf_count;
}

static unsigned long cmpxchg64(volatile unsigned long *p, unsigned long *expected, unsigned long v, int *equal)
{
    unsigned long rax = *expected;
    unsigned char zf = 0;

    pf_count = 0;
    __asm__ __volatile__("lea 1f(%%rip), %%rcx\n\tmov %%rcx, pf_resume(%%rip)\n\t"
                         "lock cmpxchgq %3, (%2)\n1:\tsete %1"
                         : "+a"(rax), "=q"(zf) : "r"(p), "r"(v) : "rcx", "memory", "cc");
    *expected = rax;
    *equal = zf;
    return pf_count;
}

static long vm_assist(unsigned int cmd, unsigned int type)
{
    return _hypercall2(long, vm_assist, cmd, type);
}

void ptwr_tests(void)
{
    static trap_info_t traps[] = { { 14, 0, 0xe033, (unsigned long)pf_entry }, { 0, 0, 0, 0 } };
    volatile unsigned long *l1 = (volatile unsigned long *)WINDOW(50);
    volatile unsigned long *l2 = (volatile unsigned long *)WINDOW(51);
    volatile unsigned long *data = (volatile unsigned long *)WINDOW(52);
    unsigned long d = alloc_mfn(), e = alloc_mfn(), v;
    int equal;

    kt_group("writable page tables");
    kt_eq(HYPERVISOR_set_trap_table(traps), 0, "a #PF handler", "set_trap_table");
    kt_eq(window(50, t1, P | US), 0, "map the test L1 read-only", "tables may be read");
    kt_eq(window(51, t2, P | US), 0, "map the test L2 read-only", "tables may be read");
    kt_eq(window(52, d, P | US), 0, "map a data frame read-only", "mod_l1_entry");
    kt_eq(store64(&l1[60], e << 12 | P | RW | US), 1, "a store into the L1 without the assist", "#PF to the guest");
    kt_eq(vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables), 0, "enable writable_pagetables", "set_bit");
    kt_eq(store64(&l1[60], e << 12 | P | RW | US), 0, "a store into the L1", "ptwr_emulated_update");
    kt_eq(entry_of(t1, 60) & ~(ACC | DIRTY), e << 12 | P | RW | US | GLB, "the entry is validated and adjusted",
          "adjust_guest_l1e");
    ((volatile unsigned long *)WINDOW(60))[0] = 0x77;
    kt_eq(((volatile unsigned long *)WINDOW(60))[0], 0x77, "the new mapping works", "the CPU walks it");
    kt_eq(store64(&l1[61], t1 << 12 | P | RW | US), 1, "a store mapping the L1 itself writable", "get_page_from_l1e fails: #PF");
    kt_eq(entry_of(t1, 61), 0, "nothing written", "the entry stays empty");
    kt_eq(store64(&l1[61], e << 12 | P | RW | US | PCD), 1, "a store with PCD", "refused flags: #PF");
    kt_eq(store64((volatile unsigned long *)((unsigned long)&l1[61] + 4), 1), 1, "a misaligned 8-byte store",
          "only naturally aligned stores: #PF");
    kt_eq(store32(&l1[61], (unsigned int)(e << 12 | P | US)), 0, "a 4-byte store of the low half", "merged with the high half");
    kt_eq(entry_of(t1, 61) & ~(ACC | DIRTY | GLB), e << 12 | P | US, "the entry is complete", "sub-word access");
    kt_eq(store32((volatile unsigned long *)((unsigned long)&l1[61] + 4), 0x80000000U), 0, "a 4-byte store of the high half (NX)",
          "merged with the low half");
    kt_eq(entry_of(t1, 61) & NX, NX, "NX is set", "sub-word access");
    kt_eq(store_imm(&l1[60]), 0, "a store of an immediate", "mov $0 unmaps entry 61");
    kt_eq(entry_of(t1, 61), 0, "the entry is gone", "put_page_from_l1e");
    v = d << 12 | P | US;
    kt_eq(xchg64(&l1[62], &v), 0, "xchg into the L1", "emulated");
    kt_eq(v, 0, "xchg returns the old entry", "x86_emulate");
    v = 0;
    kt_eq(cmpxchg64(&l1[62], &v, e << 12 | P | US, &equal), 0, "cmpxchg with a wrong expectation", "emulated");
    kt_eq(equal, 0, "ZF clear", "x86_emulate");
    kt_eq(v & ADDR_MASK, d << 12, "the accumulator gets the entry", "x86_emulate");
    kt_eq(cmpxchg64(&l1[62], &v, e << 12 | P | US, &equal), 0, "cmpxchg with the right expectation", "emulated");
    kt_eq(equal, 1, "ZF set", "x86_emulate");
    kt_eq(entry_of(t1, 62) & ADDR_MASK, e << 12, "the entry changed", "ptwr_emulated_update(do_cmpxchg)");
    kt_eq(store64(&l2[5], e << 12 | P | US), 1, "a store into an L2", "only L1 tables are emulated: #PF");
    kt_eq(store64(data, 5), 1, "a store into a read-only data page", "not a page table: #PF");
    kt_eq(store64(&l1[62], 0), 0, "clear entry 62", "emulated");
    kt_eq(store64(&l1[60], 0), 0, "clear entry 60", "emulated");
    kt_eq(vm_assist(VMASST_CMD_disable, VMASST_TYPE_writable_pagetables), 0, "disable the assist", "clear_bit");
    kt_eq(store64(&l1[60], e << 12 | P | US), 1, "stores fault again", "#PF to the guest");
    unwindow(50);
    unwindow(51);
    unwindow(52);
}
