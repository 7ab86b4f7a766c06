package dev.trufflexen.xen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.trufflexen.xen.sched.HostTimerSlack;

/** The hypervisor's timer thread fires guest timers while every worker is busy: it runs with 1 ns of timer slack. */
class TimerThreadTest {
    @Test
    void theTimerThreadRunsItsTasksWithOneNanosecondOfSlack() throws Exception {
        ScheduledThreadPoolExecutor timers = XenHypervisor.timerThread();
        try {
            AtomicReference<String> seen = new AtomicReference<>();
            timers.schedule(() -> seen.set(Thread.currentThread().getName() + "=" + HostTimerSlack.ofCallingThread()), 1,
                    TimeUnit.MILLISECONDS).get(10, TimeUnit.SECONDS);
            assertEquals("xen-timers=" + HostTimerSlack.SLACK_NS, seen.get());
            List<String> found = HostThreads.timerSlackOf("xen-timers"); // other hypervisors' too, if any are still alive
            assertTrue(!found.isEmpty() && found.stream().allMatch(("xen-timers=" + HostTimerSlack.SLACK_NS)::equals), found.toString());
        } finally {
            timers.shutdownNow();
        }
    }
}
