/*
 * pvmmu: page tables as types: pinning, linking by reference, linear entries,
 * upper-level flags, base pointers.
 */
#include "pvmmu.h"

#define E(x) ((unsigned long)-(long)(XEN_##x))
#define TABLE (P | RW | US | ACC)

/* Links table child into slot idx of table parent by mmu_update. */
static long link(unsigned long parent, unsigned int idx, unsigned long child, unsigned long flags)
{
    return mmu1((parent << 12) + idx * 8, child << 12 | flags);
}

static void pin_tests(void)
{
    unsigned long a = alloc_mfn(), b = alloc_mfn(), c = alloc_mfn(), d = alloc_mfn();

    kt_group("pinning");
    kt_eq(ext1(MMUEXT_PIN_L1_TABLE, a, 0), 0, "pin a zeroed frame as L1", "get_page_type(PGT_l1_page_table)");
    kt_eq(ext1(MMUEXT_PIN_L1_TABLE, a, 0), E(EINVAL), "pin it again", "already pinned: -EINVAL");
    kt_eq(ext1(MMUEXT_PIN_L2_TABLE, a, 0), E(EINVAL), "pin it as L2", "bad type: -EINVAL");
    kt_eq(window(20, a, P | RW | US), E(EBUSY), "map the pinned L1 writable", "get_page_type(PGT_writable_page): -EBUSY");
    kt_eq(window(20, a, P | US), 0, "map it read-only", "a table may be read");
    kt_eq(mmu1(a << 12, d << 12 | P | RW | US), 0, "fill the pinned L1 by mmu_update", "mod_l1_entry");
    kt_eq(entry_of(a, 0) & ~GLB, d << 12 | P | RW | US, "the entry is there", "the table holds it");
    kt_eq(ext1(MMUEXT_UNPIN_TABLE, a, 0), 0, "unpin", "put_page_and_type");
    kt_eq(ext1(MMUEXT_UNPIN_TABLE, a, 0), E(EINVAL), "unpin again", "not pinned: -EINVAL");
    kt_eq(window(21, a, P | RW | US), 0, "map the unpinned table writable", "its type count is 0: it may become writable");
    kt_eq(ext1(MMUEXT_PIN_L1_TABLE, a, 0), E(EINVAL), "pin while a writable mapping exists", "PGT_writable_page in use: -EINVAL");
    unwindow(21);
    kt_eq(ext1(MMUEXT_PIN_L1_TABLE, a, 0), 0, "pin once the writable mapping is gone", "the type changes back");
    kt_eq(ext1(MMUEXT_PIN_L1_TABLE, 0x10, 0), E(EINVAL), "pin a free frame", "get_page_from_gfn: -EINVAL");
    kt_eq(ext1(MMUEXT_PIN_L4_TABLE, 0x7ffffffUL, 0), E(EINVAL), "pin a frame beyond memory", "-EINVAL");
    kt_eq(ext1(MMUEXT_UNPIN_TABLE, 0x10, 0), E(EINVAL), "unpin a free frame", "-EINVAL");
    kt_eq(ext1(MMUEXT_PIN_L2_TABLE, b, 0), 0, "pin an empty L2", "promote_l2_table");
    kt_eq(link(b, 3, a, TABLE), 0, "link the pinned L1 into it", "get_page_from_l2e");
    kt_eq(link(b, 4, a, TABLE), 0, "link it twice", "two type references");
    kt_eq(mmu1((c << 12), a << 12 | P | US), 0, "c maps the L1 read-only while untyped", "data write");
    kt_eq(ext1(MMUEXT_PIN_L1_TABLE, c, 0), 0, "pin c as an L1 mapping a table read-only", "get_page_from_l1e");
    kt_eq(ext1(MMUEXT_UNPIN_TABLE, c, 0), 0, "unpin c", "demote_l1_table");
    kt_eq(mmu1((c << 12) + 8, b << 12 | P | RW | US), 0, "c now maps the L2 writable", "data write");
    kt_eq(ext1(MMUEXT_PIN_L1_TABLE, c, 0), E(EBUSY), "pin c as L1", "writable mapping of an L2: -EBUSY");
    kt_eq(link(b, 5, c, TABLE), E(EBUSY), "link c into the L2", "its validation fails: -EBUSY");
    kt_eq(mmu1((c << 12) + 8, 0), 0, "clear c's bad entry", "c is still untyped");
    kt_eq(link(b, 5, c, TABLE), 0, "link c now", "validated by the reference");
    kt_eq(ext1(MMUEXT_UNPIN_TABLE, a, 0), 0, "unpin the linked L1", "linked: stays typed");
    kt_eq(window(22, a, P | RW | US), E(EBUSY), "map it writable", "typed by the L2's references: -EBUSY");
    kt_eq(link(b, 3, 0, 0), 0, "unlink once", "put_page_from_l2e");
    kt_eq(link(b, 4, 0, 0), 0, "unlink twice", "the last type reference");
    kt_eq(window(22, a, P | RW | US), 0, "map it writable now", "untyped again");
    unwindow(22);
    unwindow(20);
    kt_eq(ext1(MMUEXT_UNPIN_TABLE, b, 0), 0, "unpin the L2", "demote_l2_table drops its links");
    kt_eq(window(22, c, P | RW | US), 0, "c is no longer a table", "the cascade untyped it");
    unwindow(22);
}

