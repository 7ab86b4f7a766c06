package dev.trufflexen.launcher.bench;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Receives a benchmark's console output (a guest's PV console or a host process's stdout),
 * splits it into lines and turns the round markers into {@link BenchRound}s.
 *
 * <p>The markers are written by guest-images/bench/driver.c:
 * <pre>
 * &#64;&#64;bench NAME round K begin
 * &#64;&#64;bench NAME round K end iters=N checksum=HEX t0=NS t1=NS
 * </pre>
 * {@code t0} and {@code t1} are the driver's own clock just before and after the round's work
 * (the guest's pvclock, the host process's {@code CLOCK_MONOTONIC}); a round that carries them is
 * timed by them, so neither the console's way to the host nor a busy host reading it late adds to
 * the round. A round without them (a driver without a clock) is timed by {@link System#nanoTime()}
 * when each marker's newline arrives; the drivers flush after every marker, so that is close to
 * when the workload reached it on a quiet host. Other lines are kept (the last few) for error
 * messages.
 */
public final class MarkerRecorder extends OutputStream {
    private static final Pattern BEGIN = Pattern.compile("@@bench (\\S+) round (\\d+) begin");
    private static final Pattern END = Pattern.compile(
            "@@bench (\\S+) round (\\d+) end iters=(\\d+) checksum=([0-9a-f]+)(?: t0=(\\d{1,19}) t1=(\\d{1,19}))?");
    private static final int KEPT_LINES = 20;

    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final Map<Integer, Long> beginNanos = new HashMap<>();
    private final List<BenchRound> rounds = new ArrayList<>();
    private final Deque<String> lastLines = new ArrayDeque<>();
    private final RoundListener listener;
    private boolean done;

    /** Told the number of each round as it ends, on the thread that delivers the output. */
    interface RoundListener {
        void roundEnded(int number);
    }

    public MarkerRecorder() {
        this(number -> { });
    }

    MarkerRecorder(RoundListener listener) {
        this.listener = listener;
    }

    @Override
    public synchronized void write(int b) {
        if (b == '\n') {
            endLine(System.nanoTime());
        } else if (b != '\r') {
            line.write(b);
        }
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) {
        long now = System.nanoTime();
        for (int i = offset; i < offset + length; i++) {
            if (bytes[i] == '\n') {
                endLine(now);
            } else if (bytes[i] != '\r') {
                line.write(bytes[i]);
            }
        }
    }

    private void endLine(long now) {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (lastLines.size() == KEPT_LINES) {
            lastLines.removeFirst();
        }
        lastLines.addLast(text);
        Matcher begin = BEGIN.matcher(text);
        if (begin.matches()) {
            beginNanos.put(Integer.parseInt(begin.group(2)), now);
            return;
        }
        Matcher end = END.matcher(text);
        if (end.matches()) {
            int number = Integer.parseInt(end.group(2));
            long iterations = Long.parseLong(end.group(3));
            Long started = beginNanos.get(number);
            if (end.group(5) != null) {
                rounds.add(new BenchRound(number, Long.parseUnsignedLong(end.group(5)), Long.parseUnsignedLong(end.group(6)),
                        iterations, end.group(4), true));
                listener.roundEnded(number);
            } else if (started != null) {
                rounds.add(new BenchRound(number, started, now, iterations, end.group(4)));
                listener.roundEnded(number);
            }
            return;
        }
        if (text.matches("@@bench \\S+ done")) {
            done = true;
        }
    }

    /** The completed rounds, in the order they ended. */
    public synchronized List<BenchRound> rounds() {
        return List.copyOf(rounds);
    }

    /**
     * When round {@code number}'s begin marker arrived ({@link System#nanoTime}), or
     * {@link Long#MAX_VALUE} when it did not.
     */
    public synchronized long beginArrivedNanos(int number) {
        return beginNanos.getOrDefault(number, Long.MAX_VALUE);
    }

    /** Whether the driver printed its final {@code done} marker. */
    public synchronized boolean done() {
        return done;
    }

    /** The last lines received, for error messages (a partial last line included). */
    public synchronized String tail() {
        List<String> lines = new ArrayList<>(lastLines);
        if (line.size() > 0) {
            lines.add(line.toString(StandardCharsets.UTF_8));
        }
        return String.join("\n", lines);
    }
}
