/*
 * pvmmu: the test address space, update_va_mapping, mmu_update and mmuext_op.
 */
#include "pvmmu.h"

#define E(x) ((unsigned long)-(long)(XEN_##x))

static unsigned long m2p_l3(void)
{
    return (((const unsigned long *)sdk_start_info->pt_base)[256] & ADDR_MASK) >> 12;
}

void setup_tests(void)
{
    kt_group("setup");
    t3 = alloc_mfn();
    t2 = alloc_mfn();
    t1 = alloc_mfn();
    kt_eq(mmu1(t3 << 12, t2 << 12 | P | RW | US | ACC), 0, "fill a frame of no type",
          "a frame not in use as a table takes PGT_writable_page for the write");
    kt_eq(mmu1(t2 << 12, t1 << 12 | P | RW | US | ACC), 0, "fill a second", "paging_write_guest_entry");
    kt_eq(mmu1((l4_mfn << 12) + TEST_SLOT * 8, t3 << 12 | P | RW | US | ACC), 0, "link a new L3 into the boot L4",
          "mod_l4_entry validates the L3, L2 and L1 by reference");
}

void uvm_tests(void)
{
    unsigned long d = alloc_mfn(), e = alloc_mfn();
    volatile unsigned long *w0 = (volatile unsigned long *)WINDOW(0);
    volatile unsigned long *w1 = (volatile unsigned long *)WINDOW(1);
    volatile unsigned long *w3 = (volatile unsigned long *)WINDOW(3);
    static unsigned long mask = 1, no_vcpus = 0;

    kt_group("update_va_mapping");
    kt_eq(uvm(WINDOW(0), d << 12 | P | RW | US | ACC | DIRTY, UVMF_INVLPG | UVMF_LOCAL), 0, "map a frame of ours writable",
          "mod_l1_entry");
    *w0 = 0x1234;
    kt_eq(*w0, 0x1234, "write and read through the new entry", "the CPU walks the guest's tables");
    kt_eq(entry_of(t1, 0) & ~(ACC | DIRTY), d << 12 | P | RW | US | GLB, "a user entry gets _PAGE_GLOBAL",
          "adjust_guest_l1e");
    kt_eq(uvm(WINDOW(1), d << 12 | P | RW, UVMF_INVLPG), 0, "map a kernel entry (no _PAGE_USER)", "mod_l1_entry");
    kt_eq(entry_of(t1, 1) & ~(ACC | DIRTY), d << 12 | P | RW | US | GUEST_KERNEL, "a kernel entry gets _PAGE_USER and bit 52",
          "adjust_guest_l1e: _PAGE_GUEST_KERNEL");
    kt_eq(*w1, 0x1234, "two mappings of one frame", "both entries reach it");
    kt_eq(uvm(WINDOW(2), d << 12 | P | US | GLB, 0), 0, "_PAGE_GLOBAL in an L1 entry", "L1_DISALLOW_MASK allows it");
    kt_eq(uvm(WINDOW(2), d << 12 | P | US | NX | (7UL << 9) | (1UL << 55), 0), 0, "NX and the available bits",
          "base_disallow_mask allows them");
    kt_eq(uvm(WINDOW(2), d << 12 | P | US | PWT, 0), E(EINVAL), "PWT", "cache attributes are refused: -EINVAL");
    kt_eq(uvm(WINDOW(2), d << 12 | P | US | PCD, 0), E(EINVAL), "PCD", "-EINVAL");
    kt_eq(uvm(WINDOW(2), d << 12 | P | US | PSE, 0), E(EINVAL), "PAT", "-EINVAL");
    kt_eq(uvm(WINDOW(2), d << 12 | P | US | GNTTAB, 0), E(EINVAL), "bit 62", "_PAGE_GNTTAB in L1_DISALLOW_MASK: -EINVAL");
    kt_eq(entry_of(t1, 2) & ADDR_MASK, d << 12, "a refused update leaves the entry", "nothing written on failure");
    kt_eq(uvm(WINDOW(2), 0x7ffffffUL << 12 | P | US, 0), E(EPERM), "a frame beyond machine memory",
          "non-privileged attempt to map MMIO space: -EPERM");
    kt_eq(uvm(WINDOW(2), ADDR_MASK | P | US, 0), E(EINVAL), "the all-ones frame number", "INVALID_MFN: -EINVAL");
    kt_eq(uvm(WINDOW(2), 0x10UL << 12 | P | US, 0), E(EBUSY), "a free frame", "no owner: -EBUSY");
    kt_eq(uvm(WINDOW(2), m2p_l3() << 12 | P | US, 0), E(EBUSY), "Xen's own frame (the M2P's L3)", "owner dom_xen: -EBUSY");
    kt_eq(uvm(WINDOW(2), 0, 0), 0, "clear an entry", "a non-present entry is always accepted");
    kt_eq(uvm(NON_CANONICAL_VA, d << 12 | P | US, 0), E(EINVAL), "a non-canonical address", "__addr_ok: -EINVAL");
    kt_eq(uvm(HYPERVISOR_VA + 0x1000, d << 12 | P | US, 0), E(EINVAL), "an address in Xen's range", "__addr_ok: -EINVAL");
    kt_eq(uvm(UNMAPPED_VA, d << 12 | P | US, 0), E(EINVAL), "an address with no L1", "map_guest_l1e: -EINVAL");
    kt_eq(uvm(0x8000000000001000UL, d << 12 | P | US, UVMF_INVLPG | UVMF_ALL), E(EINVAL),
          "a huge non-canonical address with UVMF_ALL", "no flush of an address that was refused");

    kt_eq(uvm(WINDOW(3), d << 12 | P | RW | US, UVMF_TLB_FLUSH | UVMF_LOCAL), 0, "UVMF_TLB_FLUSH|UVMF_LOCAL", "flush_tlb_local");
    kt_eq(uvm(WINDOW(3), d << 12 | P | RW | US, UVMF_TLB_FLUSH | UVMF_ALL), 0, "UVMF_TLB_FLUSH|UVMF_ALL", "flush_tlb_mask");
    kt_eq(uvm(WINDOW(3), d << 12 | P | RW | US, UVMF_INVLPG | UVMF_ALL), 0, "UVMF_INVLPG|UVMF_ALL", "flush_tlb_one_mask");
    kt_eq(uvm(WINDOW(3), d << 12 | P | RW | US, 3), 0, "flush type 3", "neither flush: nothing done");
    kt_eq(uvm(WINDOW(3), d << 12 | P | RW | US, UVMF_INVLPG | (unsigned long)&mask), 0, "UVMF_INVLPG with a vCPU mask",
          "vcpumask_to_pcpumask");
    kt_eq(uvm(WINDOW(3), d << 12 | P | RW | US, UVMF_TLB_FLUSH | (unsigned long)&no_vcpus), 0, "UVMF_TLB_FLUSH with an empty mask",
          "no vCPU: no flush");
    kt_eq(uvm(WINDOW(3), e << 12 | P | RW | US, UVMF_INVLPG | UNMAPPED_VA), E(EFAULT), "a mask that cannot be read",
          "vcpumask_to_pcpumask: -EFAULT");
    kt_eq(entry_of(t1, 3) & ADDR_MASK, e << 12, "the entry changed all the same", "the update happens before the flush");
    kt_eq(uvm(WINDOW(4), e << 12 | P | RW | US, UVMF_INVLPG), 0, "map a second frame", "mod_l1_entry");
    ((volatile unsigned long *)WINDOW(4))[0] = 0x5678;
    kt_eq(uvm(WINDOW(3), d << 12 | P | RW | US, 0), 0, "remap without a flush", "the guest owns its TLB");
    kt_eq(uvm(WINDOW(3), e << 12 | P | RW | US, UVMF_INVLPG), 0, "remap to the second frame with INVLPG", "paging_invlpg");
    kt_eq(*w3, 0x5678, "the new frame is seen after INVLPG", "no stale translation after the flush");
    kt_eq(uvm(WINDOW(3), d << 12 | P | RW | US, UVMF_TLB_FLUSH), 0, "remap back with a full flush", "flush_tlb_local");
    kt_eq(*w3, 0x1234, "the old frame is seen after the flush", "no stale translation after the flush");
    kt_eq(uvm(WINDOW(3), 0, UVMF_INVLPG), 0, "unmap", "put_page_from_l1e");
    kt_eq(entry_of(t1, 3), 0, "the entry is gone", "mod_l1_entry writes 0");

    kt_group("update_va_mapping_otherdomain");
    kt_eq(uvm_other(WINDOW(3), d << 12 | P | US, UVMF_INVLPG, DOMID_SELF), 0, "DOMID_SELF", "get_pg_owner: the caller");
    kt_eq(uvm_other(WINDOW(3), d << 12 | P | US, 0, self_domid), E(ESRCH), "the caller's own id",
          "cannot specify itself as foreign domain: -ESRCH");
    kt_eq(uvm_other(WINDOW(3), d << 12 | P | US, 0, DOMID_IO), E(EPERM), "DOMID_IO", "xsm_update_va_mapping: -EPERM");
    kt_eq(uvm_other(WINDOW(3), d << 12 | P | US, 0, DOMID_XEN), E(EPERM), "DOMID_XEN", "-EPERM");
    kt_eq(uvm_other(WINDOW(3), d << 12 | P | US, 0, 0x1234), E(ESRCH), "an unknown domain", "-ESRCH");
    kt_eq(uvm_other(WINDOW(3), d << 12 | P | US, 0, DOMID_INVALID), E(ESRCH), "DOMID_INVALID", "-ESRCH");
    kt_eq(uvm_other(WINDOW(3), d << 12 | P | US, 0, 0x10000 | DOMID_SELF), 0, "only the low 16 bits name the domain",
          "domid_t");
    uvm(WINDOW(3), 0, UVMF_INVLPG);
    unwindow(0);
    unwindow(1);
    unwindow(2);
    unwindow(4);
}