static void upper_tests(void)
{
    unsigned long l2 = alloc_mfn(), l1 = alloc_mfn(), l3 = alloc_mfn();

    kt_group("upper levels");
    kt_eq(ext1(MMUEXT_PIN_L2_TABLE, l2, 0), 0, "pin an L2", "promote_l2_table");
    kt_eq(link(l2, 0, l1, TABLE | PSE), E(EINVAL), "an L2 entry with PSE", "no superpages for PV: -EINVAL");
    kt_eq(link(l2, 0, l1, TABLE | PWT), E(EINVAL), "an L2 entry with PWT", "L2_DISALLOW_MASK");
    kt_eq(link(l2, 0, l1, TABLE | PCD), E(EINVAL), "an L2 entry with PCD", "-EINVAL");
    kt_eq(link(l2, 0, l1, TABLE | GLB), E(EINVAL), "an L2 entry with GLOBAL", "-EINVAL");
    kt_eq(link(l2, 0, l1, TABLE | NX | (1UL << 60)), 0, "NX and available bits in an L2 entry", "allowed");
    kt_eq(entry_of(l2, 0) & US, US, "an L2 entry gets _PAGE_USER", "adjust_guest_l2e");
    kt_eq(link(l2, 0, 0x10, TABLE), E(EINVAL), "an L2 entry to a free frame", "get_page_from_mfn: -EINVAL");
    kt_eq(link(l2, 0, t1, TABLE & ~US), 0, "an L2 entry without _PAGE_USER", "accepted");
    kt_eq(entry_of(l2, 0) & US, US, "it is forced", "adjust_guest_l2e");
    kt_eq(link(l2, 0, 0, 0), 0, "clear it", "put_page_from_l2e");
    kt_eq(ext1(MMUEXT_PIN_L3_TABLE, l3, 0), 0, "pin an L3", "promote_l3_table");
    kt_eq(link(l3, 0, l2, TABLE | PSE), E(EINVAL), "an L3 entry with PSE", "1 GiB pages refused: -EINVAL");
    kt_eq(link(l3, 0, l1, TABLE), 0, "an L3 entry to an untyped frame", "becomes an L2 by reference");
    kt_eq(ext1(MMUEXT_PIN_L1_TABLE, l1, 0), E(EINVAL), "pin that frame as L1", "it is an L2 now: -EINVAL");
    kt_eq(link(l3, 0, 0, 0), 0, "unlink it", "its type goes");
    kt_eq(ext1(MMUEXT_PIN_L1_TABLE, l1, 0), 0, "now it pins as L1", "type count 0: the type changes");
    kt_eq(link(l3, 1, l1, TABLE), E(EINVAL), "an L3 entry to an L1", "bad type: -EINVAL");
    kt_eq(ext1(MMUEXT_UNPIN_TABLE, l1, 0), 0, "unpin the L1", "put_page_and_type");
    kt_eq(ext1(MMUEXT_UNPIN_TABLE, l3, 0), 0, "unpin the L3", "put_page_and_type");
    kt_eq(ext1(MMUEXT_UNPIN_TABLE, l2, 0), 0, "unpin the L2", "put_page_and_type");
}

