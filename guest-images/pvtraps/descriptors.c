/*
 * Descriptor tables and segments: set_gdt and update_descriptor with Xen's
 * check_descriptor, segment register loads and far transfers checked against
 * the guest's GDT as the hardware checks them at CPL 3, LAR/LSL/VERR/VERW
 * reading the guest's tables, and SGDT/SIDT/SLDT/STR as Xen's guests see them.
 *
 * The GDT page is filled by plain writes, then remapped read-only with
 * update_va_mapping (no writable mapping may remain when it becomes a
 * descriptor page); after set_gdt it changes only through update_descriptor.
 */
#include "pvtraps.h"

extern char trap_np[], trap_ss[];


/* Guest GDT slots (selector = index * 8 | RPL). */
#define D_CODE64     0x00affb000000ffffUL /* 1: 0x0b  */
#define D_DATA       0x00cff3000000ffffUL /* 2: 0x13  */
#define D_DATA_BASED 0x12cff3345000ffffUL /* 3: 0x1b, base 0x12345000 */
#define D_DATA_DPL0  0x00cf93000000ffffUL /* 4: 0x23, fixed to DPL 3 */
#define D_DATA_NP    0x00cf73000000ffffUL /* 5: 0x2b, not present */
#define D_DATA_RO    0x00cff1000000ffffUL /* 6: 0x33, read-only */
#define D_CODE_XO    0x00aff9000000ffffUL /* 7: 0x3b, execute-only */
#define D_CODE32     0x00cffb000000ffffUL /* 8: 0x43, compatibility mode */
#define D_CODE64_NP  0x00af7b000000ffffUL /* 9: 0x4b, not present */
#define D_DATA_SMALL 0x0040f30000001234UL /* 10: 0x53, byte limit 0x1234 */
#define D_CODE_CONF  0x00afff000000ffffUL /* 11: 0x5b, conforming */
#define D_TSS        0x0000890000000067UL
#define D_INTGATE    0x00008e0000080000UL
#define CALL_GATE(target, dpl) (0x00008c0000000000UL | (unsigned long)(dpl) << 45 | (unsigned long)(target) << 16)
#define GDT_ENTRIES  16

struct far_pointer {
    unsigned long offset;
    unsigned short selector;
} __attribute__((packed));

static unsigned long gdt_page[512] __attribute__((aligned(4096)));
static unsigned long spare_page[512] __attribute__((aligned(4096)));
unsigned long desc_frames[2];
struct far_pointer desc_far_target;
volatile unsigned long desc_reached;

static unsigned long mfn_of(const void *page)
{
    return pfn_to_mfn(virt_to_pfn(page));
}

static unsigned long l4_mfn(void)
{
    return pfn_to_mfn(virt_to_pfn((void *)sdk_start_info->pt_base));
}

/* Maps a page of the boot mapping read-only or writable again. */
static long map_page(void *va, int writable)
{
    unsigned long pte = mfn_of(va) << 12 | 0x65UL | (writable ? 0x2UL : 0);

    return HYPERVISOR_update_va_mapping((unsigned long)va, pte, UVMF_INVLPG);
}

static long set_gdt(const unsigned long *frames, unsigned int entries)
{
    return _hypercall2(long, set_gdt, frames, entries);
}

static long update_descriptor(unsigned long ma, unsigned long desc)
{
    return _hypercall2(long, update_descriptor, ma, desc);
}

static unsigned long slot_ma(unsigned int index)
{
    return (mfn_of(gdt_page) << 12) + index * 8UL;
}

