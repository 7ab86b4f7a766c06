package dev.trufflexen.launcher;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

import dev.trufflexen.launcher.debug.DebuggedDomain;
import dev.trufflexen.launcher.monitor.Monitor;
import dev.trufflexen.launcher.monitor.MonitorConsole;

/**
 * The monitor of {@code txl create -m} and {@code -e}: runs the {@code -e} commands in order
 * (each echoed after {@code (txl)}, so a script's output reads like a session), then, with
 * {@code -m}, the prompt on the terminal until {@code quit} or end of input.
 */
final class MonitorSession {
    private final TxlContext context;
    private final List<String> commands;
    private final boolean interactive;

    MonitorSession(TxlContext context, List<String> commands, boolean interactive) {
        this.context = context;
        this.commands = List.copyOf(commands);
        this.interactive = interactive;
    }

    void run(DebuggedDomain debugged) {
        PrintWriter out = new PrintWriter(context.out(), true);
        Monitor script = new Monitor(debugged, out, context.err(), context.workingDirectory());
        for (String command : commands) {
            out.println("(txl) " + command);
            if (!script.execute(command, true)) {
                return;
            }
        }
        if (!interactive) {
            return;
        }
        String home = context.environment().getOrDefault("HOME", System.getProperty("user.home"));
        Path history = Path.of(home, ".trufflexen", "monitor_history");
        try {
            java.nio.file.Files.createDirectories(history.getParent());
        } catch (IOException e) {
            // no history across sessions, then
        }
        try (MonitorConsole console = MonitorConsole.open(
                writer -> new Monitor(debugged, writer, context.err(), context.workingDirectory()), history)) {
            debugged.showConsoleOn(console.consoleOutput());
            debugged.domain().onStop(() -> console.printAbove("domain " + debugged.domain().name() + " stopped: "
                    + debugged.domain().shutdownReason().name().toLowerCase(java.util.Locale.ROOT)
                    + " (quit to leave)"));
            console.run(() -> true);
            debugged.showConsoleOn(null);
            if (!debugged.domain().isDying()) {
                debugged.domain().destroy();
                debugged.debugger().resume();
            }
        } catch (IOException e) {
            throw new TxlException(ExitStatus.IO_ERROR, "cannot open the terminal for the monitor: " + e.getMessage(), e);
        }
    }
}
