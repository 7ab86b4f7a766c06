package dev.trufflexen.launcher;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * A terminal's settings saved byte for byte, and raw mode for the guest console.
 *
 * <p>The settings are the C library's {@code struct termios}, read with {@code tcgetattr} and
 * written back with {@code tcsetattr} through the JDK's foreign function interface. They are kept
 * as the opaque bytes the C library gave, so restoring gives back exactly what was there: every
 * flag, every control character and the line speeds (a copy through a Java model of the flags
 * loses what the model does not know, the speeds among them).
 *
 * <p>Raw mode is the C library's {@code cfmakeraw} on a copy, with two changes for a console:
 * output post-processing stays on ({@code OPOST | ONLCR}, so guests that end lines with a bare
 * newline print readably) and reads return each byte as it comes ({@code VMIN = 1, VTIME = 0}).
 * {@code cfmakeraw} clears {@code ISIG}, so Ctrl-C and Ctrl-Z reach the guest as bytes.
 *
 * <p>The offsets below are those of Linux's {@code struct termios} on x86-64 (glibc and musl
 * agree), the only host TruffleXen runs on.
 */
final class TerminalSettings {
    /** {@code sizeof(struct termios)} is 60 on Linux x86-64; the buffer leaves room to spare. */
    private static final long TERMIOS_BYTES = 256;
    private static final long C_OFLAG = 4;
    private static final long C_CC = 17;
    private static final int OPOST = 0x1;
    private static final int ONLCR = 0x4;
    private static final int VTIME = 5;
    private static final int VMIN = 6;
    private static final int TCSANOW = 0;

    private static final Optional<Natives> NATIVES = Natives.find();

    private final int fd;
    private final MemorySegment saved;

    private TerminalSettings(int fd, MemorySegment saved) {
        this.fd = fd;
        this.saved = saved;
    }

    /** The current settings of terminal {@code fd}; empty when it is not a terminal. */
    static Optional<TerminalSettings> save(int fd) {
        if (NATIVES.isEmpty()) {
            return Optional.empty();
        }
        MemorySegment termios = Arena.global().allocate(TERMIOS_BYTES, 8);
        if (NATIVES.get().call(NATIVES.get().tcgetattr, fd, termios) != 0) {
            return Optional.empty();
        }
        return Optional.of(new TerminalSettings(fd, termios));
    }

    /** Puts the terminal in raw mode for a console; false when the terminal refused. */
    boolean enterRawMode() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment raw = arena.allocate(TERMIOS_BYTES, 8);
            raw.copyFrom(saved);
            Natives natives = NATIVES.orElseThrow();
            natives.cfmakeraw(raw);
            int oflag = raw.get(ValueLayout.JAVA_INT, C_OFLAG);
            raw.set(ValueLayout.JAVA_INT, C_OFLAG, oflag | OPOST | ONLCR);
            raw.set(ValueLayout.JAVA_BYTE, C_CC + VMIN, (byte) 1);
            raw.set(ValueLayout.JAVA_BYTE, C_CC + VTIME, (byte) 0);
            return natives.tcsetattr(fd, TCSANOW, raw) == 0;
        }
    }

    /**
     * Writes the saved settings back, at once ({@code TCSANOW}: never waits for output to drain,
     * which could block on a terminal stopped with Ctrl-S or gone). Safe to call from any thread
     * and more than once; false when the terminal refused (it may have hung up).
     */
    boolean restore() {
        return NATIVES.orElseThrow().tcsetattr(fd, TCSANOW, saved) == 0;
    }

    /** The saved settings' bytes, for tests. */
    byte[] savedBytes() {
        return saved.asSlice(0, 60).toArray(ValueLayout.JAVA_BYTE);
    }

    /** The three C library functions, bound once. */
    private record Natives(MethodHandle tcgetattr, MethodHandle tcsetattrHandle, MethodHandle cfmakerawHandle) {
        static Optional<Natives> find() {
            try {
                Linker linker = Linker.nativeLinker();
                SymbolLookup libc = linker.defaultLookup();
                MethodHandle get = linker.downcallHandle(libc.find("tcgetattr").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
                MethodHandle set = linker.downcallHandle(libc.find("tcsetattr").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                                ValueLayout.ADDRESS));
                MethodHandle raw = linker.downcallHandle(libc.find("cfmakeraw").orElseThrow(),
                        FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
                return Optional.of(new Natives(get, set, raw));
            } catch (RuntimeException | LinkageError e) {
                return Optional.empty(); // no native access: the console runs without raw mode
            }
        }

        int call(MethodHandle handle, int fd, MemorySegment termios) {
            try {
                return (int) handle.invokeExact(fd, termios);
            } catch (Throwable e) {
                return -1;
            }
        }

        int tcsetattr(int fd, int when, MemorySegment termios) {
            try {
                return (int) tcsetattrHandle.invokeExact(fd, when, termios);
            } catch (Throwable e) {
                return -1;
            }
        }

        void cfmakeraw(MemorySegment termios) {
            try {
                cfmakerawHandle.invokeExact(termios);
            } catch (Throwable e) {
                throw new IllegalStateException("cfmakeraw failed", e);
            }
        }
    }
}