static void set_gdt_tests(void)
{
    unsigned long l4_frame[1] = { l4_mfn() };

    kt_group("set_gdt");
    for (int i = 0; i < 512; i++) {
        gdt_page[i] = 0;
        spare_page[i] = 0;
    }
    gdt_page[1] = D_CODE64;
    gdt_page[2] = D_DATA;
    gdt_page[3] = D_DATA_BASED;
    gdt_page[4] = D_DATA_DPL0;
    gdt_page[5] = D_DATA_NP;
    gdt_page[6] = D_DATA_RO;
    gdt_page[7] = D_CODE_XO;
    gdt_page[8] = D_CODE32;
    gdt_page[9] = D_CODE64_NP;
    gdt_page[10] = D_DATA_SMALL;
    gdt_page[11] = D_CODE_CONF;
    desc_frames[0] = mfn_of(gdt_page);
    kt_eq(set_gdt(desc_frames, 14 * 512 + 1), -XEN_EINVAL, "7169 entries (into Xen's reserved page)",
          "entries > FIRST_RESERVED_GDT_ENTRY: -EINVAL");
    kt_eq(set_gdt((void *)UNMAPPED_VA, 1), -XEN_EFAULT, "unmapped frame list", "copy_from_guest: -EFAULT");
    kt_eq(set_gdt((void *)HYPERVISOR_VA, 1), -XEN_EFAULT, "frame list in the hypervisor range", "-EFAULT");
    kt_eq(set_gdt((void *)NON_CANONICAL_VA, 1), -XEN_EFAULT, "non-canonical frame list", "-EFAULT");
    kt_eq(set_gdt(desc_frames, GDT_ENTRIES), -XEN_EINVAL, "a frame that is still mapped writable",
          "get_page_type(PGT_seg_desc_page) fails: -EINVAL");
    kt_eq(set_gdt(l4_frame, 1), -XEN_EINVAL, "the L4 page table as a GDT frame",
          "a page table is not a descriptor page: -EINVAL");
    kt_eq(map_page(gdt_page, 0), 0, "the GDT page remapped read-only", "update_va_mapping");
    desc_frames[0] = 0x7fffffffUL;
    kt_eq(set_gdt(desc_frames, 1), -XEN_EINVAL, "a frame outside machine memory", "mfn_valid: -EINVAL");
    desc_frames[0] = mfn_of(spare_page);
    spare_page[3] = D_TSS;
    map_page(spare_page, 0);
    kt_eq(set_gdt(desc_frames, 1), -XEN_EINVAL, "a frame holding a TSS descriptor",
          "validate_segdesc_page checks all 512: -EINVAL");
    map_page(spare_page, 1);
    spare_page[3] = CALL_GATE(0xe008, 3);
    map_page(spare_page, 0);
    kt_eq(set_gdt(desc_frames, 1), -XEN_EINVAL, "a frame holding a call gate into Xen's code segment",
          "guest_gate_selector_okay: -EINVAL");
    kt_eq(map_page(spare_page, 1), 0, "a refused frame can be mapped writable again", "its type reference was dropped");
    spare_page[3] = 0;
    desc_frames[0] = mfn_of(gdt_page);
    desc_frames[1] = 0x7fffffffUL;
    kt_eq(set_gdt(desc_frames, 513), -XEN_EINVAL, "a good frame then a bad one", "every frame checked: -EINVAL");
    kt_eq(set_gdt(desc_frames, GDT_ENTRIES), 0, "16 entries in one owned frame", "pv_set_gdt");
    kt_eq(gdt_page[4], D_DATA_DPL0 | 3UL << 45, "a DPL 0 descriptor is raised to DPL 3 in place",
          "check_descriptor: __fixup_guest_selector");
    kt_eq(gdt_page[5], D_DATA_NP, "a not-present descriptor is left as it is", "!_SEGMENT_P: always faults, safe");
    kt_eq(map_page(gdt_page, 1), -XEN_EBUSY, "a descriptor page cannot be mapped writable",
          "get_page_from_l1e: get_page_type(PGT_writable_page) fails, -EBUSY");
}

