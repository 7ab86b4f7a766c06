package dev.trufflexen.xen.pv;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86CpuidPolicy;
import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.cpu.X86Platform;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.Vcpu;
import dev.trufflexen.xen.hypercall.HypercallContext;
import dev.trufflexen.xen.hypercall.HypercallDispatcher;

/**
 * Where guest code of one PV vCPU enters the hypervisor: the {@link X86Platform} its
 * {@link X86Cpu} calls (Xen's {@code arch/x86/pv/} entry points).
 *
 * <p>A 64-bit PV kernel runs in ring 3 like its user processes; Xen tells the two apart by a
 * per-vCPU flag. A {@code syscall} in guest kernel mode is a hypercall, dispatched by the
 * {@link HypercallDispatcher} on this vCPU's reused {@link HypercallContext}; pending work runs
 * after it. Faults without a registered trap table crash the domain, except Xen's
 * forced-emulation CPUID. Nothing a guest passes can make the core throw: an unexpected host
 * exception becomes a domain crash with a report.
 */
public final class PvEntry implements X86Platform {
    private final Vcpu vcpu;
    private final Domain domain;
    private final HypercallDispatcher dispatcher;
    private final HypercallContext context;
    private int tscAux;

    public PvEntry(Vcpu vcpu, HypercallDispatcher dispatcher) {
        this.vcpu = vcpu;
        this.domain = vcpu.domain();
        this.dispatcher = dispatcher;
        this.context = new HypercallContext(vcpu);
    }

    public Vcpu vcpu() {
        return vcpu;
    }

    /** This vCPU's hypercall context (continuation counts, for tests and statistics). */
    public HypercallContext hypercallContext() {
        return context;
    }

    @Override
    public void syscall(X86Cpu c) {
        if (!vcpu.inKernelMode()) {
            domain.crash(vcpu, "syscall from guest user mode with no syscall callback registered", null);
            return;
        }
        dispatcher.dispatch(context, c);
    }

    @Override
    public void fault(X86Cpu c, X86Fault fault) {
        if (XenForcedEmulation.tryEmulate(c, fault, domain.cpuidPolicy())) {
            return;
        }
        // No trap table can be registered yet (set_trap_table arrives with the PV trap issue):
        // like Xen with no handler for the vector, crash the domain.
        String what = fault.isSoftwareInterrupt() ? fault.mnemonic() + " with no trap handler"
                : "unhandled " + fault + " in guest kernel";
        domain.crash(vcpu, what, fault);
    }

    @Override
    public X86CpuidPolicy cpuidPolicy() {
        return domain.cpuidPolicy();
    }

    @Override
    public long timeStampCounter(X86Cpu c) {
        return domain.timeStampCounter();
    }

    /** TSC_AUX is 0 until the guest writes MSR_TSC_AUX (as in Xen, where it starts at 0). */
    @Override
    public int timeStampAux(X86Cpu c) {
        return tscAux;
    }

    @Override
    public void attention(X86Cpu c) {
        c.clearAttention();
        if (domain.isDying()) {
            c.requestExit(domain.shutdownReasonOrCrash());
        }
    }
}
