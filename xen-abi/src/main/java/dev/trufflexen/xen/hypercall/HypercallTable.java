package dev.trufflexen.xen.hypercall;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.xen.abi.Hypercalls;
import dev.trufflexen.xen.abi.XenErrno;
import dev.trufflexen.xen.core.HypervisorConsole;
import dev.trufflexen.xen.core.XenVcpu;

/**
 * The hypercall table: number to handler, as Xen's {@code pv_hypercall_table}. A number without
 * a handler returns -ENOSYS and is logged (rate-limited) with domain, vCPU, number and RIP.
 */
public final class HypercallTable {
    private final Hypercall[] handlers = new Hypercall[Hypercalls.NR_hypercalls];
    private final RateLimitedLog unimplementedLog;

    public HypercallTable(HypervisorConsole console) {
        this.unimplementedLog = new RateLimitedLog(console, 10, 5_000_000_000L);
    }

    /** The table with every hypercall TruffleXen implements. */
    public static HypercallTable standard(HypervisorConsole console) {
        HypercallTable table = new HypercallTable(console);
        table.register(Hypercalls.__HYPERVISOR_console_io, new ConsoleIoHypercall());
        table.register(Hypercalls.__HYPERVISOR_xen_version, new XenVersionHypercall());
        table.register(Hypercalls.__HYPERVISOR_fpu_taskswitch, new FpuTaskswitchHypercall());
        table.register(Hypercalls.__HYPERVISOR_sched_op, new SchedOpHypercall(table.unimplementedLog));
        table.register(Hypercalls.__HYPERVISOR_event_channel_op, new EventChannelHypercall(table.unimplementedLog));
        return table;
    }

    public void register(int number, Hypercall handler) {
        handlers[number] = handler;
    }

    public long invoke(XenVcpu vcpu, long number, long a1, long a2, long a3, long a4, long a5) {
        Hypercall handler = number >= 0 && number < handlers.length ? handlers[(int) number] : null;
        if (handler == null) {
            X86Cpu cpu = vcpu.cpu();
            unimplementedLog.log(() -> String.format("d%dv%d: unimplemented hypercall %d (%s) at rip %#x",
                    vcpu.domain().id(), vcpu.id(), number, Hypercalls.name(number), cpu.rip() - 2));
            return -XenErrno.ENOSYS;
        }
        return handler.invoke(vcpu, a1, a2, a3, a4, a5);
    }
}
