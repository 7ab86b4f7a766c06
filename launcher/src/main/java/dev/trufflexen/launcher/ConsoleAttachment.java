package dev.trufflexen.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

import dev.trufflexen.launcher.host.HostClient;

/**
 * A domain's console in the host, on txl's terminal ({@code txl console}, {@code create -c}):
 * the guest's output to the terminal, keys to the guest, in raw mode on a terminal, until the
 * domain stops or Ctrl-] detaches. The terminal's settings are restored on every way out.
 */
final class ConsoleAttachment {
    private ConsoleAttachment() {
    }

    /** Attaches to {@code domain}'s console over {@code host} and returns once detached or stopped. */
    static int attach(TxlContext context, HostConnection host, String domain) {
        host.requestForDomain("console", domain);
        HostClient client = host.client();
        Optional<TerminalSettings> settings = context.terminal() ? TerminalSettings.save(0) : Optional.empty();
        Thread restore = new Thread(() -> settings.ifPresent(TerminalSettings::restore), "txl-restore-terminal");
        if (settings.isPresent()) {
            Runtime.getRuntime().addShutdownHook(restore);
            settings.get().enterRawMode();
            context.err().println("txl: connected to the console of " + domain + "; Ctrl-] detaches\r");
        }
        CountDownLatch done = new CountDownLatch(1);
        Thread output = new Thread(() -> {
            copy(client.rawInput(), context.out());
            done.countDown();
        }, "console-output");
        output.setDaemon(true);
        output.start();
        Thread input = new Thread(() -> {
            if (forwardKeys(context.in(), client.rawOutput())) {
                done.countDown();
            }
        }, "console-input");
        input.setDaemon(true);
        input.start();
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (settings.isPresent()) {
                settings.get().restore();
                try {
                    Runtime.getRuntime().removeShutdownHook(restore);
                } catch (IllegalStateException e) {
                    // the JVM is exiting: the hook restores, harmlessly, again
                }
            }
            context.out().flush();
        }
        return 0;
    }

    private static void copy(InputStream from, OutputStream to) {
        byte[] buffer = new byte[4096];
        try {
            int n;
            while ((n = from.read(buffer)) > 0) {
                to.write(buffer, 0, n);
                to.flush();
            }
        } catch (IOException e) {
            // the host closed the console: the domain stopped
        }
    }

    /** Copies keys to the guest; true when Ctrl-] detached, false at the end of the input. */
    private static boolean forwardKeys(InputStream keys, OutputStream guest) {
        byte[] buffer = new byte[256];
        try {
            int n;
            while ((n = keys.read(buffer)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == GuestConsole.DETACH_CHARACTER) {
                        guest.write(buffer, 0, i);
                        guest.flush();
                        return true;
                    }
                }
                guest.write(buffer, 0, n);
                guest.flush();
            }
        } catch (IOException e) {
            // the host has gone
        }
        return false;
    }
}