void mmu_update_tests(void)
{
    unsigned long d = alloc_mfn(), e = alloc_mfn();
    unsigned long l1e = (t1 << 12) + 8 * 8;
    volatile unsigned long *w8 = (volatile unsigned long *)WINDOW(8);
    mmu_update_t reqs[4];
    unsigned int done;
    unsigned long pfn;

    kt_group("mmu_update");
    kt_eq(mmu1(l1e, d << 12 | P | RW | US), 0, "MMU_NORMAL_PT_UPDATE of an L1 entry", "mod_l1_entry");
    ext1(MMUEXT_INVLPG_LOCAL, WINDOW(8), 0);
    *w8 = 0xabcd;
    kt_eq(entry_of(t1, 8) & (ACC | DIRTY), ACC | DIRTY, "the CPU set accessed and dirty", "hardware A/D");
    kt_eq(mmu1(l1e | MMU_PT_UPDATE_PRESERVE_AD, d << 12 | P | RW | US), 0, "MMU_PT_UPDATE_PRESERVE_AD", "mod_l1_entry");
    kt_eq(entry_of(t1, 8) & (ACC | DIRTY), ACC | DIRTY, "A/D survive the update", "update_intpte(preserve_ad)");
    kt_eq(mmu1(l1e, d << 12 | P | RW | US), 0, "MMU_NORMAL_PT_UPDATE", "mod_l1_entry");
    kt_eq(entry_of(t1, 8) & (ACC | DIRTY), 0, "A/D are replaced", "a plain write");
    kt_eq(mmu1(l1e | MMU_PT_UPDATE_NO_TRANSLATE, d << 12 | P | US), 0, "MMU_PT_UPDATE_NO_TRANSLATE", "as NORMAL for PV");
    kt_eq(mmu1(l1e | 4, 0), E(ENOSYS), "command 4", "default: -ENOSYS");
    kt_eq(mmu1(l1e | 7, 0), E(ENOSYS), "command 7", "-ENOSYS");
    kt_eq(mmu1((e << 12) + 16, 0x1122334455667788UL), 0, "a frame of no type", "written as data (PGT_writable_page)");
    kt_eq(window(9, e, P), 0, "map it read-only", "mod_l1_entry");
    kt_eq(((volatile unsigned long *)WINDOW(9))[2], 0x1122334455667788UL, "the value is there", "paging_write_guest_entry");
    kt_eq(window(10, e, P | RW), 0, "map it writable too", "PGT_writable_page, count 1");
    kt_eq(mmu1((e << 12) + 24, 0x99), 0, "a frame typed writable", "written as data");
    kt_eq(((volatile unsigned long *)WINDOW(9))[3], 0x99, "the value is there", "paging_write_guest_entry");
    kt_eq(mmu1((0x10UL << 12), 0), E(EINVAL), "a free frame", "get_page_from_gfn: -EINVAL");
    kt_eq(mmu1((m2p_l3() << 12), 0), E(EINVAL), "Xen's frame", "-EINVAL");
    kt_eq(mmu1((0x7ffffffUL << 12), 0), E(EINVAL), "a frame beyond machine memory", "-EINVAL");
    kt_eq(mmu1((l4_mfn << 12) + 256 * 8, 0), E(EINVAL), "L4 slot 256 (the M2P)", "Xen-private area: -EINVAL");
    kt_eq(mmu1((l4_mfn << 12) + 271 * 8, 0), E(EINVAL), "L4 slot 271", "is_guest_l4_slot: -EINVAL");
    kt_eq(mmu1((l4_mfn << 12) + 272 * 8, 0), 0, "L4 slot 272", "a guest slot");
    kt_eq(mmu1((l4_mfn << 12) + 255 * 8, 0), 0, "L4 slot 255", "a guest slot");
    kt_eq(mmu1_dom(l1e, d << 12 | P | US, self_domid), E(ESRCH), "foreigndom: the caller's own id", "get_pg_owner: -ESRCH");
    kt_eq(mmu1_dom(l1e, d << 12 | P | US, 0x1234), E(ESRCH), "foreigndom: an unknown domain", "-ESRCH");
    kt_eq(mmu1_dom(l1e, d << 12 | P | US, DOMID_XEN), E(EPERM), "foreigndom: DOMID_XEN", "xsm_mmu_update: -EPERM");
    kt_eq(mmu1_dom(l1e, e << 12 | P | US, DOMID_IO), E(EBUSY), "foreigndom: DOMID_IO maps no RAM", "-EBUSY");
    kt_eq(mmu1_dom(l1e, d << 12 | P | US, (unsigned int)(self_domid + 1) << 16 | DOMID_SELF), 0,
          "table owner: the caller", "pt_dom - 1 == current");
    kt_eq(mmu1_dom(l1e, d << 12 | P | US, 0x1235U << 16 | DOMID_SELF), E(ESRCH), "table owner: an unknown domain",
          "rcu_lock_domain_by_id: -ESRCH");

    kt_group("mmu_update batches");
    reqs[0] = (mmu_update_t){ (t1 << 12) + 9 * 8, d << 12 | P | US };
    reqs[1] = (mmu_update_t){ (t1 << 12) + 10 * 8, d << 12 | P | US | PCD };
    reqs[2] = (mmu_update_t){ (t1 << 12) + 11 * 8, d << 12 | P | US };
    done = 77;
    kt_eq(HYPERVISOR_mmu_update(reqs, 3, &done, DOMID_SELF), E(EINVAL), "a batch stops at its first failure", "-EINVAL");
    kt_eq(done, 1, "done counts the requests before it", "*pdone");
    kt_eq(entry_of(t1, 11), 0, "the requests after it did not run", "break");
    done = 77;
    kt_eq(HYPERVISOR_mmu_update(reqs, 0, &done, DOMID_SELF), 0, "an empty batch", "0");
    kt_eq(done, 0, "done is 0", "*pdone");
    kt_eq(HYPERVISOR_mmu_update((mmu_update_t *)UNMAPPED_VA, 1, NULL, DOMID_SELF), E(EFAULT), "requests at an unmapped address",
          "copy_from_guest: -EFAULT");
    kt_eq(HYPERVISOR_mmu_update((mmu_update_t *)HYPERVISOR_VA, 1, NULL, DOMID_SELF), E(EFAULT),
          "requests in Xen's range", "guest_handle_okay: -EFAULT");
    kt_eq(HYPERVISOR_mmu_update(NULL, MMU_UPDATE_PREEMPTED, NULL, 42), 42, "a continuation of nothing",
          "returns foreigndom (the saved result)");

    kt_group("MMU_MACHPHYS_UPDATE");
    pfn = mfn_to_pfn(d);
    kt_eq(mmu1((d << 12) | MMU_MACHPHYS_UPDATE, 0x4242), 0, "set the M2P entry of a frame of ours", "set_gpfn_from_mfn");
    kt_eq(mfn_to_pfn(d), 0x4242, "the read-only M2P shows it", "machine_to_phys_mapping");
    kt_eq(mmu1((d << 12) | MMU_MACHPHYS_UPDATE, pfn), 0, "and back", "set_gpfn_from_mfn");
    kt_eq(mmu1((m2p_l3() << 12) | MMU_MACHPHYS_UPDATE, 0), E(EINVAL), "a frame of Xen's", "get_page_from_mfn: -EINVAL");
    kt_eq(mmu1((0x10UL << 12) | MMU_MACHPHYS_UPDATE, 0), E(EINVAL), "a free frame", "-EINVAL");
    kt_eq(mmu1_dom((d << 12) | MMU_MACHPHYS_UPDATE, pfn, DOMID_XEN), E(EPERM), "for DOMID_XEN", "xsm_mmu_update: -EPERM");
    kt_eq(mmu1_dom((d << 12) | MMU_MACHPHYS_UPDATE, pfn, DOMID_IO), E(EINVAL), "for DOMID_IO", "not dom_io's frame: -EINVAL");
    mmu1(l1e, 0);
    mmu1((t1 << 12) + 9 * 8, 0);
    unwindow(9);
    unwindow(10);
}

