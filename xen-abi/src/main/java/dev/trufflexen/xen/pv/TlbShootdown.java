package dev.trufflexen.xen.pv;

import java.util.List;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.Vcpu;

/**
 * TLB flushes of other vCPUs, as Xen's flush_tlb_mask sends an IPI to each CPU in the mask and
 * waits for it. A vCPU's TLB belongs to its own thread, so the issuer posts a request (a ticket
 * in the target's {@link PvVcpu}) and asks the target's CPU for attention; the target flushes at
 * its next attention point (a region exit or back edge) or on its way out of the hypervisor.
 *
 * <p>The issuer waits only for targets that are running guest code: a vCPU inside a hypercall
 * or fault flushes before it returns to its guest (it checks for requests after leaving the
 * hypervisor, a volatile write and read that pair with the issuer's), and a parked or offline
 * vCPU flushes after its blocking hypercall, before it runs guest code again, as Xen flushes a
 * descheduled vCPU's stale TLB when it is scheduled. So no lock is held across the wait by a
 * vCPU it waits for, and two vCPUs flushing each other cannot deadlock.
 *
 * <p>A remote INVLPG is a full flush of the target (a superset of what was asked).
 */
public final class TlbShootdown {
    private TlbShootdown() {
    }

    /**
     * Full flush of every vCPU of {@code domain} for the frame table (any thread): the calling
     * vCPU's is requested for its way out of the hypervisor, the others' requested and awaited.
     */
    public static void flushAll(Domain domain) {
        flush(domain, null, DEFERRED);
    }

    /** A full flush of every vCPU, the caller's own included (MMUEXT_TLB_FLUSH_ALL). */
    static final long FULL = -1;
    /** As {@link #FULL}, but the calling vCPU flushes on its way back to guest code. */
    private static final long DEFERRED = -2;

    /**
     * Flushes the vCPUs whose ids are set in {@code mask} (null: all of them): a full flush
     * ({@link #FULL}), or the page at {@code va} for the calling vCPU.
     */
    static void flush(Domain domain, long[] mask, long va) {
        List<Vcpu> vcpus = domain.vcpus();
        long[] tickets = null;
        for (int id = 0; id < vcpus.size(); id++) {
            Vcpu vcpu = vcpus.get(id);
            X86Cpu cpu = vcpu.cpu();
            if (cpu == null || mask != null && !inMask(mask, id)) {
                continue;
            }
            boolean current = vcpu.isCurrent();
            if (current && va != DEFERRED) {
                if (va == FULL) {
                    cpu.flushTlb();
                } else {
                    cpu.invalidatePage(va);
                }
                continue;
            }
            long ticket = PvEntry.pvVcpu(cpu).requestFlush();
            cpu.requestAttention();
            if (!current) {
                if (tickets == null) {
                    tickets = new long[vcpus.size()];
                }
                tickets[id] = ticket;
            }
        }
        for (int id = 0; tickets != null && id < tickets.length; id++) {
            if (tickets[id] != 0) {
                await(vcpus.get(id), tickets[id]);
            }
        }
    }

    private static boolean inMask(long[] mask, int id) {
        return (mask[id / Long.SIZE] & 1L << (id % Long.SIZE)) != 0;
    }

    /** Waits until {@code vcpu} has flushed for {@code ticket}, or is not running guest code. */
    private static void await(Vcpu vcpu, long ticket) {
        PvVcpu pv = PvEntry.pvVcpu(vcpu.cpu());
        while (!pv.flushedFor(ticket) && runsGuestCode(vcpu, pv) && !vcpu.domain().isDying()) {
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    private static boolean runsGuestCode(Vcpu vcpu, PvVcpu pv) {
        return vcpu.isRunning() && !vcpu.isParked() && !pv.inHypervisor();
    }

    /** Honours the newest request posted to this vCPU; on its own thread. */
    static void honour(X86Cpu cpu, PvVcpu pv) {
        long ticket = pv.pendingFlush();
        if (ticket != 0) {
            cpu.flushTlb();
            pv.flushed(ticket);
        }
    }
}
