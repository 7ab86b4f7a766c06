package dev.trufflexen.launcher.monitor;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.ParsedLine;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The monitor on a terminal (JLine 3): line editing, history kept in
 * {@code ~/.trufflexen/monitor_history} across sessions, completion of command names, info
 * topics, register names and symbols from the commands' own declarations, and Ctrl-C that
 * interrupts the running command (or clears the line) without leaving. Guest console output and
 * stop notices are printed above the prompt, so the line being typed stays intact.
 */
public final class MonitorConsole implements AutoCloseable {
    private final Monitor monitor;
    private final Terminal terminal;
    private final LineReader reader;

    private MonitorConsole(Monitor monitor, Terminal terminal, LineReader reader) {
        this.monitor = monitor;
        this.terminal = terminal;
        this.reader = reader;
    }

    /** A monitor on the process's terminal; {@code factory} makes the monitor for an output writer. */
    public static MonitorConsole open(java.util.function.Function<PrintWriter, Monitor> factory, Path historyFile) throws IOException {
        Terminal terminal = TerminalBuilder.builder().system(true).build();
        PrintWriter out = terminal.writer();
        Monitor monitor = factory.apply(out);
        LineReader reader = LineReaderBuilder.builder().terminal(terminal).appName("txl-monitor")
                .completer(new SpecCompleter(monitor))
                .variable(LineReader.HISTORY_FILE, historyFile)
                .build();
        MonitorConsole console = new MonitorConsole(monitor, terminal, reader);
        terminal.handle(Terminal.Signal.INT, signal -> monitor.interrupt());
        monitor.target().debugger().onStop(stop -> console.printAbove(monitor.describe(stop)));
        return console;
    }

    public Monitor monitor() {
        return monitor;
    }

    /** Prints a line above the prompt (the line being edited is redrawn below it). */
    public void printAbove(String line) {
        if (!line.isEmpty() && !monitor.busy()) {
            reader.printAbove(line);
        }
    }

    /** An output stream for the guest console: each complete line goes above the prompt. */
    public OutputStream consoleOutput() {
        return new OutputStream() {
            private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

            @Override
            public synchronized void write(int b) {
                if (b == '\n') {
                    reader.printAbove(line.toString(StandardCharsets.UTF_8));
                    line.reset();
                } else if (b != '\r') {
                    line.write(b);
                }
            }
        };
    }

    /** Reads and runs commands until quit, end of input, or {@code stillWanted} turns false. */
    public void run(java.util.function.BooleanSupplier stillWanted) {
        while (stillWanted.getAsBoolean()) {
            String line;
            try {
                line = reader.readLine("(txl) ");
            } catch (UserInterruptException e) {
                continue; // Ctrl-C at the prompt clears the line
            } catch (EndOfFileException e) {
                return;
            }
            if (!monitor.execute(line, false)) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        terminal.close();
    }

    /** Completion from the monitor's picocli model: command names, then each positional's candidates. */
    private record SpecCompleter(Monitor monitor) implements Completer {
        @Override
        public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
            CommandSpec root = monitor.spec();
            if (line.wordIndex() == 0) {
                root.subcommands().keySet().forEach(name -> candidates.add(new Candidate(name)));
                return;
            }
            var sub = root.subcommands().get(line.words().getFirst());
            if (sub == null) {
                return;
            }
            List<String> words = new ArrayList<>();
            List<PositionalParamSpec> positionals = sub.getCommandSpec().positionalParameters();
            int index = line.wordIndex() - 1;
            PositionalParamSpec spec = index < positionals.size() ? positionals.get(index) : null;
            if (spec != null && spec.completionCandidates() != null) {
                spec.completionCandidates().forEach(words::add);
            } else {
                words.addAll(Registers.names());
                words.addAll(monitor.target().symbols().namesStartingWith(line.word()));
            }
            words.forEach(word -> candidates.add(new Candidate(word)));
        }
    }
}
