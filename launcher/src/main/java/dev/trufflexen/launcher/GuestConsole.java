package dev.trufflexen.launcher;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The guest console on txl's own terminal, for {@code txl create -c}.
 *
 * <p>On an interactive terminal it works like {@code xl console}: the terminal goes to raw mode
 * so every key, Ctrl-C included, reaches the guest, and Ctrl-] detaches. Detaching gives the
 * terminal back, sends the rest of the guest's output to the console log and leaves txl
 * waiting quietly for the domain to stop. Output post-processing stays on so guests that end
 * lines with a bare newline still print readably. When stdin or stdout is not a terminal the
 * streams are copied as they are (Ctrl-] still detaches).
 *
 * <p>The terminal's settings are saved byte for byte before raw mode and written back exactly
 * ({@link TerminalSettings}) on every way out: detaching, the domain stopping, an exception,
 * {@link System#exit}, and SIGINT, SIGTERM or SIGHUP ({@link TerminationSignals}).
 */
final class GuestConsole implements AutoCloseable {
    /** Ctrl-], the escape character of {@code xl console}. */
    static final int DETACH_CHARACTER = 0x1d;
    /** Standard input: the terminal whose settings are saved and restored. */
    private static final int STDIN = 0;

    private final TxlContext context;
    private final String domainName;
    private final Path detachLog;
    private final TerminalSettings savedSettings;
    private final Thread restoreHook;
    private final InputStream input;
    private final RedirectableOutputStream output;
    private OutputStream logAfterDetach;
    private boolean detached;
    private volatile boolean restored;

    private GuestConsole(TxlContext context, String domainName, Path detachLog, TerminalSettings savedSettings,
            InputStream in, OutputStream out) {
        this.context = context;
        this.domainName = domainName;
        this.detachLog = detachLog;
        this.savedSettings = savedSettings;
        this.restoreHook = savedSettings == null ? null : new Thread(this::restoreTerminal, "txl-restore-terminal");
        this.input = new DetachingInputStream(in, this::detach);
        this.output = new RedirectableOutputStream(out);
    }

    /**
     * Connects the console; on a terminal, raw mode, with {@code signals} restoring the terminal
     * before a signalled exit.
     */
    static GuestConsole open(TxlContext context, String domainName, Path detachLog, TerminationSignals signals) {
        Optional<TerminalSettings> settings = context.terminal() ? TerminalSettings.save(STDIN) : Optional.empty();
        if (settings.isPresent()) {
            GuestConsole console = new GuestConsole(context, domainName, detachLog, settings.get(),
                    context.in(), context.out());
            signals.onExit(console::restoreTerminal);
            Runtime.getRuntime().addShutdownHook(console.restoreHook);
            if (settings.get().enterRawMode()) {
                return console;
            }
            console.restoreTerminal();
        }
        return new GuestConsole(context, domainName, detachLog, null, context.in(), context.out());
    }

    /** Says the console is connected, on a terminal; called once the domain is built. */
    void announce() {
        if (savedSettings != null) {
            context.err().println("txl: connected to the console of " + domainName + "; Ctrl-] detaches");
        }
    }

    /** What the guest reads: the terminal's keys until Ctrl-], then end of file. */
    InputStream input() {
        return input;
    }

    /** Where guest output goes: the terminal until Ctrl-], then the console log. */
    OutputStream output() {
        return output;
    }

    private synchronized void detach() {
        if (detached) {
            return;
        }
        detached = true;
        restoreTerminal();
        try {
            logAfterDetach = CreateCommand.openConsoleLog(detachLog);
            output.redirect(logAfterDetach);
            context.err().println();
            context.err().println("txl: detached from the console of " + domainName
                    + "; it keeps running, its output goes to " + detachLog + ", and txl waits until it stops");
        } catch (TxlException e) {
            output.redirect(OutputStream.nullOutputStream());
            context.err().println();
            context.err().println("txl: detached from the console of " + domainName
                    + "; its output is discarded (" + e.getMessage() + "); txl waits until it stops");
        }
    }

    /**
     * Gives the terminal its saved settings back. Not synchronized: a signal handler or a
     * shutdown hook must never wait for a thread that holds the console.
     */
    private void restoreTerminal() {
        if (savedSettings != null && !restored) {
            restored = true;
            savedSettings.restore();
        }
    }

    @Override
    public synchronized void close() throws IOException {
        restoreTerminal();
        output.flush();
        if (logAfterDetach != null) {
            logAfterDetach.close();
        }
        if (restoreHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(restoreHook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down: the hook restores (again, harmlessly)
            }
        }
    }

    /** Ends the stream at Ctrl-], calling back once; bytes typed before it still get through. */
    static final class DetachingInputStream extends FilterInputStream {
        private final Runnable onDetach;
        private boolean ended;

        DetachingInputStream(InputStream in, Runnable onDetach) {
            super(in);
            this.onDetach = onDetach;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n <= 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (ended) {
                return -1;
            }
            int n = super.read(buffer, offset, length);
            for (int i = 0; i < n; i++) {
                if (buffer[offset + i] == DETACH_CHARACTER) {
                    ended = true;
                    onDetach.run();
                    return i > 0 ? i : -1;
                }
            }
            return n;
        }

        @Override
        public int available() throws IOException {
            return ended ? 0 : super.available();
        }
    }

    /** Writes through to one stream, switchable at any time; flushes every write. */
    static final class RedirectableOutputStream extends OutputStream {
        private volatile OutputStream target;

        RedirectableOutputStream(OutputStream target) {
            this.target = target;
        }

        void redirect(OutputStream newTarget) {
            synchronized (this) {
                try {
                    target.flush();
                } catch (IOException e) {
                    // the old target is being abandoned
                }
                target = newTarget;
            }
        }

        @Override
        public synchronized void write(int b) throws IOException {
            target.write(b);
            target.flush();
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
            target.write(bytes, offset, length);
            target.flush();
        }

        @Override
        public synchronized void flush() throws IOException {
            target.flush();
        }
    }
}
