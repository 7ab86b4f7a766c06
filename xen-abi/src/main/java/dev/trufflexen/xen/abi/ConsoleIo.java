package dev.trufflexen.xen.abi;

/** console_io commands ({@code xen.h}). */
public final class ConsoleIo {
    public static final int CONSOLEIO_write = 0;
    public static final int CONSOLEIO_read = 1;

    private ConsoleIo() {
    }
}
