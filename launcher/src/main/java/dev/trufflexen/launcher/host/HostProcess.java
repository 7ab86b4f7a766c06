package dev.trufflexen.launcher.host;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Starts a host in the background: a new JVM with this one's options (so bin/txl's Graal JIT
 * flags carry over) running {@code txl host run}, its output in the state directory's
 * {@code host.out}, detached from the terminal. Returns once the host answers on its socket.
 */
public final class HostProcess {
    private static final long START_TIMEOUT_MS = 180_000;

    private HostProcess() {
    }

    /**
     * Starts a host for {@code paths} and connects to it.
     *
     * @param hostArguments what follows {@code txl host run} (e.g. --pcpus 4)
     * @throws HostError when it does not come up; the message quotes its last output
     */
    public static HostClient start(HostPaths paths, List<String> hostArguments, Map<String, String> environment)
            throws HostError {
        try {
            paths.create();
        } catch (IOException e) {
            throw new HostError("cannot create the state directory " + paths.stateDirectory() + ": " + e.getMessage());
        }
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(
                System.getProperty("java.home") + "/bin/java"));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("dev.trufflexen.launcher.Txl");
        command.add("host");
        command.add("run");
        command.addAll(hostArguments);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        builder.environment().put("TXL_STATE_DIR", paths.stateDirectory().toString());
        builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(paths.hostOutput().toFile()));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new HostError("cannot start the host: " + e.getMessage());
        }
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (System.currentTimeMillis() < deadline) {
            Optional<HostClient> client = HostClient.connect(paths);
            if (client.isPresent()) {
                return client.get();
            }
            if (!process.isAlive()) {
                throw new HostError(process.exitValue(), "the host stopped at once (status " + process.exitValue()
                        + "): " + lastLine(paths));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                process.destroy();
                Thread.currentThread().interrupt();
                throw new HostError("interrupted while the host started");
            }
        }
        process.destroy();
        throw new HostError("the host did not answer within " + START_TIMEOUT_MS / 1000 + " s; see "
                + paths.hostOutput());
    }

    private static String lastLine(HostPaths paths) {
        try {
            List<String> lines = Files.readAllLines(paths.hostOutput());
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (!lines.get(i).isBlank()) {
                    return lines.get(i).strip();
                }
            }
        } catch (IOException e) {
            // nothing to quote
        }
        return "see " + paths.hostOutput();
    }
}
