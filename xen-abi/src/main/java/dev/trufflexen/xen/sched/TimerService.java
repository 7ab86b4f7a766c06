package dev.trufflexen.xen.sched;

/**
 * Where a vCPU's timers are armed ({@link VcpuTimers}, SCHEDOP_poll timeouts): the host
 * scheduler's own clock, kept by its worker threads ({@link WorkerTimers}).
 */
public interface TimerService {
    /** Runs {@code task} once, {@code delayNs} from now (at once when not positive). */
    Timer schedule(Runnable task, long delayNs);

    /** One armed timer. */
    interface Timer {
        /** Disarms it; a timer already firing still runs. */
        void cancel();

        /** True once it has fired or been cancelled. */
        boolean isDone();

        /** Nanoseconds until it is due (negative once due). */
        long delayNs();
    }
}