static void update_descriptor_tests(void)
{
    kt_group("update_descriptor");
    kt_eq(update_descriptor(slot_ma(12) + 4, D_DATA), -XEN_EINVAL, "a misaligned address", "!IS_ALIGNED: -EINVAL");
    kt_eq(update_descriptor(slot_ma(12), D_TSS), -XEN_EINVAL, "a TSS descriptor", "not a call gate: -EINVAL");
    kt_eq(update_descriptor(slot_ma(12), D_INTGATE), -XEN_EINVAL, "an interrupt gate", "-EINVAL");
    kt_eq(update_descriptor(slot_ma(12), CALL_GATE(0xe008, 3)), -XEN_EINVAL, "a call gate into Xen's ring-0 code",
          "guest_gate_selector_okay: -EINVAL");
    kt_eq(update_descriptor(slot_ma(12), CALL_GATE(0x0b, 3) | 0x1UL << 32), -XEN_EINVAL,
          "a call gate with reserved bits set", "b & 0xff: -EINVAL");
    kt_eq(update_descriptor(slot_ma(12), CALL_GATE(0x0b, 3)), 0, "a call gate to a guest code segment", "check_descriptor");
    kt_eq(gdt_page[12], CALL_GATE(0x0b, 0) | 3UL << 16, "the gate's DPL moves into the target's RPL, DPL becomes 0",
          "forced DPL 0 for emulation");
    kt_eq(update_descriptor(slot_ma(13), D_DATA_DPL0), 0, "a DPL 0 data descriptor", "accepted");
    kt_eq(gdt_page[13], D_DATA_DPL0 | 3UL << 45, "stored with DPL 3", "__fixup_guest_selector");
    kt_eq(update_descriptor(slot_ma(14), 0x00000c0000000000UL), 0, "a not-present call gate is stored as it is",
          "!_SEGMENT_P");
    kt_eq(update_descriptor(slot_ma(14), 0x0000800000000000UL), 0, "present system type 0 (a gate's upper half)",
          "type 0 is harmless");
    kt_eq(update_descriptor(0x7fffffffUL << 12, D_DATA), -XEN_EINVAL, "a frame outside machine memory",
          "get_page_from_gfn: -EINVAL");
    kt_eq(update_descriptor(slot_ma(15), D_DATA), 0, "a plain data descriptor", "do_update_descriptor");
    kt_eq(update_descriptor((mfn_of(spare_page) << 12) + 8, D_DATA), 0, "into an ordinary writable page",
          "get_page_type(PGT_writable_page)");
    kt_eq(spare_page[1], D_DATA, "the write lands", "ACCESS_ONCE(entry->raw) = d.raw");
    kt_eq(update_descriptor(l4_mfn() << 12, D_DATA), -XEN_EINVAL,
          "into the L4 page table", "a page table cannot be writable: -EINVAL");
}

static unsigned long lar(unsigned long sel, int *zf)
{
    unsigned long v = 0xdeadUL;
    unsigned char z;

    __asm__ __volatile__("lar %2, %0\n\tsetz %1" : "+r"(v), "=q"(z) : "r"(sel) : "cc");
    *zf = z;
    return v;
}

static unsigned long lsl(unsigned long sel, int *zf)
{
    unsigned long v = 0xdeadUL;
    unsigned char z;

    __asm__ __volatile__("lsl %2, %0\n\tsetz %1" : "+r"(v), "=q"(z) : "r"(sel) : "cc");
    *zf = z;
    return v;
}

static int verr(unsigned short sel)
{
    unsigned char z;

    __asm__ __volatile__("verr %1\n\tsetz %0" : "=q"(z) : "r"(sel) : "cc");
    return z;
}

static int verw(unsigned short sel)
{
    unsigned char z;

    __asm__ __volatile__("verw %1\n\tsetz %0" : "=q"(z) : "r"(sel) : "cc");
    return z;
}

