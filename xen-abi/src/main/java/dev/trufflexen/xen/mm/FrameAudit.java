package dev.trufflexen.xen.mm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.trufflexen.x86.memory.MachineMemory;
import dev.trufflexen.x86.mmu.X86Mmu;
import dev.trufflexen.xen.abi.X86Pv;

/**
 * The PV MMU's invariant checker: recounts, from the page tables themselves, every reference a
 * domain's frames should hold and compares with the {@link FrameTable}, and checks what the
 * vCPU's TLB may still translate. For tests (after every case of a guest suite) and the
 * {@code txl} debug flag; it reads everything and changes nothing, and is meant for a domain
 * whose vCPU is stopped (between cases, or from its own thread).
 *
 * <p>What must hold:
 * <ul>
 * <li>every present entry of a validated table maps or links a frame the domain owns (L4 slot
 * 256 aside: Xen's read-only M2P), with no flag the rules refuse;
 * <li>no R/W L1 entry maps a page table or descriptor page, and every R/W mapping holds the
 * writable type; an L2-L4 entry links a table of the level below, or (read-only) one of its own
 * level;
 * <li>each frame's general count equals its allocation + pin + base-pointer + entry references,
 * its type count the pin + base-pointer + entry references of its type;
 * <li>the TLB holds no writable translation of a page table or descriptor page, and no
 * translation of a frame the domain no longer owns;
 * <li>after the domain is released, no frame is owned by it any more ({@link #released}).
 * </ul>
 */
public final class FrameAudit {
    private final FrameTable table;
    private final PageTables tables;
    private final MachineMemory memory;

    public FrameAudit(PageTables tables) {
        this.tables = tables;
        this.table = tables.frameTable();
        this.memory = table.pool().memory();
    }

    /**
     * Audits {@code domid}'s frames; {@code baseTables} are the frames its vCPU holds as base
     * pointers (kernel and user L4, 0 for none), {@code tlb} its vCPU's TLB (or null). Returns the
     * violations found, empty when all holds.
     */
    public List<String> audit(int domid, long[] baseTables, X86Mmu tlb) {
        return audit(domid, baseTables, new long[0], tlb);
    }

    /** As {@link #audit(int, long[], X86Mmu)}, with the frames its vCPU holds as descriptor pages (its GDT). */
    public List<String> audit(int domid, long[] baseTables, long[] descriptorPages, X86Mmu tlb) {
        List<String> violations = new ArrayList<>();
        long[] frames = table.pool().framesOwnedBy(domid);
        Map<Long, long[]> expected = new HashMap<>();
        for (long mfn : frames) {
            long[] e = expected.computeIfAbsent(mfn, k -> new long[2]);
            if (table.isAllocated(mfn)) {
                e[0]++;
            }
            if (table.isPinned(mfn)) {
                e[0]++;
                e[1]++;
            }
        }
        for (long base : baseTables) {
            if (base != 0) {
                long[] e = expected.computeIfAbsent(base, k -> new long[2]);
                e[0]++;
                e[1]++;
                if (table.type(base) != FrameTable.TYPE_L4) {
                    violations.add(String.format("base table %#x is %s, not L4", base, FrameTable.typeName(table.type(base))));
                }
            }
        }
        for (long page : descriptorPages) {
            long[] e = expected.computeIfAbsent(page, k -> new long[2]);
            e[0]++;
            e[1]++;
            if (table.type(page) != FrameTable.TYPE_SEG_DESC) {
                violations.add(String.format("GDT frame %#x is %s, not seg_desc", page, FrameTable.typeName(table.type(page))));
            }
        }
        for (long mfn : frames) {
            int type = table.type(mfn);
            if (FrameTable.isPageTable(type) && table.typeCount(mfn) > 0) {
                if (!table.isValidated(mfn)) {
                    violations.add(String.format("%s %#x is in use but not validated", FrameTable.typeName(type), mfn));
                    continue;
                }
                countEntries(domid, mfn, type, expected, violations);
            }
        }
        for (Map.Entry<Long, long[]> e : expected.entrySet()) {
            long mfn = e.getKey();
            if (table.ownerOf(mfn) != domid) {
                continue;
            }
            if (table.count(mfn) != e.getValue()[0]) {
                violations.add(String.format("frame %#x: general count %d, references found %d", mfn, table.count(mfn), e.getValue()[0]));
            }
            if (table.typeCount(mfn) != e.getValue()[1]) {
                violations.add(String.format("frame %#x (%s): type count %d, references found %d", mfn,
                        FrameTable.typeName(table.type(mfn)), table.typeCount(mfn), e.getValue()[1]));
            }
        }
        if (tlb != null) {
            auditTlb(domid, tlb, violations);
        }
        return violations;
    }

