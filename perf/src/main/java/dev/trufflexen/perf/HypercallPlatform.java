package dev.trufflexen.perf;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.cpu.X86HaltDetector;
import dev.trufflexen.x86.cpu.X86Platform;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.xen.abi.Hypercalls;
import dev.trufflexen.xen.abi.XenErrno;
import dev.trufflexen.xen.abi.XenVersionOp;
import dev.trufflexen.xen.XenHypervisor;

/**
 * The platform benchmark guests run on: answers {@code syscall} as a Xen PV hypercall would
 * (number in RAX, first argument in RDI, result in RAX), stops the CPU on {@code hlt}, and stops
 * it with the fault on any guest exception, so a broken benchmark program fails instead of
 * measuring something else.
 *
 * <p>Only {@code xen_version(XENVER_version)} is answered (with TruffleXen's version, as the
 * real handler does); anything else returns -ENOSYS. This isolates the CPU's cost of a hypercall
 * round trip (leaving compiled code, calling the platform, re-entering guest code) from the
 * hypercall handlers.
 */
public final class HypercallPlatform implements X86Platform {
    private static final long XEN_VERSION = ((long) XenHypervisor.XEN_MAJOR << 16) | XenHypervisor.XEN_MINOR;

    /** Hypercalls answered so far (checked by the benchmarks against the loop count). */
    public long hypercalls;

    @Override
    public void syscall(X86Cpu cpu) {
        hypercalls++;
        long number = cpu.reg(X86Reg.RAX);
        long result = -XenErrno.ENOSYS;
        if (number == Hypercalls.__HYPERVISOR_xen_version && cpu.reg(X86Reg.RDI) == XenVersionOp.XENVER_version) {
            result = XEN_VERSION;
        }
        cpu.setReg(X86Reg.RAX, result);
    }

    @Override
    public void fault(X86Cpu cpu, X86Fault fault) {
        cpu.requestExit(X86HaltDetector.isHalt(cpu, fault) ? "halt" : fault);
    }

    @Override
    public void attention(X86Cpu cpu) {
        cpu.clearAttention();
    }

    /** What {@code xen_version(XENVER_version)} returns: major in the high 16 bits, minor in the low. */
    public static long xenVersion() {
        return XEN_VERSION;
    }
}