static void linear_tests(void)
{
    unsigned long a = alloc_mfn(), b = alloc_mfn(), c = alloc_mfn();

    kt_group("linear page tables");
    kt_eq(ext1(MMUEXT_PIN_L2_TABLE, a, 0), 0, "pin L2 a", "promote_l2_table");
    kt_eq(ext1(MMUEXT_PIN_L2_TABLE, b, 0), 0, "pin L2 b", "promote_l2_table");
    kt_eq(ext1(MMUEXT_PIN_L2_TABLE, c, 0), 0, "pin L2 c", "promote_l2_table");
    kt_eq(link(a, 0, a, P | US), 0, "a maps itself read-only", "a self-referencing linear entry takes no reference");
    kt_eq(link(a, 1, a, P | RW | US), E(EINVAL), "a maps itself writable", "linear p.t. with write perms: -EINVAL");
    kt_eq(link(a, 2, b, P | US), 0, "a -> b read-only", "get_l2_linear_pagetable");
    kt_eq(link(a, 3, b, P | RW | US), E(EINVAL), "a -> b writable", "-EINVAL");
    kt_eq(link(b, 0, c, P | US), E(EINVAL), "b -> c: a chain", "b is a linear target: no linear entries in it");
    kt_eq(link(c, 0, a, P | US), E(EINVAL), "c -> a: a chain", "a has linear entries: it cannot be a target");
    kt_eq(link(c, 0, b, P | US), 0, "c -> b: b is a target twice", "inc_linear_uses");
    kt_eq(window(23, b, P | RW | US), E(EBUSY), "map b writable", "an L2 in use: -EBUSY");
    kt_eq(ext1(MMUEXT_UNPIN_TABLE, b, 0), 0, "unpin b", "still linked by a and c");
    kt_eq(window(23, b, P | RW | US), E(EBUSY), "still not writable", "typed by the linear references");
    kt_eq(link(a, 2, 0, 0), 0, "drop a -> b", "dec_linear_uses");
    kt_eq(link(c, 0, 0, 0), 0, "drop c -> b", "the last reference: b is untyped");
    kt_eq(window(23, b, P | RW | US), 0, "b may be mapped writable now", "type count 0");
    unwindow(23);
    kt_eq(link(b, 0, c, P | US), 0, "b -> c while b is untyped", "a plain data write");
    kt_eq(ext1(MMUEXT_PIN_L2_TABLE, b, 0), 0, "pin b again", "promote_l2_table validates its linear entry");
    kt_eq(link(b, 0, c, P | US), 0, "b -> c now", "b is no longer a target");
    kt_eq(ext1(MMUEXT_UNPIN_TABLE, a, 0), 0, "unpin a (with its self entry)", "put_page_from_l2e skips the self entry");
    kt_eq(ext1(MMUEXT_UNPIN_TABLE, c, 0), 0, "unpin c (b still links it)", "stays typed");
    kt_eq(ext1(MMUEXT_UNPIN_TABLE, b, 0), 0, "unpin b", "the chain is undone");
    kt_eq(window(23, c, P | RW | US), 0, "c is free of types", "the cascade dropped it");
    unwindow(23);
}

static long vm_assist(unsigned int cmd, unsigned int type)
{
    return _hypercall2(long, vm_assist, cmd, type);
}

