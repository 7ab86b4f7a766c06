package dev.trufflexen.launcher.bench;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a workload's host executable as a Linux process, directly (the native baseline) or under
 * {@code qemu-x86_64} (user-mode emulation, for comparison), feeding its stdout to a
 * {@link MarkerRecorder} as the bytes arrive. The driver writes markers with unbuffered
 * {@code write(2)}, so the arrival time is the time the workload reached them.
 */
final class ProcessBenchRunner {
    static final String QEMU = "qemu-x86_64";

    private ProcessBenchRunner() {
    }

    /** qemu-x86_64 from PATH, if installed (Debian: qemu-user). */
    static Optional<Path> findQemu(String path) {
        if (path == null) {
            return Optional.empty();
        }
        for (String directory : path.split(File.pathSeparator)) {
            if (directory.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(directory, QEMU);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    static BenchRun runNative(BenchWorkload workload, List<String> arguments, int rounds, long timeoutSeconds,
            MarkerRecorder.RoundListener listener) {
        return run("native", List.of(workload.hostExecutable().toString()), arguments, rounds, timeoutSeconds, listener);
    }

    static BenchRun runQemu(Path qemu, BenchWorkload workload, List<String> arguments, int rounds, long timeoutSeconds,
            MarkerRecorder.RoundListener listener) {
        return run("qemu", List.of(qemu.toString(), workload.hostExecutable().toString()), arguments, rounds,
                timeoutSeconds, listener);
    }

    /** Runs the command; after {@code timeoutSeconds} (0: never) the process is killed. */
    private static BenchRun run(String platform, List<String> command, List<String> arguments, int rounds,
            long timeoutSeconds, MarkerRecorder.RoundListener listener) {
        List<String> full = new ArrayList<>(command);
        full.addAll(arguments);
        MarkerRecorder recorder = new MarkerRecorder(listener);
        try {
            Process process = new ProcessBuilder(full)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
            process.getOutputStream().close();
            AtomicBoolean timedOut = new AtomicBoolean();
            Thread watchdog = Thread.ofPlatform().daemon().start(() -> {
                try {
                    if (timeoutSeconds > 0 && !process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                        timedOut.set(true);
                        process.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    // the process ended in time
                }
            });
            byte[] buffer = new byte[4096];
            try (InputStream out = process.getInputStream()) {
                int n;
                while ((n = out.read(buffer)) > 0) {
                    recorder.write(buffer, 0, n);
                }
            }
            int status = process.waitFor();
            watchdog.interrupt();
            if (timedOut.get()) {
                return new BenchRun(platform, recorder.rounds(), String.join(" ", full) + " timed out after "
                        + timeoutSeconds + " s; last output:\n" + recorder.tail());
            }
            if (status != 0) {
                return new BenchRun(platform, recorder.rounds(), String.join(" ", full)
                        + " exited with status " + status + "; last output:\n" + recorder.tail());
            }
        } catch (IOException e) {
            return BenchRun.failed(platform, "cannot run " + String.join(" ", full) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return BenchRun.failed(platform, "interrupted");
        }
        return new BenchRun(platform, recorder.rounds(), null).expectRounds(rounds, recorder.done(), recorder.tail());
    }
}
