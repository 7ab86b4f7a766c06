package dev.trufflexen.perf;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

class ThreadCpuTest {
    @Test
    void aThreadThatEndedKeepsCountingTheCpuItUsed() throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        long[] sink = new long[1];
        Thread burner = new Thread(() -> {
            long x = 1;
            while (!stop.get()) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
            sink[0] = x;
        }, "cpu-burner");
        burner.start();
        // On a loaded machine the burner may not run for a while: read until its CPU shows.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long whileRunning = 0;
        while (whileRunning == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
            whileRunning = ThreadCpu.byGroup(ThreadCpuTest::group).getOrDefault("burner", 0L);
        }
        stop.set(true);
        burner.join();
        long afterItEnded = ThreadCpu.byGroup(ThreadCpuTest::group).getOrDefault("burner", 0L);
        assertTrue(whileRunning > 0, "the running thread's CPU is read");
        assertTrue(afterItEnded >= whileRunning, "an ended thread's CPU is still counted: " + afterItEnded + " < " + whileRunning);
    }

    private static String group(String threadName) {
        return threadName.equals("cpu-burner") ? "burner" : "other";
    }
}
