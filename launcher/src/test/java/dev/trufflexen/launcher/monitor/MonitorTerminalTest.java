package dev.trufflexen.launcher.monitor;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.trufflexen.launcher.InProcessTxl;

/**
 * The monitor on a real terminal: {@code bin/txl create -m -S} inside a tmux session, driven by
 * {@code send-keys} and read back with {@code capture-pane}. Tab completes commands, info
 * topics, register names and symbols, the line editor moves and inserts, history brings a line back, Ctrl-C clears the line
 * or interrupts a running command without ending the monitor, breakpoint notices and guest
 * output appear above the prompt, and {@code quit} ends txl.
 */
class MonitorTerminalTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Path TMUX = Path.of("/usr/bin/tmux");

    @TempDir
    Path dir;

    private final String socket = "txl-monitor-test-" + ProcessHandle.current().pid();

    @AfterEach
    void killServer() throws Exception {
        tmux("kill-server").waitFor(10, TimeUnit.SECONDS);
    }

    @Test
    void editingCompletionHistoryAndCtrlC() throws Exception {
        assumeTrue(Files.isExecutable(TMUX), "tmux is not installed (Debian package tmux; .ci/run installs it)");
        assumeTrue(Files.isDirectory(ROOT.resolve("launcher/target/lib")), "bin/txl is not built (launcher/target/lib)");
        String command = "cd " + dir + " && HOME=" + dir + " bash " + ROOT.resolve("bin/txl") + " create -m -S "
                + InProcessTxl.config("debugee") + " 2>txl.err; echo TXL-EXIT=$?; sleep 60";
        run(tmux("new-session", "-d", "-s", "mon", "-x", "160", "-y", "50", command));
        await(screen -> lastLine(screen).equals("(txl)"), "the prompt");

        keys("sym " + InProcessTxl.elf("debugee"), "Enter");
        await(screen -> screen.contains("symbols from"), "sym");

        keys("inf", "Tab");
        await(screen -> lastLine(screen).equals("(txl) info"), "info completed");
        keys("regis", "Tab");
        await(screen -> lastLine(screen).startsWith("(txl) info registers"), "registers completed");
        keys("Enter");
        await(screen -> screen.contains("RIP=0x") && screen.contains("<_start>"), "info registers");

        keys("prnt 40 + 2", "Home", "Right", "Right", "i", "Enter");
        await(screen -> screen.contains("= 42"), "a line edited in its middle");
        keys("Up");
        await(screen -> lastLine(screen).equals("(txl) print 40 + 2"), "history");
        keys("C-c");
        await(screen -> lastLine(screen).equals("(txl)"), "Ctrl-C clears the line");

        keys("set fs_b", "Tab");
        await(screen -> lastLine(screen).startsWith("(txl) set fs_base"), "a register name completed");
        keys("C-c");
        await(screen -> lastLine(screen).equals("(txl)"), "Ctrl-C clears the line");
        keys("break checkp", "Tab");
        await(screen -> lastLine(screen).startsWith("(txl) break checkpoint"), "a symbol completed");
        keys("Enter");
        keys("cont", "Enter");
        await(screen -> screen.contains("debugee: start") && screen.contains("breakpoint at 0x")
                && lastLine(screen).equals("(txl)"), "guest output and the stop above the prompt");

        keys("step 2000000000", "Enter");
        // Early: on a quiet host single-stepping reaches the guest's end (a second or two of
        // steps after the checkpoint), and Ctrl-C must find the step still running.
        Thread.sleep(300);
        keys("C-c");
        await(screen -> lastLine(screen).equals("(txl)") && screen.contains("step 2000000000\n"), "Ctrl-C interrupts step");
        keys("info domains", "Enter");
        await(screen -> screen.contains("paused"), "the monitor lives on after Ctrl-C");

        keys("quit", "Enter");
        await(screen -> screen.contains("TXL-EXIT=0"), "quit ends txl");
        assertTrue(Files.readString(dir.resolve("txl.err")).contains("stopped: poweroff"));
        assertTrue(Files.exists(dir.resolve(".trufflexen/monitor_history")), "history is kept for the next session");
        assertTrue(Files.readString(dir.resolve(".trufflexen/monitor_history")).contains("print 40 + 2"));
    }

    private static String lastLine(String screen) {
        List<String> lines = screen.strip().lines().toList();
        return lines.isEmpty() ? "" : lines.getLast().strip();
    }

    private void keys(String... keys) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("send-keys", "-t", "mon"));
        args.addAll(List.of(keys));
        run(tmux(args.toArray(String[]::new)));
        Thread.sleep(300);
    }

    private void await(Predicate<String> condition, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String screen = "";
        while (System.nanoTime() < deadline) {
            screen = capture();
            if (condition.test(screen)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("waited in vain for " + what + "; the screen:\n" + screen);
    }

    private String capture() throws Exception {
        Process p = tmux("capture-pane", "-p", "-t", "mon", "-S", "-200");
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return text;
    }

    private Process tmux(String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of(TMUX.toString(), "-L", socket));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static void run(Process p) throws Exception {
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("tmux did not answer");
        }
    }
}
