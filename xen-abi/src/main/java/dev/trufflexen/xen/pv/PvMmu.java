package dev.trufflexen.xen.pv;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.memory.MachineMemory;
import dev.trufflexen.xen.abi.VmAssist;
import dev.trufflexen.xen.abi.XenErrno;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.DomainPart;
import dev.trufflexen.xen.mm.FrameTable;
import dev.trufflexen.xen.mm.PageTables;

/**
 * A PV domain's MMU state (Xen's {@code arch.pv} and the vCPU's {@code guest_table}): the
 * page-table rules it is checked against, the lock its page-table updates run under, the
 * references its vCPU holds on its base tables, its LDT, its vm_assist flags, and TLB flushes
 * requested from elsewhere.
 *
 * <p><b>Base tables.</b> The kernel L4 (NEW_BASEPTR, the CPU's CR3 while the guest kernel runs)
 * and the user L4 (NEW_USER_BASEPTR, kept in {@link PvVcpu#userTableMfn()}) each hold one general
 * and one L4-type reference, so a table in use as a base is never demoted. The builder's L4 is
 * adopted as the first kernel table; all references are dropped when the domain stops.
 *
 * <p><b>Flush requests.</b> The frame table asks for a flush of this domain's TLB when a frame
 * it may still translate changes type or leaves the domain; the request is honoured before the
 * guest runs again (after the current hypercall, or at the vCPU's next attention point).
 */
public final class PvMmu {
    public static final DomainPart<PvMmu> PART = DomainPart.declare("PV MMU", PvMmu.class);
    /** Xen's limit on LDT entries (MMUEXT_SET_LDT). */
    public static final int MAX_LDT_ENTRIES = 8192;

    private final Domain domain;
    private final PageTables tables;
    private final FrameTable frames;
    private final Object lock = new Object();
    private volatile boolean flushWanted;
    private long kernelTableMfn;
    private long ldtBase;
    private int ldtEntries;

    public PvMmu(Domain domain, PageTables tables) {
        this.domain = domain;
        this.tables = tables;
        this.frames = tables.frameTable();
    }

    public static PvMmu of(Domain domain) {
        return domain.part(PART);
    }

    public Domain domain() {
        return domain;
    }

    public PageTables tables() {
        return tables;
    }

    public FrameTable frames() {
        return frames;
    }

    public dev.trufflexen.xen.mm.MachToPhys m2p() {
        return tables.m2p();
    }

    /** The lock every page-table update and validation of this domain runs under (Xen's page locks). */
    Object lock() {
        return lock;
    }

    /** The kernel base table's frame (Xen's guest_table), 0 when none. */
    public long kernelTableMfn() {
        return kernelTableMfn;
    }

    /** Takes the builder's L4 (pinned by the builder) as the vCPU's kernel base table: one more L4 reference. */
    public void adoptBootTable(long l4Mfn) {
        int rc = frames.getPageAndType(l4Mfn, domain.id(), FrameTable.TYPE_L4);
        if (rc != 0) {
            throw new IllegalStateException("boot L4 0x" + Long.toHexString(l4Mfn) + " cannot be a base table: " + rc);
        }
        kernelTableMfn = l4Mfn;
    }

    /** MMUEXT_NEW_BASEPTR (Xen's new_guest_cr3): 0 or -errno; the TLB is flushed either way on success. */
    int newBasePointer(X86Cpu cpu, long mfn) {
        if (mfn == kernelTableMfn) {
            cpu.setCr3(mfn << MachineMemory.PAGE_SHIFT);
            return 0;
        }
        int rc = frames.getPageAndType(mfn, domain.id(), FrameTable.TYPE_L4);
        if (rc != 0) {
            return rc;
        }
        if (!vmAssist(VmAssist.VMASST_TYPE_m2p_strict)) {
            tables.fillReadOnlyM2p(mfn);
        }
        long old = kernelTableMfn;
        kernelTableMfn = mfn;
        cpu.setCr3(mfn << MachineMemory.PAGE_SHIFT);
        if (old != 0) {
            frames.putPageAndType(old);
        }
        return 0;
    }

    /** MMUEXT_NEW_USER_BASEPTR: 0 or -errno; frame 0 clears the user table. */
    int newUserBasePointer(PvVcpu pv, long mfn) {
        long old = pv.userTableMfn();
        if (old == mfn) {
            return 0;
        }
        if (mfn != 0) {
            int rc = frames.getPageAndType(mfn, domain.id(), FrameTable.TYPE_L4);
            if (rc != 0) {
                return rc;
            }
            if (vmAssist(VmAssist.VMASST_TYPE_m2p_strict)) {
                tables.zapReadOnlyM2p(mfn);
            }
        }
        pv.setUserTableMfn(mfn);
        if (old != 0) {
            frames.putPageAndType(old);
        }
        return 0;
    }

    /** Drops the base-table references (the domain has stopped; Xen's vcpu_destroy_pagetables). */
    public void releaseBaseTables(PvVcpu pv) {
        synchronized (lock) {
            if (kernelTableMfn != 0) {
                frames.putPageAndType(kernelTableMfn);
                kernelTableMfn = 0;
            }
            long user = pv.userTableMfn();
            if (user != 0) {
                frames.putPageAndType(user);
                pv.setUserTableMfn(0);
            }
        }
    }

    /** MMUEXT_SET_LDT: the LDT's linear base and entry count (0 entries: none). */
    int setLdt(X86Cpu cpu, long base, long entries) {
        long ptr = entries == 0 ? 0 : base;
        if (entries > MAX_LDT_ENTRIES || (entries != 0 && ((ptr & 0xFFF) != 0 || !dev.trufflexen.xen.hypercall.HypercallContext.accessOk(ptr)))) {
            return -XenErrno.EINVAL;
        }
        if (ldtEntries != entries || ldtBase != ptr) {
            ldtBase = ptr;
            ldtEntries = (int) entries;
            cpu.flushTlb();
        }
        return 0;
    }

    public long ldtBase() {
        return ldtBase;
    }

    public int ldtEntries() {
        return ldtEntries;
    }

    /** Whether the domain enabled VM assist {@code type} (vm_assist; kept in {@link PvDomain}). */
    public boolean vmAssist(int type) {
        return domain.vmAssist(type);
    }

    /** Asks for a full TLB flush of this domain's vCPU before it next runs guest code (any thread). */
    public void requestFlush() {
        flushWanted = true;
        X86Cpu cpu = domain.vcpu0().cpu();
        if (cpu != null) {
            cpu.requestAttention();
        }
    }

    /** Performs a requested flush; on the vCPU's own thread. */
    public void flushIfRequested(X86Cpu cpu) {
        if (flushWanted) {
            flushWanted = false;
            cpu.flushTlb();
        }
    }
}