static void query_tests(void)
{
    int zf;
    unsigned long v;

    kt_group("lar/lsl/verr/verw");
    v = lar(0x13, &zf);
    kt_eq(zf ? v : 0, 0x00cff300UL, "lar of a guest data segment", "access rights, bits 8-23");
    v = lar(0xe033, &zf);
    kt_eq(zf ? v : 0, 0x00affb00UL, "lar of FLAT_RING3_CS64", "Xen's reserved GDT page");
    v = lar(0xe02b, &zf);
    kt_eq(zf ? v : 0, 0x00cff300UL, "lar of FLAT_RING3_DS32", "Xen's reserved GDT page");
    v = lar(0x2b, &zf);
    kt_eq(zf ? v : 0, 0x00cf7300UL, "lar of a not-present segment succeeds", "LAR does not check P");
    lar(0, &zf);
    kt_eq(zf, 0, "lar of the null selector", "ZF = 0");
    lar(0xe00b, &zf);
    kt_eq(zf, 0, "lar of Xen's ring-0 code segment", "DPL 0 < CPL 3: ZF = 0");
    lar(0xf003, &zf);
    kt_eq(zf, 0, "lar beyond the GDT limit (0xefff)", "ZF = 0");
    lar(0x63, &zf);
    kt_eq(zf, 0, "lar of a call gate Xen forced to DPL 0", "ZF = 0");
    lar(0x1003, &zf);
    kt_eq(zf, 0, "lar of a slot past the guest's frames (zero page)", "empty descriptor: ZF = 0");
    lar(0x0f, &zf);
    kt_eq(zf, 0, "lar of an LDT selector with no LDT", "ZF = 0");
    v = lsl(0x53, &zf);
    kt_eq(zf ? v : 0, 0x1234, "lsl of a byte-granular segment", "limit");
    v = lsl(0x13, &zf);
    kt_eq(zf ? v : 0, 0xffffffffUL, "lsl of a page-granular 4 GiB segment", "limit << 12 | 0xfff");
    lsl(0xe043, &zf);
    kt_eq(zf, 0, "lsl of Xen's TSS", "DPL 0: ZF = 0");
    kt_eq(verr(0x0b), 1, "verr of readable code", "ZF = 1");
    kt_eq(verr(0x3b), 0, "verr of execute-only code", "ZF = 0");
    kt_eq(verr(0x33), 1, "verr of read-only data", "ZF = 1");
    kt_eq(verw(0x13), 1, "verw of writable data", "ZF = 1");
    kt_eq(verw(0x33), 0, "verw of read-only data", "ZF = 0");
    kt_eq(verw(0x0b), 0, "verw of a code segment", "ZF = 0");
    kt_eq(verr(0xe013), 0, "verr of Xen's ring-0 data segment", "DPL 0: ZF = 0");
    kt_eq(verr(0x5b), 1, "verr of conforming code", "no DPL check");
}

