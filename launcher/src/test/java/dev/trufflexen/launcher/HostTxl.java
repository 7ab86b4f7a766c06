package dev.trufflexen.launcher;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import dev.trufflexen.launcher.host.HostedDomain;
import dev.trufflexen.launcher.host.TestHost;
import dev.trufflexen.x86.TruffleRuntimeCheck;

/**
 * txl run in-process against a host in the test's JVM: the state directory in a temporary
 * directory, stdout and stderr captured per command. Closing it destroys every domain.
 */
final class HostTxl implements AutoCloseable {
    static final Path GUESTS = Path.of("..", "guest-images").toAbsolutePath().normalize();

    private final TestHost host;
    private final Path state;
    private final Path workingDirectory;
    private ByteArrayOutputStream out = new ByteArrayOutputStream();
    private ByteArrayOutputStream err = new ByteArrayOutputStream();

    HostTxl(Path state, Path workingDirectory) throws IOException {
        this.host = TestHost.start(state);
        this.state = state;
        this.workingDirectory = workingDirectory;
    }

    TestHost host() {
        return host;
    }

    int run(String... args) {
        out = new ByteArrayOutputStream();
        err = new ByteArrayOutputStream();
        TxlContext context = new TxlContext(new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                workingDirectory, Map.of("TXL_STATE_DIR", state.toString()), false, TruffleRuntimeCheck::isOptimizing,
                (config, options, console) -> {
                    throw new AssertionError("the host, not txl, runs domains");
                });
        return Txl.run(context, args);
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    static String config(String guest) {
        return GUESTS.resolve(guest).resolve(guest + ".cfg").toString();
    }

    HostedDomain domain(String name) {
        return host.host().domains().stream().filter(d -> d.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no domain " + name));
    }

    boolean exists(String name) {
        return host.host().domains().stream().anyMatch(d -> d.name().equals(name));
    }

    /** The lines of {@code txl list} after its header, each split into its columns. */
    List<String[]> list() {
        if (run("list") != 0) {
            throw new AssertionError(err());
        }
        return out().lines().skip(1).map(line -> line.trim().split("\\s+")).toList();
    }

    /** The row of {@code txl list} for {@code name}: name, id, mem, vcpus, state, time. */
    String[] listRow(String name) {
        return list().stream().filter(row -> row[0].equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not listed:\n" + out()));
    }

    String consoleLog(String name) {
        try {
            Path log = host.paths().consoleLog(name);
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }

    @Override
    public void close() throws IOException {
        host.close();
    }
}