static void baseptr_tests(void)
{
    unsigned long n = alloc_mfn(), u = alloc_mfn(), d = alloc_mfn();
    const unsigned long *boot_l4 = (const unsigned long *)sdk_start_info->pt_base;
    unsigned int i;
    long rc = 0;

    kt_group("base pointers");
    for (i = 0; i < 512; i++) {
        if ((i < 256 || i > 271) && (boot_l4[i] & P)) {
            rc |= mmu1((n << 12) + i * 8, boot_l4[i]);
        }
    }
    kt_eq(rc, 0, "copy the boot L4's guest entries to a new frame", "data writes");
    kt_eq(mmu1((n << 12) + 256 * 8, 0x1234567UL << 12 | P), 0, "garbage in its slot 256", "untyped: data");
    kt_eq(mmu1((n << 12) + 260 * 8, 0x1234567UL << 12 | P), 0, "garbage in its slot 260", "untyped: data");
    kt_eq(window(24, d, P | RW | US), 0, "map a data frame writable", "mod_l1_entry");
    kt_eq(ext1(MMUEXT_NEW_BASEPTR, d, 0), E(EINVAL), "NEW_BASEPTR to a frame mapped writable",
          "get_page_and_type(PGT_root_page_table): -EINVAL");
    unwindow(24);
    kt_eq(ext1(MMUEXT_NEW_BASEPTR, n, 0), 0, "NEW_BASEPTR to the copy", "new_guest_cr3 validates it");
    kt_eq(entry_of(n, 256), boot_l4[256], "Xen's slot 256 is the M2P again", "init_xen_l4_slots");
    kt_eq(entry_of(n, 260), 0, "and its other slots are Xen's", "init_xen_l4_slots");
    kt_eq(mfn_to_pfn(l4_mfn), virt_to_pfn((void *)sdk_start_info->pt_base), "the M2P reads through the new L4",
          "slot 256 mapped");
    kt_eq(window(24, n, P | RW | US), E(EBUSY), "map the running L4 writable", "-EBUSY");
    kt_eq(ext1(MMUEXT_UNPIN_TABLE, n, 0), E(EINVAL), "unpin the running L4", "never pinned: -EINVAL");
    kt_eq(ext1(MMUEXT_NEW_BASEPTR, n, 0), 0, "NEW_BASEPTR to the same table", "write_ptbase only");
    kt_eq(ext1(MMUEXT_NEW_BASEPTR, l4_mfn, 0), 0, "back to the boot L4", "the copy loses its base reference");
    kt_eq(window(24, n, P | RW | US), 0, "the copy is untyped again", "put_page_and_type of the old base");
    unwindow(24);
    kt_eq(ext1(MMUEXT_NEW_BASEPTR, 0x10, 0), E(EINVAL), "NEW_BASEPTR to a free frame", "-EINVAL");

    kt_eq(ext1(MMUEXT_NEW_USER_BASEPTR, u, 0), 0, "NEW_USER_BASEPTR to an empty frame", "validated as an L4");
    kt_eq(window(24, u, P | RW | US), E(EBUSY), "map the user L4 writable", "it holds an L4 type reference");
    kt_eq(ext1(MMUEXT_NEW_USER_BASEPTR, u, 0), 0, "the same table again", "old == new: nothing to do");
    kt_eq(ext1(MMUEXT_NEW_USER_BASEPTR, d, 0), 0, "another empty frame", "the old one is released");
    kt_eq(window(24, u, P | RW | US), 0, "the old user L4 is untyped", "put_page_and_type");
    unwindow(24);
    kt_eq(ext1(MMUEXT_NEW_USER_BASEPTR, t1, 0), E(EINVAL), "NEW_USER_BASEPTR to an L1", "bad type: -EINVAL");
    kt_eq(ext1(MMUEXT_NEW_USER_BASEPTR, 0, 0), 0, "NEW_USER_BASEPTR 0", "no user table");

    kt_group("vm_assist");
    kt_eq(vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables), 0, "enable writable_pagetables", "set_bit");
    kt_eq(vm_assist(VMASST_CMD_disable, VMASST_TYPE_writable_pagetables), 0, "disable it", "clear_bit");
    kt_eq(vm_assist(VMASST_CMD_enable, 6), E(EINVAL), "type 6", "not in PV64_VM_ASSIST_MASK: -EINVAL");
    kt_eq(vm_assist(VMASST_CMD_enable, 64), E(EINVAL), "type 64", "type >= BITS_PER_LONG: -EINVAL");
    kt_eq(vm_assist(2, VMASST_TYPE_writable_pagetables), E(ENOSYS), "command 2", "-ENOSYS");
    kt_eq(vm_assist(2, 6), E(EINVAL), "command 2 with type 6", "the type is checked first");
    kt_eq(vm_assist(VMASST_CMD_enable, VMASST_TYPE_m2p_strict), 0, "enable m2p_strict", "set_bit");
    kt_eq(ext1(MMUEXT_NEW_USER_BASEPTR, u, 0), 0, "a user L4 under m2p_strict", "validated");
    kt_eq(entry_of(u, 256), 0, "it does not see the M2P", "zap_ro_mpt");
    kt_eq(ext1(MMUEXT_NEW_USER_BASEPTR, 0, 0), 0, "drop it", "no user table");
    kt_eq(vm_assist(VMASST_CMD_disable, VMASST_TYPE_m2p_strict), 0, "disable m2p_strict", "clear_bit");
}

void table_tests(void)
{
    pin_tests();
    audit();
    upper_tests();
    audit();
    linear_tests();
    audit();
    baseptr_tests();
}