static void load_tests(void)
{
    const struct trap_record *r = &trap_log[0];
    unsigned int sel;

    kt_group("segment loads");
    TRIGGER("mov $0x13, %%eax", "mov %%eax, %%ds", "");
    __asm__ __volatile__("mov %%ds, %0" : "=r"(sel));
    kt_eq(trap_count == 0 ? sel : 0, 0x13, "mov ds with a guest data segment", "loads");
    TRIGGER("mov $0x0b, %%eax", "mov %%eax, %%es", "");
    __asm__ __volatile__("mov %%es, %0" : "=r"(sel));
    kt_eq(trap_count == 0 ? sel : 0, 0x0b, "mov es with readable code", "loads");
    TRIGGER("mov $0x10, %%eax", "mov %%eax, %%ds", "");
    kt_eq(trap_count, 0, "mov ds with RPL 0 below DPL 3", "RPL <= DPL: loads");
    TRIGGER("xor %%eax, %%eax", "mov %%eax, %%ds", "");
    kt_eq(trap_count, 0, "mov ds with the null selector", "null loads into DS/ES/FS/GS");
    TRIGGER("mov $0xe02b, %%eax", "mov %%eax, %%ds", "");
    kt_eq(trap_count, 0, "mov ds with FLAT_RING3_DS32", "Xen's reserved selector");
    TRIGGER("mov $0x1b, %%eax", "mov %%eax, %%fs", "");
    kt_eq(rdmsr(MSR_FS_BASE), 0x12345000UL, "mov fs takes the descriptor's base", "FS.base = base");
    TRIGGER("xor %%eax, %%eax", "mov %%eax, %%fs", "");
    kt_eq(rdmsr(MSR_FS_BASE), 0, "mov fs with null clears the base", "Intel: null selector, base 0");
    unsigned long gs_kernel = rdmsr(MSR_GS_BASE);
    TRIGGER("mov $0x1b, %%eax\n\tpush %%rax", "pop %%gs", "");
    kt_eq(rdmsr(MSR_GS_BASE), 0x12345000UL, "pop gs loads selector and base", "POP Sreg");
    wrmsr(MSR_GS_BASE, gs_kernel);
    TRIGGER("mov $0x2b, %%eax", "mov %%eax, %%ds", "");
    check_frame(r, 11, 1, 0x28, trig_fault, 1, "mov ds with a not-present segment: #NP(0x28)");
    TRIGGER("mov $0x3b, %%eax", "mov %%eax, %%ds", "");
    check_frame(r, 13, 1, 0x38, trig_fault, 1, "mov ds with execute-only code: #GP(0x38)");
    TRIGGER("mov $0xf003, %%eax", "mov %%eax, %%ds", "");
    check_frame(r, 13, 1, 0xf000, trig_fault, 1, "mov ds beyond the GDT limit: #GP(0xf000)");
    TRIGGER("mov $0xe013, %%eax", "mov %%eax, %%ds", "");
    check_frame(r, 13, 1, 0xe010, trig_fault, 1, "mov ds with Xen's ring-0 data: #GP(0xe010)");
    TRIGGER("mov $0x0f, %%eax", "mov %%eax, %%ds", "");
    check_frame(r, 13, 1, 0x0c, trig_fault, 1, "mov ds with an LDT selector and no LDT: #GP(0x0c)");
    TRIGGER("mov $0x1003, %%eax", "mov %%eax, %%ds", "");
    check_frame(r, 13, 1, 0x1000, trig_fault, 1, "mov ds with a slot past the guest's frames: #GP(0x1000)");
    TRIGGER("mov $0x63, %%eax", "mov %%eax, %%fs", "");
    check_frame(r, 13, 1, 0x60, trig_fault, 1, "mov fs with a call gate: #GP(0x60)");
    TRIGGER("xor %%eax, %%eax", "mov %%eax, %%ss", "");
    check_frame(r, 13, 1, 0, trig_fault, 1, "mov ss with null: #GP(0)");
    TRIGGER("mov $0x33, %%eax", "mov %%eax, %%ss", "");
    check_frame(r, 13, 1, 0x30, trig_fault, 1, "mov ss with read-only data: #GP(0x30)");
    TRIGGER("mov $0x10, %%eax", "mov %%eax, %%ss", "");
    check_frame(r, 13, 1, 0x10, trig_fault, 1, "mov ss with RPL 0: #GP(0x10)");
    TRIGGER("mov $0x2b, %%eax", "mov %%eax, %%ss", "");
    check_frame(r, 12, 1, 0x28, trig_fault, 1, "mov ss with a not-present segment: #SS(0x28)");
    TRIGGER("mov $0x13, %%eax", "mov %%eax, %%ss", "mov $0xe02b, %%eax\n\tmov %%eax, %%ss");
    kt_eq(trap_count, 0, "mov ss with writable DPL 3 data", "loads");
    kt_eq(_hypercall2(long, set_segment_base, SEGBASE_GS_USER_SEL, 0x18), 0, "set_segment_base GS_USER_SEL with a guest selector",
          "do_set_segment_base");
    __asm__ __volatile__("mov %%gs, %0" : "=r"(sel));
    kt_eq(sel, 0x1b, "GS holds the selector with RPL 3", "sel |= 3");
    kt_eq(rdmsr(MSR_SHADOW_GS_BASE), 0x12345000UL, "the user GS base comes from its descriptor", "gs_base_user = read_gs_base()");
    kt_eq(rdmsr(MSR_GS_BASE), gs_kernel, "the kernel's GS base stays active", "swapgs around the load");
    kt_eq(_hypercall2(long, set_segment_base, SEGBASE_GS_USER_SEL, 0x2b), 0, "GS_USER_SEL with a not-present segment",
          "never fails");
    __asm__ __volatile__("mov %%gs, %0" : "=r"(sel));
    kt_eq(sel | rdmsr(MSR_SHADOW_GS_BASE), 0, "loads the null selector and base 0 instead", "fixup: NUL the selector");
    TRIGGER("", ".byte 0x8e, 0xc8", "");
    check_frame(r, 6, 0, 0, trig_fault, 1, "mov cs: #UD");
    TRIGGER("", ".byte 0x8e, 0xf0", "");
    check_frame(r, 6, 0, 0, trig_fault, 1, "mov to segment register 6: #UD");
    TRIGGER("mov $0x1000, %%ebx", "mov (%%rbx), %%ds", "");
    kt_eq(trap_count == 1 ? trap_log[0].vector : 0, 14, "mov ds from an unmapped operand: #PF", "operand read first");
    __asm__ __volatile__("mov %0, %%ds\n\tmov %0, %%es" : : "r"(0) : "memory");
}

