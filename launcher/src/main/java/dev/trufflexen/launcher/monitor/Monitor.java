package dev.trufflexen.launcher.monitor;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.trufflexen.launcher.config.Printable;
import dev.trufflexen.launcher.debug.DebugException;
import dev.trufflexen.launcher.debug.DebuggedDomain;
import dev.trufflexen.launcher.debug.DomainDebugger;
import dev.trufflexen.x86.cpu.X86DebugStop;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The monitor: runs command lines against one in-process domain ({@link DebuggedDomain}).
 * Commands are declared once in {@link MonitorCommands}; this class splits a line into words
 * (QEMU's {@code x/FMT} becomes {@code x /FMT}), runs it, and turns every failure into one line,
 * {@code error: ...} naming the token at fault. Nothing typed can end the monitor but
 * {@code quit}: bad input, a command on a domain that is gone and internal errors are all
 * reported and the monitor reads on. {@link MonitorConsole} is its interactive terminal.
 */
public final class Monitor {
    private final DebuggedDomain target;
    private final PrintWriter out;
    private final PrintStream log;
    private final Path workingDirectory;
    private final CommandLine commandLine;
    private volatile boolean scripted;
    private volatile boolean quit;
    private volatile boolean interrupted;
    private volatile boolean busy;

    public Monitor(DebuggedDomain target, PrintWriter out, PrintStream log, Path workingDirectory) {
        this.target = target;
        this.out = out;
        this.log = log;
        this.workingDirectory = workingDirectory;
        this.commandLine = new CommandLine(new MonitorCommands(target, this));
        commandLine.setExpandAtFiles(false);
        commandLine.setOut(out);
        commandLine.setErr(out);
        commandLine.setParameterExceptionHandler((e, args) -> {
            out.println("error: " + Printable.line(describe(e)));
            return 2;
        });
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            out.println("error: " + Printable.line(e instanceof DebugException ? e.getMessage() : "internal error: " + e));
            return 1;
        });
    }

    public DebuggedDomain target() {
        return target;
    }

    /** The commands' model: names, options and completion candidates come from here. */
    public CommandSpec spec() {
        return commandLine.getCommandSpec();
    }

    /**
     * Runs one command line; false once {@code quit} has been given. In a script
     * ({@code scripted}), {@code cont} waits for the domain's next stop.
     */
    public boolean execute(String line, boolean inScript) {
        this.scripted = inScript;
        interrupted = false;
        List<String> words;
        try {
            words = split(line);
        } catch (DebugException e) {
            out.println("error: " + Printable.line(e.getMessage()));
            out.flush();
            return !quit;
        }
        if (!words.isEmpty()) {
            busy = true;
            try {
                commandLine.execute(words.toArray(String[]::new));
            } catch (RuntimeException | StackOverflowError e) {
                out.println("error: internal error: " + Printable.line(String.valueOf(e)));
            } finally {
                busy = false;
            }
        }
        out.flush();
        return !quit;
    }

    private static String describe(CommandLine.ParameterException e) {
        List<String> unmatched = e.getCommandLine().getUnmatchedArguments();
        if (!unmatched.isEmpty()) {
            String first = unmatched.getFirst();
            if (e.getCommandLine().getCommandSpec().name().isEmpty()) {
                return "'" + first + "': unknown command (try 'help')";
            }
            return "'" + first + "': unexpected argument to " + e.getCommandLine().getCommandSpec().name();
        }
        return e.getMessage().strip();
    }

    /** Words of a line: blanks separate, double quotes group, {@code x/FMT} splits into {@code x /FMT}. */
    static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
                word = word == null ? new StringBuilder() : word;
            } else if (!quoted && Character.isWhitespace(c)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
            } else {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
            }
        }
        if (quoted) {
            throw new DebugException("'\"': unterminated quote");
        }
        if (word != null) {
            words.add(word.toString());
        }
        if (!words.isEmpty()) {
            String first = words.getFirst();
            int slash = first.indexOf('/');
            if (slash > 0) {
                words.set(0, first.substring(0, slash));
                words.add(1, first.substring(slash));
            }
        }
        return words;
    }

    void printHelp(String command) {
        if (command != null) {
            CommandLine sub = commandLine.getSubcommands().get(command);
            if (sub == null) {
                throw new DebugException("'" + command + "': unknown command (try 'help')");
            }
            sub.usage(out);
            return;
        }
        commandLine.getSubcommands().forEach((name, sub) -> {
            if (sub.getCommandSpec().name().equals(name)) {
                String aliases = sub.getCommandSpec().aliases().length == 0 ? ""
                        : " (" + String.join(", ", sub.getCommandSpec().aliases()) + ")";
                out.printf("%-22s %s%n", name + aliases, String.join(" ", sub.getCommandSpec().usageMessage().description()));
            }
        });
    }

    /** One line about a stop: what stopped the domain and where (empty for a plain step). */
    public String describe(X86DebugStop stop) {
        String at = target.address(target.debugger().cpu().rip());
        return switch (stop.kind()) {
            case BREAKPOINT -> "breakpoint at " + at;
            case WATCH -> {
                StringBuilder line = new StringBuilder();
                for (DomainDebugger.Watchpoint w : target.debugger().watchpointsHit(stop.slots())) {
                    line.append("watchpoint ").append(w.id()).append(" (").append(target.symbols().describe(w.address()).isEmpty()
                            ? "0x" + Long.toHexString(w.address()) : target.symbols().describe(w.address())).append(") hit, ");
                }
                yield line.append("now at ").append(at).toString();
            }
            case STEP, SAMPLE -> "";
            case PAUSE -> "stopped at " + at;
        };
    }

    PrintWriter out() {
        return out;
    }

    PrintStream log() {
        return log;
    }

    /** True while a command runs (it reports its own stops). */
    boolean busy() {
        return busy;
    }

    boolean scripted() {
        return scripted;
    }

    /** Ctrl-C: the running command stops at its next check; the monitor stays. */
    public void interrupt() {
        interrupted = true;
    }

    boolean interrupted() {
        return interrupted;
    }

    void requestQuit() {
        quit = true;
    }

    public boolean quitRequested() {
        return quit;
    }

    Path resolve(String file) {
        try {
            return workingDirectory.resolve(file);
        } catch (java.nio.file.InvalidPathException e) {
            throw new DebugException("'" + file + "': not a valid file name");
        }
    }
}
