package dev.trufflexen.launcher;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.trufflexen.x86.TruffleRuntimeCheck;

/**
 * {@code txl} run in this JVM on the real Xen core, with its output captured: for the tests of
 * the monitor and the GDB stub, which start it in the background and talk to it meanwhile.
 */
public final class InProcessTxl {
    /** The repository's guest-images directory. */
    public static final Path GUESTS = Path.of("..", "guest-images").toAbsolutePath().normalize();

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Path workingDirectory;

    public InProcessTxl(Path workingDirectory) {
        this.workingDirectory = workingDirectory;
    }

    /** The configuration file of guest {@code name}. */
    public static String config(String name) {
        return GUESTS.resolve(name).resolve(name + ".cfg").toString();
    }

    /** The ELF image of guest {@code name}. */
    public static String elf(String name) {
        return GUESTS.resolve("build").resolve(name).resolve(name + ".elf").toString();
    }

    /** Runs txl to its end and returns the exit status. */
    public int run(String... args) {
        TxlContext context = new TxlContext(new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                workingDirectory, Map.of(), false, TruffleRuntimeCheck::isOptimizing, CreateCommand::runOnXenCore);
        return Txl.run(context, args);
    }

    /** Starts txl on a thread of its own; the future completes with its exit status. */
    public CompletableFuture<Integer> start(String... args) {
        return CompletableFuture.supplyAsync(() -> run(args), runnable -> {
            Thread thread = new Thread(runnable, "txl-under-test");
            thread.setDaemon(true);
            thread.start();
        });
    }

    public synchronized String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    public synchronized String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** Waits up to {@code seconds} for stderr to contain {@code text}; returns stderr then. */
    public String awaitErr(String text, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!err().contains(text) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return err();
    }
}
