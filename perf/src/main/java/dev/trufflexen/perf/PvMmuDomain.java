package dev.trufflexen.perf;

import java.util.Optional;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.xen.XenHypervisor;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.DomainSpec;
import dev.trufflexen.xen.domain.ShutdownAction;

/**
 * The pvmmu guest (guest-images/pvmmu) in its "loop" mode on its own Xen core: forever, a batch
 * of MMU operations (mmu_update batches of N L1 entries, or update_va_mapping with UVMF_INVLPG),
 * each remapping entries between two frames so every entry drops one reference and takes
 * another, then SCHEDOP_yield with the number of operations done. Our yield listener stops the
 * vCPU, so {@link #runBatch} returns after exactly one batch, as {@link NullcallDomain} does.
 */
public final class PvMmuDomain implements AutoCloseable {
    private static final String BATCH_DONE = "pvmmu batch done";
    private static final long MACHINE_MEMORY_MIB = 64;
    private static final long GUEST_MEMORY_MIB = 32;

    private final XenHypervisor xen;
    private final Domain domain;
    private final X86Cpu cpu;
    private long done = -1;

    /** @param what {@code mmu<N>} or {@code uvm}; @param operations per batch */
    public PvMmuDomain(String what, int operations) {
        this.xen = XenHypervisor.create(new XenHypervisor.Options(false, false, null, MACHINE_MEMORY_MIB),
                GuestMachine.ENGINE_OPTIONS, new java.io.ByteArrayOutputStream());
        try {
            this.domain = xen.createDomain(new DomainSpec("pvmmu", GuestImageFiles.kernel("pvmmu"), Optional.empty(),
                    GUEST_MEMORY_MIB, 1, "loop=" + what + "," + operations, ShutdownAction.DESTROY, ShutdownAction.DESTROY,
                    ShutdownAction.DESTROY));
        } catch (RuntimeException e) {
            xen.close();
            throw e;
        }
        this.cpu = domain.vcpu0().cpu();
        domain.onYield(this::endOfBatch);
    }

    private void endOfBatch() {
        done = cpu.reg(X86Reg.RSI);
        cpu.requestExit(BATCH_DONE);
    }

    /** Runs the guest until its next yield; returns how many operations the batch did. */
    public long runBatch() {
        done = -1;
        Object reason = cpu.run();
        if (reason != BATCH_DONE) {
            throw new IllegalStateException("pvmmu stopped with " + reason + " at rip 0x" + Long.toHexString(cpu.rip())
                    + (domain.crashReport() != null ? "\n" + domain.crashReport().text() : "")
                    + "\n" + String.join("\n", xen.console().lines()));
        }
        return done;
    }

    /** The invariant checker over the domain (empty when all holds). */
    public java.util.List<String> audit() {
        return xen.auditMmu(domain);
    }

    @Override
    public void close() {
        xen.close();
    }
}
