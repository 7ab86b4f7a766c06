package dev.trufflexen.launcher;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * How {@code txl create} ends on SIGINT, SIGTERM and SIGHUP: the terminal is restored, one
 * line says why, and the process exits with 128 plus the signal's number (130, 143, 129, as a
 * shell reports a process killed by the signal), within {@value #GRACE_MILLIS} ms whatever
 * else is running.
 *
 * <p>The handlers run the cleanups registered with {@link #onExit} (restoring the terminal
 * first) and then {@link System#exit}. A watchdog started before anything else halts the
 * process if the cleanups or the JVM's shutdown hooks do not finish in time: a terminal that
 * hung up or a stuck hook never keeps txl alive. The domain is destroyed with the process.
 *
 * <p>Handlers are installed only when txl owns the process ({@link TxlContext#ownsProcess}),
 * never when tests run txl in-process, and the previous handlers are put back by
 * {@link #close}.
 */
final class TerminationSignals implements AutoCloseable {
    /** The longest a signalled txl takes to end. */
    static final long GRACE_MILLIS = 2000;
    static final List<String> SIGNALS = List.of("INT", "TERM", "HUP");

    private final PrintStream err;
    private final String domainName;
    private final List<Runnable> cleanups = new CopyOnWriteArrayList<>();
    private final List<Signal> installed = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();
    private final AtomicInteger exitStatus = new AtomicInteger();
    private final Thread watchdog = new Thread(this::haltAfterGrace, "txl-exit-watchdog");

    private TerminationSignals(PrintStream err, String domainName) {
        this.err = err;
        this.domainName = domainName;
        watchdog.setDaemon(true);
    }

    /** Installs the handlers when {@code install} is true; otherwise an object that does nothing. */
    static TerminationSignals install(boolean install, PrintStream err, String domainName) {
        TerminationSignals signals = new TerminationSignals(err, domainName);
        if (install) {
            for (String name : SIGNALS) {
                try {
                    Signal signal = new Signal(name);
                    signals.previous.add(Signal.handle(signal, signals::handle));
                    signals.installed.add(signal);
                } catch (IllegalArgumentException e) {
                    // ignored since start (nohup) or reserved (-Xrs): leave it as it is
                }
            }
        }
        return signals;
    }

    /** Runs {@code cleanup} before exiting on a signal; cleanups run in the order registered. */
    void onExit(Runnable cleanup) {
        cleanups.add(cleanup);
    }

    /** The exit status for a signal: 128 plus its number. */
    static int exitStatus(Signal signal) {
        return ExitStatus.SIGNAL_BASE + signal.getNumber();
    }

    /**
     * Ends the process: the watchdog first (prepared at installation, so nothing here depends on
     * loading a class), then the cleanups, the line, and the exit. Nothing a cleanup throws
     * stops the exit.
     */
    private void handle(Signal signal) {
        int status = exitStatus(signal);
        exitStatus.compareAndSet(0, status);
        try {
            watchdog.start();
        } catch (IllegalThreadStateException e) {
            // a second signal: the first one's watchdog is running
        }
        try {
            for (Runnable cleanup : cleanups) {
                try {
                    cleanup.run();
                } catch (Throwable e) {
                    // the next cleanup and the exit matter more
                }
            }
            err.println("txl: SIG" + signal.getName() + " received: domain " + domainName
                    + " destroyed, exit status " + status);
            err.flush();
        } finally {
            System.exit(status);
        }
    }

    private void haltAfterGrace() {
        try {
            Thread.sleep(GRACE_MILLIS);
        } catch (InterruptedException e) {
            return;
        }
        Runtime.getRuntime().halt(exitStatus.get());
    }

    @Override
    public void close() {
        for (int i = 0; i < installed.size(); i++) {
            Signal.handle(installed.get(i), previous.get(i));
        }
        installed.clear();
    }
}
