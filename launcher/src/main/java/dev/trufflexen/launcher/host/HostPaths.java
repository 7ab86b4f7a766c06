package dev.trufflexen.launcher.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * Where a host keeps its state: one directory holding the socket, the pid file, the
 * hypervisor log and the guests' console logs.
 *
 * <p>The directory is {@code TXL_STATE_DIR} when set, else {@code $XDG_RUNTIME_DIR/trufflexen},
 * else {@code ~/.local/state/trufflexen}. It is created private to the user (0700): whoever can
 * reach the socket controls every domain.
 */
public record HostPaths(Path stateDirectory) {
    /** The state directory the environment names. */
    public static HostPaths fromEnvironment(Map<String, String> environment) {
        String explicit = environment.get("TXL_STATE_DIR");
        if (explicit != null && !explicit.isEmpty()) {
            return new HostPaths(Path.of(explicit).toAbsolutePath());
        }
        String runtime = environment.get("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isEmpty()) {
            return new HostPaths(Path.of(runtime, "trufflexen"));
        }
        String home = environment.getOrDefault("HOME", System.getProperty("user.home"));
        return new HostPaths(Path.of(home, ".local", "state", "trufflexen"));
    }

    /** The Unix domain socket the host listens on. */
    public Path socket() {
        return stateDirectory.resolve("host.sock");
    }

    /** The host's process id, written once it listens. */
    public Path pidFile() {
        return stateDirectory.resolve("host.pid");
    }

    /** The hypervisor log ({@code txl dmesg} shows its recent lines). */
    public Path hypervisorLog() {
        return stateDirectory.resolve("hypervisor.log");
    }

    /** Where the host process's own output goes when it runs in the background. */
    public Path hostOutput() {
        return stateDirectory.resolve("host.out");
    }

    /** The console log of domain {@code name}, as xl's {@code guest-NAME.log}. */
    public Path consoleLog(String name) {
        return stateDirectory.resolve("console").resolve("guest-" + name + ".log");
    }

    /** Where the coredump-* actions of xl.cfg write cores, as xl's XEN_DUMP_DIR. */
    public Path dumpDirectory() {
        return stateDirectory.resolve("dump");
    }

    /** The core file of domain {@code name} written by an on_crash coredump-* action: dump/NAME, as xl names it. */
    public Path coreFile(String name) {
        return dumpDirectory().resolve(name);
    }

    /** Creates the directory and its console directory, private to the user. */
    public void create() throws IOException {
        for (Path dir : new Path[] {stateDirectory, stateDirectory.resolve("console")}) {
            Files.createDirectories(dir);
            try {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: its own rules apply
            }
        }
    }
}
