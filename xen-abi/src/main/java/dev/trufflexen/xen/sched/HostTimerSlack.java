package dev.trufflexen.xen.sched;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * The host's timer slack for the threads that fire guest timers. Linux lets a timed wait end up to
 * the thread's timer slack late, 50 us by default, so that wake-ups can be batched; a worker
 * waiting for a vCPU's timer deadline, or the timer thread, would then deliver VIRQ_TIMER that
 * much later. Xen fires its timers from the hardware's one-shot timer without such slack. These
 * threads ask for 1 ns instead ({@code prctl(PR_SET_TIMERSLACK)}, per thread); on a host without
 * it they keep the default and guest timers are late by it.
 */
public final class HostTimerSlack {
    /** The slack asked for, in ns: 0 would mean the process default again. */
    public static final long SLACK_NS = 1;
    private static final int PR_SET_TIMERSLACK = 29;
    private static final int PR_GET_TIMERSLACK = 30;
    private static final MethodHandle PRCTL = prctl().orElse(null);

    private HostTimerSlack() {
    }

    /** Gives the calling thread {@link #SLACK_NS}; false when the host does not offer it. */
    public static boolean tightenCallingThread() {
        return prctl(PR_SET_TIMERSLACK, SLACK_NS) == 0;
    }

    /** The calling thread's timer slack in ns, or -1 when the host does not tell. */
    public static long ofCallingThread() {
        return prctl(PR_GET_TIMERSLACK, 0);
    }

    /** {@code prctl(option, argument)} for the calling thread: its result, or -1 when the host has no prctl. */
    private static int prctl(int option, long argument) {
        if (PRCTL == null) {
            return -1;
        }
        try {
            return (int) PRCTL.invokeExact(option, argument, 0L, 0L, 0L);
        } catch (Throwable e) {
            return -1;
        }
    }

    private static Optional<MethodHandle> prctl() {
        try {
            Linker linker = Linker.nativeLinker();
            Optional<MemorySegment> symbol = linker.defaultLookup().find("prctl");
            return symbol.map(address -> linker.downcallHandle(address, FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG)));
        } catch (RuntimeException | LinkageError e) {
            return Optional.empty();
        }
    }
}
