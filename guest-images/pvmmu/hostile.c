/*
 * pvmmu: the hostile PV MMU cases (XSA-148, XSA-182, XSA-240 classes):
 * every way of getting a writable mapping of one's own page tables, linear
 * chains, stale translations across a type change. The hypervisor's checker
 * audits frames and TLB after each.
 */
#include "pvmmu.h"

#define E(x) ((unsigned long)-(long)(XEN_##x))

static unsigned long boot_table(int level)
{
    const unsigned long *l4 = (const unsigned long *)sdk_start_info->pt_base;
    unsigned long va = SDK_VIRT_BASE;
    unsigned long mfn = l4_mfn, e;
    int l;

    for (l = 4; l > level; l--) {
        e = entry_of(mfn, (unsigned int)((va >> (12 + 9 * (l - 1))) & 511));
        mfn = (e & ADDR_MASK) >> 12;
    }
    (void)l4;
    return mfn;
}

void hostile_tests(void)
{
    unsigned long l3 = boot_table(3), l2 = boot_table(2), l1 = boot_table(1);
    unsigned long l1e = (t1 << 12) + 30 * 8;
    unsigned long d = alloc_mfn(), s = alloc_mfn();
    volatile unsigned long *w = (volatile unsigned long *)WINDOW(31);
    unsigned long before;

    kt_group("hostile: direct writable mappings");
    kt_eq(window(30, l4_mfn, P | RW | US), E(EBUSY), "the boot L4 writable", "PGT_l4_page_table in use: -EBUSY");
    kt_eq(window(30, l3, P | RW | US), E(EBUSY), "a boot L3 writable", "-EBUSY");
    kt_eq(window(30, l2, P | RW | US), E(EBUSY), "a boot L2 writable", "-EBUSY");
    kt_eq(window(30, l1, P | RW | US), E(EBUSY), "a boot L1 writable", "-EBUSY");
    kt_eq(window(30, t1, P | RW | US), E(EBUSY), "the L1 holding this very entry", "-EBUSY");
    kt_eq(mmu1(l1e, t2 << 12 | P | RW | US), E(EBUSY), "an L2 writable by mmu_update", "-EBUSY");
    kt_eq(mmu1(l1e | MMU_PT_UPDATE_PRESERVE_AD, t3 << 12 | P | RW | US), E(EBUSY), "an L3 writable with PRESERVE_AD",
          "-EBUSY");
    kt_eq(entry_of(t1, 30), 0, "nothing was written", "the entry stays empty");
    audit();

    kt_group("hostile: read-write flips (XSA-182)");
    kt_eq(window(30, l1, P | US), 0, "a boot L1 read-only", "tables may be read");
    kt_eq(window(30, l1, P | RW | US), E(EBUSY), "flip it writable with update_va_mapping", "R/W is not a fast-path bit");
    kt_eq(mmu1(l1e, l1 << 12 | P | RW | US | ACC | DIRTY), E(EBUSY), "flip it writable with mmu_update", "-EBUSY");
    kt_eq(mmu1(l1e | MMU_PT_UPDATE_PRESERVE_AD, l1 << 12 | P | RW | US), E(EBUSY), "flip it with PRESERVE_AD", "-EBUSY");
    kt_eq(entry_of(t1, 30) & RW, 0, "the entry is still read-only", "nothing written");
    kt_eq(mmu1(l1e, l1 << 12 | P | US | NX | GLB | ACC | DIRTY), 0, "change only fast-path bits", "no re-validation needed");
    kt_eq(mmu1(l1e, l4_mfn << 12 | P | US), 0, "retarget the read-only entry to the L4", "re-validated");
    kt_eq(mmu1(l1e, 0), 0, "clear it", "put_page_from_l1e");
    audit();

    kt_group("hostile: superpages (XSA-148)");
    kt_eq(mmu1((t2 << 12) + 8, l2 << 12 | P | RW | US | PSE), E(EINVAL), "a PSE L2 entry over the boot tables",
          "no superpages: -EINVAL");
    kt_eq(mmu1((t2 << 12) + 8, 0UL << 12 | P | RW | US | PSE), E(EINVAL), "a PSE L2 entry over machine frame 0",
          "-EINVAL");
    kt_eq(mmu1((t3 << 12) + 8, 0UL << 12 | P | RW | US | PSE), E(EINVAL), "a 1 GiB PSE L3 entry", "-EINVAL");
    kt_eq(entry_of(t2, 1), 0, "the L2 entry stays empty", "nothing written");
    audit();

    kt_group("hostile: linking tables writable");
    kt_eq(mmu1((t2 << 12) + 8, t2 << 12 | P | RW | US), E(EINVAL), "an L2 linking itself writable",
          "linear p.t. with write perms: -EINVAL");
    kt_eq(mmu1((t2 << 12) + 8, l2 << 12 | P | RW | US), E(EINVAL), "an L2 linking another L2 writable", "-EINVAL");
    kt_eq(mmu1((t2 << 12) + 8, t2 << 12 | P | US), 0, "an L2 linking itself read-only", "allowed");
    kt_eq(((volatile unsigned long *)(TEST_VA + (1UL << 21) + 4096))[0] & ADDR_MASK, t1 << 12,
          "its own entries are visible as data", "the linear mapping");
    kt_eq(mmu1((t2 << 12) + 8, 0), 0, "remove it", "put_page_from_l2e");
    kt_eq(mmu1((l4_mfn << 12) + 65 * 8, l4_mfn << 12 | P | RW | US), E(EINVAL), "the L4 linking itself writable",
          "-EINVAL");
    kt_eq(mmu1((l4_mfn << 12) + 65 * 8, l4_mfn << 12 | P | US), 0, "the L4 linking itself read-only", "allowed");
    kt_eq(mmu1((l4_mfn << 12) + 65 * 8, 0), 0, "remove it", "put_page_from_l4e");
    kt_eq(mmu1((t3 << 12) + 8, l3 << 12 | P | US), 0, "an L3 linking the boot L3 read-only", "linear L3");
    kt_eq(mmu1((t3 << 12) + 8, 0), 0, "remove it", "put_page_from_l3e");
    audit();

    kt_group("hostile: stale translations across a type change");
    kt_eq(window(31, d, P | RW | US), 0, "map a frame writable", "mod_l1_entry");
    *w = 2;
    kt_eq(*w, 2, "write it (the TLB now holds the writable translation)", "");
    kt_eq(uvm(WINDOW(31), 0, 0), 0, "unmap it without a flush", "the guest's TLB may keep the translation");
    kt_eq(ext1(MMUEXT_PIN_L1_TABLE, d, 0), 0, "pin the frame as an L1", "the type change flushes stale writable translations");
    audit();
    kt_eq(ext1(MMUEXT_UNPIN_TABLE, d, 0), 0, "unpin it", "put_page_and_type");
    kt_eq(window(31, s, P | RW | US), 0, "map another frame writable", "mod_l1_entry");
    *w = 3;
    kt_eq(mmu1((t1 << 12) + 31 * 8, s << 12 | P | US), 0, "make it read-only by mmu_update, no flush", "the guest's TLB");
    kt_eq(ext1(MMUEXT_PIN_L2_TABLE, s, 0), E(EINVAL), "pin it as an L2: its first entry links frame 0",
          "get_page_from_l2e: -EINVAL");
    before = entry_of(t1, 31);
    kt_eq(before & (P | RW), P, "the read-only mapping stays", "a failed pin changes nothing");
    kt_eq(mmu1((t1 << 12) + 31 * 8, 0), 0, "unmap it", "put_page_from_l1e");
    (void)before;
    audit();
}
