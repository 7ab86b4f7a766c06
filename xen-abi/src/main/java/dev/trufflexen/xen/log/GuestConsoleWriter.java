package dev.trufflexen.xen.log;

/**
 * Collects a domain's console_io output into lines for the hypervisor console, as Xen does:
 * printable characters are kept, a newline ends the line, and an overlong line is cut.
 */
public final class GuestConsoleWriter {
    private static final int MAX_LINE = 256;

    private final HypervisorConsole console;
    private final int domid;
    private final StringBuilder line = new StringBuilder();

    public GuestConsoleWriter(HypervisorConsole console, int domid) {
        this.console = console;
        this.domid = domid;
    }

    public synchronized void write(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            int c = bytes[i] & 0xFF;
            if (c == '\n') {
                flush();
            } else if ((c >= 0x20 && c < 0x7F) || c == '\t') {
                line.append((char) c);
                if (line.length() >= MAX_LINE) {
                    flush();
                }
            }
        }
    }

    public synchronized void flush() {
        if (line.length() > 0) {
            console.guestLine(domid, line.toString());
            line.setLength(0);
        }
    }
}
