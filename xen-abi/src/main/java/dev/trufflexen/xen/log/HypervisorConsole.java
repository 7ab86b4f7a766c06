package dev.trufflexen.xen.log;

import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The hypervisor's own console: what Xen prints on its serial line and keeps for
 * {@code xl dmesg}. Lines from the hypervisor are prefixed "(XEN) "; console_io output of a
 * guest is line-buffered per domain and prefixed "(dN) ", as Xen does.
 */
public final class HypervisorConsole {
    private static final int KEPT_LINES = 2000;

    private final PrintStream sink;
    private final ArrayDeque<String> lines = new ArrayDeque<>();

    public HypervisorConsole(PrintStream sink) {
        this.sink = sink;
    }

    public synchronized void log(String message) {
        for (String line : message.split("\n", -1)) {
            append("(XEN) " + line);
        }
    }

    /** A complete line written by a guest through console_io. */
    synchronized void guestLine(int domid, String line) {
        append("(d" + domid + ") " + line);
    }

    private void append(String line) {
        if (lines.size() == KEPT_LINES) {
            lines.removeFirst();
        }
        lines.addLast(line);
        if (sink != null) {
            sink.println(line);
            sink.flush();
        }
    }

    /** The kept lines, oldest first (like {@code xl dmesg}). */
    public synchronized List<String> lines() {
        return new ArrayList<>(lines);
    }
}
