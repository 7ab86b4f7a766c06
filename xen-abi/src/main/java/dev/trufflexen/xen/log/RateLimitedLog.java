package dev.trufflexen.xen.log;

import java.util.function.Supplier;

/**
 * Logs guest-triggered messages at most {@code burst} times per interval, as Xen's
 * printk_ratelimit does, so that a guest cannot flood the hypervisor console.
 */
public final class RateLimitedLog {
    private final HypervisorConsole console;
    private final int burst;
    private final long intervalNanos;
    private long windowStart;
    private int inWindow;
    private long suppressed;

    public RateLimitedLog(HypervisorConsole console, int burst, long intervalNanos) {
        this.console = console;
        this.burst = burst;
        this.intervalNanos = intervalNanos;
        this.windowStart = System.nanoTime() - intervalNanos;
    }

    public synchronized void log(Supplier<String> message) {
        long now = System.nanoTime();
        if (now - windowStart >= intervalNanos) {
            if (suppressed > 0) {
                console.log(suppressed + " messages suppressed");
            }
            windowStart = now;
            inWindow = 0;
            suppressed = 0;
        }
        if (inWindow < burst) {
            inWindow++;
            console.log(message.get());
        } else {
            suppressed++;
        }
    }
}
