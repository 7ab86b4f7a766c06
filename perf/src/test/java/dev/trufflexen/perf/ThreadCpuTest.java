package dev.trufflexen.perf;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ThreadCpuTest {
    @Test
    void aThreadThatEndedKeepsCountingTheCpuItUsed() throws InterruptedException {
        long[] sink = new long[1];
        Thread burner = new Thread(() -> {
            long end = System.nanoTime() + 50_000_000L;
            long x = 1;
            while (System.nanoTime() < end) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
            sink[0] = x;
        }, "cpu-burner");
        burner.start();
        Thread.sleep(30);
        long whileRunning = ThreadCpu.byGroup(ThreadCpuTest::group).getOrDefault("burner", 0L);
        burner.join();
        long afterItEnded = ThreadCpu.byGroup(ThreadCpuTest::group).getOrDefault("burner", 0L);
        assertTrue(whileRunning > 0, "the running thread's CPU is read");
        assertTrue(afterItEnded >= whileRunning, "an ended thread's CPU is still counted: " + afterItEnded + " < " + whileRunning);
    }

    private static String group(String threadName) {
        return threadName.equals("cpu-burner") ? "burner" : "other";
    }
}