static void table_register_tests(void)
{
    unsigned char gdtr[10], idtr[10];
    unsigned long sel = 0xffffffffffffffffUL;
    unsigned short ldtr = 0xffff;

    kt_group("sgdt/sidt/sldt/str");
    __asm__ __volatile__("sgdt %0" : "=m"(gdtr));
    __asm__ __volatile__("sidt %0" : "=m"(idtr));
    kt_eq(*(unsigned short *)gdtr, 0xefff, "sgdt limit", "LAST_RESERVED_GDT_BYTE");
    kt_eq(*(unsigned long *)(gdtr + 2), 0xffff820000000000UL, "sgdt base", "GDT_VIRT_START(v) for vCPU 0");
    kt_eq(*(unsigned short *)idtr, 0xfff, "sidt limit", "256 16-byte gates");
    kt_check(*(unsigned long *)(idtr + 2) >= HYPERVISOR_VA && *(unsigned long *)(idtr + 2) < 0xffff880000000000UL,
             "sidt base in the hypervisor's range", "Xen's IDT", "");
    __asm__ __volatile__("sldt %0" : "=m"(ldtr));
    kt_eq(ldtr, 0, "sldt without an LDT", "lldt(0)");
    __asm__ __volatile__("str %0" : "+r"(sel));
    kt_eq(sel, 0xe040, "str to a 64-bit register", "TSS_SELECTOR, zero-extended");
}

void desc_target(void);
void desc_far_function(void);
__asm__(".text\n"
        "desc_target:\n\t"
        "incq desc_reached(%rip)\n\t"
        "jmp *trap_resume(%rip)\n"
        "desc_far_function:\n\t"
        "incq desc_reached(%rip)\n\t"
        "lretq\n");

