package dev.trufflexen.xen.core;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86CpuidPolicy;
import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.cpu.X86Platform;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.xen.hypercall.HypercallTable;

/**
 * One virtual CPU of a PV domain: the {@link X86Platform} its {@link X86Cpu} calls when guest
 * code needs the hypervisor.
 *
 * <p>A 64-bit PV kernel runs in ring 3 like its user processes; Xen tells the two apart by a
 * per-vCPU flag. A {@code syscall} in guest kernel mode is a hypercall (number in RAX, arguments
 * in RDI, RSI, RDX, R10, R8, result in RAX). Every hypercall result is a Xen errno or a value;
 * nothing a guest passes can make the core throw: an unexpected host exception is turned into a
 * domain crash with a report, never into a host failure.
 */
public final class XenVcpu implements X86Platform {
    private final Domain domain;
    private final int vcpuId;
    private final HypercallTable hypercalls;
    private X86Cpu cpu;
    private boolean kernelMode = true;
    private int tscAux;

    XenVcpu(Domain domain, int vcpuId, HypercallTable hypercalls) {
        this.domain = domain;
        this.vcpuId = vcpuId;
        this.hypercalls = hypercalls;
    }

    void attach(X86Cpu attachedCpu) {
        this.cpu = attachedCpu;
    }

    public X86Cpu cpu() {
        return cpu;
    }

    public Domain domain() {
        return domain;
    }

    public int id() {
        return vcpuId;
    }

    public boolean inKernelMode() {
        return kernelMode;
    }

    @Override
    public void syscall(X86Cpu c) {
        if (!kernelMode) {
            domain.crash(this, "syscall from guest user mode with no syscall callback registered", null);
            return;
        }
        long number = c.reg(X86Reg.RAX);
        long result;
        try {
            result = hypercalls.invoke(this, number, c.reg(X86Reg.RDI), c.reg(X86Reg.RSI), c.reg(X86Reg.RDX),
                    c.reg(X86Reg.R10), c.reg(X86Reg.R8));
        } catch (RuntimeException e) {
            domain.crash(this, "internal error in hypercall " + dev.trufflexen.xen.abi.Hypercalls.name(number)
                    + ": " + e, null);
            domain.hypervisor().console().log("internal error: " + stackTrace(e));
            return;
        }
        c.setReg(X86Reg.RAX, result);
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
        domain.crash(this, what, fault);
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

    private static String stackTrace(Throwable t) {
        var out = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }
}