void mmuext_tests(void)
{
    unsigned long d = alloc_mfn(), e = alloc_mfn(), f = alloc_mfn();
    static unsigned long mask = 1;
    mmuext_op_t ops[3];
    unsigned int done;

    kt_group("mmuext_op");
    kt_eq(ext1(MMUEXT_TLB_FLUSH_LOCAL, 0, 0), 0, "TLB_FLUSH_LOCAL", "flush_tlb_local");
    kt_eq(ext1(MMUEXT_TLB_FLUSH_ALL, 0, 0), 0, "TLB_FLUSH_ALL", "flush_tlb_mask");
    kt_eq(ext1(MMUEXT_INVLPG_LOCAL, WINDOW(0), 0), 0, "INVLPG_LOCAL", "paging_invlpg");
    kt_eq(ext1(MMUEXT_INVLPG_LOCAL, NON_CANONICAL_VA, 0), 0, "INVLPG_LOCAL of a non-canonical address",
          "paging_invlpg ignores it");
    kt_eq(ext1(MMUEXT_INVLPG_ALL, HYPERVISOR_VA, 0), 0, "INVLPG_ALL of Xen's range", "__addr_ok fails: nothing to do");
    kt_eq(ext1(MMUEXT_TLB_FLUSH_MULTI, 0, (unsigned long)&mask), 0, "TLB_FLUSH_MULTI", "flush_tlb_mask");
    kt_eq(ext1(MMUEXT_INVLPG_MULTI, WINDOW(0), (unsigned long)&mask), 0, "INVLPG_MULTI", "flush_tlb_one_mask");
    kt_eq(ext1(MMUEXT_TLB_FLUSH_MULTI, 0, UNMAPPED_VA), E(EINVAL), "TLB_FLUSH_MULTI with an unreadable mask",
          "vcpumask_to_pcpumask fails: -EINVAL");
    kt_eq(ext1(MMUEXT_INVLPG_MULTI, 0, HYPERVISOR_VA), E(EINVAL), "INVLPG_MULTI with a mask in Xen's range", "-EINVAL");
    kt_eq(ext1(MMUEXT_FLUSH_CACHE, 0, 0), E(EACCES), "FLUSH_CACHE", "cache_flush_permitted: -EACCES");
    kt_eq(ext1(MMUEXT_FLUSH_CACHE_GLOBAL, 0, 0), E(EACCES), "FLUSH_CACHE_GLOBAL", "-EACCES");
    kt_eq(ext1(MMUEXT_MARK_SUPER, d, 0), E(EOPNOTSUPP), "MARK_SUPER", "-EOPNOTSUPP");
    kt_eq(ext1(MMUEXT_UNMARK_SUPER, d, 0), E(EOPNOTSUPP), "UNMARK_SUPER", "-EOPNOTSUPP");
    kt_eq(ext1(14, 0, 0), E(ENOSYS), "command 14", "default: -ENOSYS");
    kt_eq(ext1(0x12345, 0, 0), E(ENOSYS), "command 0x12345", "-ENOSYS");
    kt_eq(ext1(MMUEXT_SET_LDT, WINDOW(0), 8192), 0, "SET_LDT of 8192 entries", "the limit");
    kt_eq(ext1(MMUEXT_SET_LDT, WINDOW(0), 8193), E(EINVAL), "SET_LDT of 8193 entries", "-EINVAL");
    kt_eq(ext1(MMUEXT_SET_LDT, WINDOW(0) + 8, 16), E(EINVAL), "SET_LDT misaligned", "-EINVAL");
    kt_eq(ext1(MMUEXT_SET_LDT, HYPERVISOR_VA, 16), E(EINVAL), "SET_LDT in Xen's range", "__addr_ok: -EINVAL");
    kt_eq(ext1(MMUEXT_SET_LDT, HYPERVISOR_VA, 0), 0, "SET_LDT of no entries", "the address is ignored");

    kt_group("mmuext_op pages");
    kt_eq(window(12, d, P | RW | US), 0, "map a frame", "mod_l1_entry");
    memset((void *)WINDOW(12), 0x5a, 4096);
    kt_eq(ext1(MMUEXT_COPY_PAGE, e, d), 0, "COPY_PAGE", "copy_domain_page");
    kt_eq(window(13, e, P | US), 0, "map the copy", "mod_l1_entry");
    kt_eq(((volatile unsigned long *)WINDOW(13))[511], 0x5a5a5a5a5a5a5a5aUL, "the copy has the bytes", "copy_domain_page");
    kt_eq(ext1(MMUEXT_CLEAR_PAGE, d, 0), 0, "CLEAR_PAGE", "clear_domain_page");
    kt_eq(((volatile unsigned long *)WINDOW(12))[7], 0, "the page is zero", "clear_domain_page");
    kt_eq(ext1(MMUEXT_CLEAR_PAGE, t1, 0), E(EINVAL), "CLEAR_PAGE of an L1 table", "get_page_type(PGT_writable_page) fails");
    kt_eq(ext1(MMUEXT_COPY_PAGE, t1, d), E(EINVAL), "COPY_PAGE onto an L1 table", "-EINVAL");
    kt_eq(ext1(MMUEXT_COPY_PAGE, f, t1), 0, "COPY_PAGE from an L1 table", "reading a table is fine");
    kt_eq(ext1(MMUEXT_CLEAR_PAGE, f, 0), 0, "CLEAR_PAGE of the copy", "clear_domain_page");
    kt_eq(ext1(MMUEXT_CLEAR_PAGE, 0x10, 0), E(EINVAL), "CLEAR_PAGE of a free frame", "-EINVAL");
    kt_eq(ext1(MMUEXT_COPY_PAGE, f, m2p_l3()), E(EINVAL), "COPY_PAGE from Xen's frame", "-EINVAL");
    kt_eq(ext1_dom(MMUEXT_TLB_FLUSH_LOCAL, 0, 0, self_domid), E(ESRCH), "foreigndom: the caller's own id", "-ESRCH");
    kt_eq(ext1_dom(MMUEXT_TLB_FLUSH_LOCAL, 0, 0, DOMID_XEN), E(EPERM), "foreigndom: DOMID_XEN", "xsm_mmuext_op: -EPERM");
    kt_eq(ext1_dom(MMUEXT_TLB_FLUSH_LOCAL, 0, 0, DOMID_IO), E(EPERM), "foreigndom: DOMID_IO", "-EPERM");
    kt_eq(ext1_dom(MMUEXT_TLB_FLUSH_LOCAL, 0, 0, 0x1234), E(ESRCH), "foreigndom: an unknown domain", "-ESRCH");

    kt_group("mmuext_op batches");
    ops[0] = (mmuext_op_t){ .cmd = MMUEXT_TLB_FLUSH_LOCAL };
    ops[1] = (mmuext_op_t){ .cmd = MMUEXT_FLUSH_CACHE };
    ops[2] = (mmuext_op_t){ .cmd = MMUEXT_TLB_FLUSH_LOCAL };
    done = 77;
    kt_eq(HYPERVISOR_mmuext_op(ops, 3, &done, DOMID_SELF), E(EACCES), "a batch stops at its first failure", "-EACCES");
    kt_eq(done, 1, "done counts the ops before it", "*pdone");
    kt_eq(HYPERVISOR_mmuext_op((mmuext_op_t *)UNMAPPED_VA, 1, NULL, DOMID_SELF), E(EFAULT), "ops at an unmapped address",
          "-EFAULT");
    kt_eq(HYPERVISOR_mmuext_op(NULL, MMU_UPDATE_PREEMPTED, NULL, 7), 7, "a continuation of nothing", "returns foreigndom");
    unwindow(12);
    unwindow(13);
}
