package dev.trufflexen.xen.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.trufflexen.xen.HostThreads;
import dev.trufflexen.xen.TestHypervisor;

/**
 * The threads that fire guest timers run with 1 ns of timer slack, so their timed waits are not
 * let run 50 us late, and other threads keep the host's default: the scheduler's workers here, the
 * timer thread in {@code TimerThreadTest}. Read from the host's own account of each thread
 * ({@code /proc/TID/timerslack_ns}).
 */
class HostTimerSlackTest {
    @RegisterExtension
    final TestHypervisor hypervisor = new TestHypervisor(64, new SchedulerConfig(2, SchedulerKind.CREDIT));

    @Test
    void aThreadThatTightensItsSlackGetsOneNanosecondAndOthersKeepTheirs() throws Exception {
        AtomicLong before = new AtomicLong();
        AtomicLong after = new AtomicLong();
        Thread thread = new Thread(() -> {
            before.set(HostTimerSlack.ofCallingThread());
            assertTrue(HostTimerSlack.tightenCallingThread());
            after.set(HostTimerSlack.ofCallingThread());
        });
        thread.start();
        thread.join();
        assertTrue(before.get() > HostTimerSlack.SLACK_NS, "a new thread has the host's default slack, not " + before.get());
        assertEquals(HostTimerSlack.SLACK_NS, after.get());
        assertEquals(before.get(), HostTimerSlack.ofCallingThread(), "the test's own thread kept its slack");
    }

    @Test
    void theSchedulersWorkersRunWithOneNanosecondOfSlack() throws Exception {
        hypervisor.get().scheduler(); // the workers start with the hypervisor and tighten their slack first
        // Other hypervisors' workers, if any are still ending, carry the same names and the same slack.
        long deadline = System.nanoTime() + 10_000_000_000L;
        List<String> found;
        do {
            found = HostThreads.timerSlackOf("xen-pcpu-0", "xen-pcpu-1");
            if (bothTight(found)) {
                break; // both threads have started (a thread's name shows once it runs) and tightened
            }
            Thread.sleep(10);
        } while (System.nanoTime() < deadline);
        assertTrue(bothTight(found), found.toString());
        assertFalse(HostThreads.timerSlackOf("main").contains("main=1"), "other threads keep the default");
    }

    private static boolean bothTight(List<String> threads) {
        return threads.contains("xen-pcpu-0=1") && threads.contains("xen-pcpu-1=1")
                && threads.stream().allMatch(line -> line.endsWith("=" + HostTimerSlack.SLACK_NS));
    }
}
