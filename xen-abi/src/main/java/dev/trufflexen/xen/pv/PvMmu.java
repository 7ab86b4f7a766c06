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
 * references its vCPUs hold on their base tables, its LDT, its vm_assist flags, and TLB flushes
 * requested from elsewhere.
 *
 * <p><b>Base tables.</b> The kernel L4 (NEW_BASEPTR, the CPU's CR3 while the guest kernel runs)
 * and the user L4 (NEW_USER_BASEPTR), both kept per vCPU in {@link PvVcpu}, each hold one general
 * and one L4-type reference, so a table in use as a base is never demoted. The builder's L4 is
 * adopted as vCPU 0's first kernel table, VCPUOP_initialise gives another vCPU its own; all
 * references are dropped when the domain stops.
 *
 * <p><b>Flush requests.</b> The frame table asks for a flush of this domain's TLBs when a frame
 * they may still translate changes type or leaves the domain; every vCPU running guest code
 * flushes before the requester goes on, the others before they run guest code again
 * ({@link TlbShootdown}).
 */
public final class PvMmu {
    public static final DomainPart<PvMmu> PART = DomainPart.declare("PV MMU", PvMmu.class);
    /** Xen's limit on LDT entries (MMUEXT_SET_LDT). */
    public static final int MAX_LDT_ENTRIES = 8192;

    private final Domain domain;
    private final PageTables tables;
    private final FrameTable frames;
    private final Object lock = new Object();
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

    /** Takes the builder's L4 (pinned by the builder) as vCPU 0's kernel base table: one more L4 reference. */
    public void adoptBootTable(PvVcpu pv, long l4Mfn) {
        int rc = frames.getPageAndType(l4Mfn, domain.id(), FrameTable.TYPE_L4);
        if (rc != 0) {
            throw new IllegalStateException("boot L4 0x" + Long.toHexString(l4Mfn) + " cannot be a base table: " + rc);
        }
        pv.setKernelTableMfn(l4Mfn);
    }

    /** MMUEXT_NEW_BASEPTR (Xen's new_guest_cr3): 0 or -errno; the TLB is flushed either way on success. */
    int newBasePointer(X86Cpu cpu, long mfn) {
        PvVcpu pv = PvEntry.pvVcpu(cpu);
        if (mfn == pv.kernelTableMfn()) {
            cpu.setCr3(mfn << MachineMemory.PAGE_SHIFT);
            return 0;
        }
        int rc = takeBaseTable(mfn);
        if (rc != 0) {
            return rc;
        }
        long old = pv.kernelTableMfn();
        pv.setKernelTableMfn(mfn);
        cpu.setCr3(mfn << MachineMemory.PAGE_SHIFT);
        if (old != 0) {
            frames.putPageAndType(old);
        }
        return 0;
    }

    /**
     * Takes a general and an L4-type reference on {@code mfn} for use as a kernel base table
     * (Xen's get_page_and_type for PGT_root_page_table, validating it when it is not yet an L4),
     * with the read-only M2P slot filled unless m2p_strict: 0 or -errno.
     */
    int takeBaseTable(long mfn) {
        int rc = frames.getPageAndType(mfn, domain.id(), FrameTable.TYPE_L4);
        if (rc == 0 && !vmAssist(VmAssist.VMASST_TYPE_m2p_strict)) {
            tables.fillReadOnlyM2p(mfn);
        }
        return rc;
    }

    /** Drops a base-table reference taken by {@link #takeBaseTable} or {@link #newUserBasePointer}. */
    void dropBaseTable(long mfn) {
        frames.putPageAndType(mfn);
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
            long kernel = pv.kernelTableMfn();
            if (kernel != 0) {
                frames.putPageAndType(kernel);
                pv.setKernelTableMfn(0);
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

    /**
     * Flushes the TLB of every vCPU of the domain (any thread): the calling vCPU's at once,
     * the others as {@link TlbShootdown#flush} does, waiting for those running guest code.
     */
    public void requestFlush() {
        TlbShootdown.flushAll(domain);
    }

    /** Performs a flush other vCPUs requested; on the vCPU's own thread. */
    public void flushIfRequested(X86Cpu cpu) {
        TlbShootdown.honour(cpu, PvEntry.pvVcpu(cpu));
    }
}
