package dev.trufflexen.launcher;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jline.terminal.Attributes;
import org.jline.terminal.Attributes.ControlChar;
import org.jline.terminal.Attributes.LocalFlag;
import org.jline.terminal.Attributes.OutputFlag;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The guest console on txl's own terminal, for {@code txl create -c}.
 *
 * <p>On an interactive terminal it works like {@code xl console}: the terminal goes to raw mode
 * so every key, Ctrl-C included, reaches the guest, and Ctrl-] detaches. Detaching gives the
 * terminal back, sends the rest of the guest's output to the console log and leaves txl
 * waiting quietly for the domain to stop. Output post-processing stays on so guests that end
 * lines with a bare newline still print readably. When stdin or stdout is not a terminal the
 * streams are copied as they are (Ctrl-] still detaches).
 */
final class GuestConsole implements AutoCloseable {
    /** Ctrl-], the escape character of {@code xl console}. */
    static final int DETACH_CHARACTER = 0x1d;

    /** Held so JLine's "creating a dumb terminal" warnings stay off the guest console. */
    private static final Logger JLINE_LOGGER = Logger.getLogger("org.jline");

    private final TxlContext context;
    private final String domainName;
    private final Path detachLog;
    private final Terminal terminal;
    private final Attributes savedAttributes;
    private final InputStream input;
    private final RedirectableOutputStream output;
    private OutputStream logAfterDetach;
    private boolean detached;
    private boolean restored;

    private GuestConsole(TxlContext context, String domainName, Path detachLog, Terminal terminal,
            Attributes savedAttributes, InputStream in, OutputStream out) {
        this.context = context;
        this.domainName = domainName;
        this.detachLog = detachLog;
        this.terminal = terminal;
        this.savedAttributes = savedAttributes;
        this.input = new DetachingInputStream(in, this::detach);
        this.output = new RedirectableOutputStream(out);
    }

    static GuestConsole open(TxlContext context, String domainName, Path detachLog) {
        if (context.terminal()) {
            Terminal terminal = systemTerminal();
            if (terminal != null) {
                Attributes saved = terminal.enterRawMode();
                Attributes raw = terminal.getAttributes();
                raw.setLocalFlag(LocalFlag.ISIG, false);
                raw.setOutputFlag(OutputFlag.OPOST, true);
                raw.setOutputFlag(OutputFlag.ONLCR, true);
                raw.setControlChar(ControlChar.VMIN, 1);
                raw.setControlChar(ControlChar.VTIME, 0);
                terminal.setAttributes(raw);
                GuestConsole console = new GuestConsole(context, domainName, detachLog, terminal, saved,
                        terminal.input(), terminal.output());
                Runtime.getRuntime().addShutdownHook(new Thread(console::restoreTerminal, "txl-restore-terminal"));
                context.err().println("txl: connected to the console of " + domainName + "; Ctrl-] detaches");
                return console;
            }
        }
        return new GuestConsole(context, domainName, detachLog, null, null, context.in(), context.out());
    }

    private static Terminal systemTerminal() {
        JLINE_LOGGER.setLevel(Level.OFF);
        try {
            Terminal terminal = TerminalBuilder.builder().system(true).dumb(true).build();
            if (Terminal.TYPE_DUMB.equals(terminal.getType()) || Terminal.TYPE_DUMB_COLOR.equals(terminal.getType())) {
                terminal.close();
                return null;
            }
            return terminal;
        } catch (IOException | RuntimeException e) {
            return null;
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

    private synchronized void restoreTerminal() {
        if (terminal != null && !restored) {
            restored = true;
            terminal.setAttributes(savedAttributes);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        restoreTerminal();
        output.flush();
        if (logAfterDetach != null) {
            logAfterDetach.close();
        }
        if (terminal != null) {
            terminal.close();
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