    private void countEntries(int domid, long mfn, int type, Map<Long, long[]> expected, List<String> violations) {
        for (int i = 0; i < PageTables.ENTRIES; i++) {
            long entry = tables.read(mfn, i);
            if (!PageTables.present(entry)) {
                continue;
            }
            if (type == FrameTable.TYPE_L4 && !PageTables.isGuestL4Slot(i)) {
                if (i == X86Pv.XEN_FIRST_L4_SLOT ? entry != tables.m2p().l4Entry() : true) {
                    violations.add(String.format("L4 %#x slot %d holds %#x in Xen's range", mfn, i, entry));
                }
                continue;
            }
            String where = String.format("%s %#x[%d]=%#x", FrameTable.typeName(type), mfn, i, entry);
            long disallow = type == FrameTable.TYPE_L1 ? PageTables.L1_DISALLOW : PageTables.UPPER_DISALLOW;
            if ((entry & disallow) != 0) {
                violations.add(where + ": refused flags set");
            }
            long target = PageTables.mfnOf(entry);
            if (!table.isValid(target) || table.ownerOf(target) != domid) {
                violations.add(where + ": maps a frame the domain does not own");
                continue;
            }
            boolean writable = (entry & X86Pv._PAGE_RW) != 0;
            long[] e = expected.computeIfAbsent(target, k -> new long[2]);
            if (type == FrameTable.TYPE_L1) {
                e[0]++;
                if (writable) {
                    e[1]++;
                    if (table.type(target) != FrameTable.TYPE_WRITABLE) {
                        violations.add(where + ": writable mapping of a " + FrameTable.typeName(table.type(target)) + " frame");
                    }
                }
                continue;
            }
            if (target == mfn) {
                if (writable) {
                    violations.add(where + ": writable self-mapping");
                }
                continue;
            }
            e[0]++;
            e[1]++;
            int targetType = table.type(target);
            if (targetType == type) {
                if (writable) {
                    violations.add(where + ": writable linear page-table entry");
                }
            } else if (targetType != type - 1) {
                violations.add(where + ": links a " + FrameTable.typeName(targetType) + " frame");
            }
        }
    }

    /** Only the TLB part of the audit, for the TLB of another vCPU of {@code domid}. */
    public List<String> auditTlb(int domid, X86Mmu tlb) {
        List<String> violations = new ArrayList<>();
        auditTlb(domid, tlb, violations);
        return violations;
    }

    private void auditTlb(int domid, X86Mmu tlb, List<String> violations) {
        tlb.forEachTranslation((page, machine, writable) -> {
            long mfn = machine >>> MachineMemory.PAGE_SHIFT;
            if (writable && (table.ownerOf(mfn) != domid || table.isProtected(mfn))) {
                violations.add(String.format("TLB translates %#x writable to frame %#x (%s, owner %d)", page, mfn,
                        FrameTable.typeName(table.type(mfn)), table.ownerOf(mfn)));
            }
            int owner = table.ownerOf(mfn);
            if (owner != domid && owner != FramePool.OWNER_XEN) {
                violations.add(String.format("TLB translates %#x to frame %#x of owner %d", page, mfn, owner));
            }
        });
    }

    /** After release: violations if {@code domid} still owns frames or any frame was reclaimed as a leak. */
    public List<String> released(int domid, GuestFrames frames) {
        List<String> violations = new ArrayList<>();
        long owned = table.pool().countOwnedBy(domid);
        if (owned != 0) {
            violations.add("domain " + domid + " still owns " + owned + " frames after release");
        }
        if (frames.leakedFrames() != 0) {
            violations.add(frames.leakedFrames() + " frames were still referenced when their domain was released");
        }
        return violations;
    }
}
