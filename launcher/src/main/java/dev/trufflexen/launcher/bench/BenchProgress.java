package dev.trufflexen.launcher.bench;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * The live status line of {@code txl bench} on a terminal: the workload and its place in the
 * suite, the platform and round running, a bar over the workload's rounds on every platform and
 * the elapsed time, redrawn in place on stderr when a round ends and once a second. Off a
 * terminal (a pipe, a file, {@code --json}) it is {@link #QUIET} and draws nothing.
 */
class BenchProgress implements MarkerRecorder.RoundListener {
    /** Draws nothing. */
    static final BenchProgress QUIET = new BenchProgress(null, 0, 0, 0);

    private static final int BAR_WIDTH = 24;

    private final PrintWriter err;
    private final int workloads;
    private final int platforms;
    private final int rounds;
    private final long startNanos = System.nanoTime();
    private String workload = "";
    private int workloadIndex;
    private String platform = "";
    private int platformIndex;
    private int roundsDone;
    private Thread ticker;

    /**
     * @param err the terminal's stderr; null for {@link #QUIET}
     * @param platforms how many platforms each workload runs on (native, qemu, guest)
     */
    BenchProgress(PrintWriter err, int workloads, int platforms, int rounds) {
        this.err = err;
        this.workloads = workloads;
        this.platforms = platforms;
        this.rounds = rounds;
    }

    /** A platform of a workload starts (index counts from 0). */
    synchronized void platform(String workloadName, int index, String platformName, int platformNumber) {
        workload = workloadName;
        workloadIndex = index;
        platform = platformName;
        platformIndex = platformNumber;
        roundsDone = 0;
        draw();
        if (err != null && ticker == null) {
            ticker = Thread.ofPlatform().daemon().name("bench-progress").start(this::tick);
        }
    }

    @Override
    public synchronized void roundEnded(int number) {
        roundsDone = Math.max(roundsDone, number);
        draw();
    }

    /** Clears the line before the table is printed (or a problem reported). */
    synchronized void clear() {
        if (err != null) {
            err.print("\r\033[K");
            err.flush();
        }
    }

    /** Stops redrawing and clears the line. */
    synchronized void finish() {
        if (ticker != null) {
            ticker.interrupt();
            ticker = null;
        }
        clear();
    }

    private void tick() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(1000);
                synchronized (this) {
                    if (ticker == null) {
                        return;
                    }
                    draw();
                }
            }
        } catch (InterruptedException e) {
            // finished
        }
    }

    private void draw() {
        if (err == null) {
            return;
        }
        err.print("\r\033[K" + line(System.nanoTime() - startNanos));
        err.flush();
    }

    /** The status line after {@code elapsedNanos}. */
    String line(long elapsedNanos) {
        int total = platforms * rounds;
        int done = Math.min(total, platformIndex * rounds + roundsDone);
        int filled = total == 0 ? 0 : done * BAR_WIDTH / total;
        long seconds = elapsedNanos / 1_000_000_000L;
        return String.format(Locale.ROOT, "txl: bench [%d/%d] %-10s %-6s round %d/%d [%s%s] %d:%02d",
                workloadIndex + 1, workloads, workload, platform, Math.min(roundsDone + 1, rounds), rounds,
                "#".repeat(filled), "-".repeat(BAR_WIDTH - filled), seconds / 60, seconds % 60);
    }
}