static void far_transfer_tests(void)
{
    const struct trap_record *r = &trap_log[0];

    kt_group("far transfers");
    desc_reached = 0;
    TRIGGER("lea 1f(%%rip), %%rax\n\tpushq $0xe033\n\tpush %%rax", "lretq", "");
    kt_eq(trap_count, 0, "lretq to FLAT_RING3_CS64", "same-privilege far return");
    TRIGGER("mov %%rsp, %%rbx\n\tlea 2f(%%rip), %%rax\n\tpushq $0x0b\n\tpush %%rax",
            "lretq\n2: mov %%cs, %%eax\n\tmov %%eax, desc_reached(%%rip)\n\tlea 1f(%%rip), %%rax\n\tpushq $0xe033\n\tpush %%rax\n\tlretq",
            "mov %%rbx, %%rsp");
    kt_eq(trap_count == 0 ? desc_reached : 0, 0x0b, "lretq to a guest 64-bit code segment and back", "CS = 0x0b");
    TRIGGER("mov %%rsp, %%rbx\n\tlea 1f(%%rip), %%rax\n\tpushq $0\n\tpush %%rax", "lretq", "mov %%rbx, %%rsp");
    check_frame(r, 13, 1, 0, trig_fault, 1, "lretq to the null selector: #GP(0)");
    TRIGGER("mov %%rsp, %%rbx\n\tlea 1f(%%rip), %%rax\n\tpushq $0x13\n\tpush %%rax", "lretq", "mov %%rbx, %%rsp");
    check_frame(r, 13, 1, 0x10, trig_fault, 1, "lretq to a data segment: #GP(0x10)");
    TRIGGER("mov %%rsp, %%rbx\n\tlea 1f(%%rip), %%rax\n\tpushq $0xe030\n\tpush %%rax", "lretq", "mov %%rbx, %%rsp");
    check_frame(r, 13, 1, 0xe030, trig_fault, 1, "lretq to RPL 0 (more privilege): #GP(0xe030)");
    TRIGGER("mov %%rsp, %%rbx\n\tlea 1f(%%rip), %%rax\n\tpushq $0x4b\n\tpush %%rax", "lretq", "mov %%rbx, %%rsp");
    check_frame(r, 11, 1, 0x48, trig_fault, 1, "lretq to a not-present code segment: #NP(0x48)");
    TRIGGER("mov %%rsp, %%rbx\n\tmov $0x8000000000000000, %%rax\n\tpushq $0xe033\n\tpush %%rax", "lretq", "mov %%rbx, %%rsp");
    check_frame(r, 13, 1, 0, trig_fault, 1, "lretq to a non-canonical RIP: #GP(0)");
    desc_far_target.offset = (unsigned long)desc_target;
    desc_far_target.selector = 0xe033;
    desc_reached = 0;
    TRIGGER("", "rex.w ljmp *desc_far_target(%%rip)", "");
    kt_eq(trap_count == 0 ? desc_reached : 0, 1, "ljmp through memory to FLAT_RING3_CS64", "far JMP m16:64");
    desc_far_target.selector = 0x63;
    TRIGGER("", "rex.w ljmp *desc_far_target(%%rip)", "");
    check_frame(r, 13, 1, 0x60, trig_fault, 1, "ljmp through a call gate Xen forced to DPL 0: #GP(0x60)");
    desc_far_target.offset = (unsigned long)desc_far_function;
    desc_far_target.selector = 0xe033;
    desc_reached = 0;
    TRIGGER("", "rex.w lcall *desc_far_target(%%rip)", "");
    kt_eq(trap_count == 0 ? desc_reached : 0, 1, "lcall through memory and lretq back", "far CALL m16:64");
    TRIGGER("mov $0x8000000000000000, %%rbx", "rex.w ljmp *(%%rbx)", "");
    check_frame(r, 13, 1, 0, trig_fault, 1, "ljmp through a non-canonical pointer: #GP(0)");
}

void descriptor_tests(void)
{
    static trap_info_t seg_traps[] = {
        { 11, 0, 0xe030, (unsigned long)trap_np }, { 12, 0, 0xe030, (unsigned long)trap_ss }, { 0, 0, 0, 0 },
    };

    _hypercall1(long, set_trap_table, seg_traps);
    set_gdt_tests();
    update_descriptor_tests();
    query_tests();
    load_tests();
    table_register_tests();
    far_transfer_tests();
    call_gate_tests();
}

/* "fatal=ljmp-compat": a far jump into the guest's 32-bit code segment stops the domain. */
void descriptor_fatal_compat(void)
{
    set_gdt_tests();
    desc_far_target.offset = 0x1000;
    desc_far_target.selector = 0x43;
    __asm__ __volatile__("rex.w ljmp *desc_far_target(%%rip)" : : : "memory");
}
