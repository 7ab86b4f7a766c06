package dev.trufflexen.launcher.perfhistory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The checkout a run measured: HEAD's commit, date and subject, and whether tracked files
 * differ from it. Changes under the history directory itself do not count as dirty: recording a
 * run must not make the next run of the same commit look like a different build.
 */
public final class GitFacts {
    private static final String UNKNOWN = "unknown";

    private GitFacts() {
    }

    /** The state of the checkout at {@code root}; commit "unknown" when git cannot tell. */
    public static PerfRecord.GitState read(Path root, Path historyDirectory) {
        List<String> head = git(root, "log", "-1", "--format=%H%n%cI%n%s").orElse(List.of());
        if (head.size() < 3) {
            return new PerfRecord.GitState(UNKNOWN, true, "", "");
        }
        List<String> status = new ArrayList<>(List.of("status", "--porcelain", "--untracked-files=no", "--", "."));
        Path relative = root.toAbsolutePath().normalize().relativize(historyDirectory.toAbsolutePath().normalize());
        if (!relative.toString().isEmpty() && !relative.startsWith("..")) {
            status.add(":(exclude)" + relative);
        }
        boolean dirty = git(root, status.toArray(String[]::new)).map(changes -> !changes.isEmpty()).orElse(true);
        return new PerfRecord.GitState(head.get(0), dirty, head.get(1), head.get(2));
    }

    /** git's output lines; empty when git is missing or failed. */
    private static Optional<List<String>> git(Path root, String... arguments) {
        List<String> command = new ArrayList<>(List.of("git", "-C", root.toString()));
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                return Optional.empty();
            }
            return Optional.of(output.lines().toList());
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
