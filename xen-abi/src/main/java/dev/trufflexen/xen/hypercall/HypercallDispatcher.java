package dev.trufflexen.xen.hypercall;

import java.util.Arrays;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.xen.abi.Hypercalls;
import dev.trufflexen.xen.abi.XenErrno;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.log.HypervisorConsole;
import dev.trufflexen.xen.log.RateLimitedLog;

/**
 * The one place a hypercall is dispatched, its failures handled and pending work run.
 *
 * <ul>
 * <li>A number without a handler is -ENOSYS.
 * <li>A {@link XenError} becomes {@code -errno} in RAX and one rate-limited line naming domain,
 * vCPU, hypercall and sub-operation, RIP and reason (-ENOSYS, "not implemented", has its own
 * rate limit, so a guest's stream of bad pointers cannot hide what it needed and we lack).
 * <li>Any other exception is a host bug reached by this guest: it crashes only this domain, with
 * a report and the stack trace on the hypervisor console.
 * <li>Then, after every hypercall and every piece of a continued one, each {@link PendingWork}
 * runs.
 * </ul>
 */
public final class HypercallDispatcher {
    private final HypercallTable table;
    private final HypervisorConsole console;
    private final RateLimitedLog errorLog;
    private final RateLimitedLog unimplementedLog;
    /** Copied on write, read without allocating: dispatch runs on every hypercall. */
    private volatile PendingWork[] pendingWork = new PendingWork[0];
    private volatile boolean timed;

    public HypercallDispatcher(HypercallTable table, HypervisorConsole console) {
        this.table = table;
        this.console = console;
        this.errorLog = new RateLimitedLog(console, 10, 5_000_000_000L);
        this.unimplementedLog = new RateLimitedLog(console, 10, 5_000_000_000L);
    }

    public HypercallTable table() {
        return table;
    }

    /** Adds work to run after every hypercall (see {@link PendingWork}). */
    public synchronized void afterEveryHypercall(PendingWork work) {
        PendingWork[] more = Arrays.copyOf(pendingWork, pendingWork.length + 1);
        more[more.length - 1] = work;
        pendingWork = more;
    }

    /**
     * From now on, notes when each hypercall begins ({@link HypercallContext#startNanos}), so
     * that work after it can time it: a clock read per hypercall, paid only once asked for.
     */
    public void timeEveryHypercall() {
        timed = true;
    }

    /** Makes the hypercall the CPU has just issued with {@code syscall}, on {@code context}'s vCPU. */
    public void dispatch(HypercallContext context, X86Cpu cpu) {
        context.begin(cpu, this);
        if (timed) {
            context.noteStart(System.nanoTime());
        }
        try {
            long result;
            try {
                result = invoke(context);
            } catch (XenError e) {
                log(context, e);
                result = -e.errno();
            }
            context.finish(result);
            PendingWork[] all = pendingWork;
            for (int i = 0; i < all.length; i++) {
                all[i].afterHypercall(context);
            }
        } catch (RuntimeException | StackOverflowError e) {
            Domain domain = context.domain();
            domain.crash(context.vcpu(), "internal error in hypercall " + describe(context) + ": " + e, null);
            console.log("internal error: " + stackTrace(e));
        }
    }

    /**
     * One call of a multicall, as Xen's {@code call_handlers_pv64}: the handler for
     * {@code number} with {@code args} (-ENOSYS without one); a {@link XenError} becomes
     * {@code -errno} and is logged like any hypercall's. See
     * {@link HypercallContext#invokeNested} for {@code args} and {@code continued}.
     */
    public long invokeSubCall(HypercallContext context, long number, long[] args, boolean[] continued) {
        continued[0] = false;
        Hypercall handler = table.get(number);
        if (handler == null) {
            return -XenErrno.ENOSYS;
        }
        try {
            return context.invokeNested(handler, number, args, continued);
        } catch (XenError e) {
            log(context, e);
            return -e.errno();
        }
    }

    private long invoke(HypercallContext context) {
        Hypercall handler = table.get(context.number());
        if (handler == null) {
            unimplementedLog.log(() -> String.format("d%dv%d: unimplemented hypercall %d (%s) at rip %#x", context.domain().id(),
                    context.vcpu().id(), context.number(), Hypercalls.name(context.number()), context.rip()));
            return -XenErrno.ENOSYS;
        }
        return handler.invoke(context);
    }

    private void log(HypercallContext context, XenError error) {
        RateLimitedLog log = error.errno() == XenErrno.ENOSYS ? unimplementedLog : errorLog;
        String reason = error.getMessage();
        log.log(() -> String.format("d%dv%d: %s at rip %#x: %s", context.domain().id(), context.vcpu().id(),
                describe(context), context.rip(), reason));
    }

    /** "sched_op(3)" for a multiplexed hypercall, "60 (#60)" for an unknown number. */
    private String describe(HypercallContext context) {
        long number = context.number();
        Hypercall handler = table.get(number);
        if (handler == null) {
            return number + " (" + Hypercalls.name(number) + ")";
        }
        if (!handler.subOps().isEmpty()) {
            return Hypercalls.name(number) + "(" + context.intArg(0) + ")";
        }
        return Hypercalls.name(number);
    }

    private static String stackTrace(Throwable t) {
        var out = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }
}
