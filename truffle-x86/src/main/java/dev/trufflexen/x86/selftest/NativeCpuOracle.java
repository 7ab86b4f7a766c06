package dev.trufflexen.x86.selftest;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.cpu.X86FpuState;
import dev.trufflexen.x86.cpu.X86Segment;

/**
 * The host CPU as an oracle: a child process running the native {@code x86-oracle} helper
 * (truffle-x86/src/main/c/x86-oracle.c, which documents the protocol), fed one {@link CpuCase}
 * at a time over a pipe. The helper is found at the path in system property
 * {@value #BINARY_PROPERTY}, else extracted from this jar (the Maven build puts it there).
 *
 * <p>If the helper dies (a case corrupted it), the next case restarts it.
 */
public final class NativeCpuOracle implements AutoCloseable {
    public static final String BINARY_PROPERTY = "trufflexen.selftest.oracle";
    private static final int MAGIC = 0x524F5854;
    private static final int HELLO_SIZE = 32;
    private static final int VERSION = 2;
    private static final int REQUEST_SIZE = 8 + 17 * 8 + SelftestLayout.MAX_CODE + SelftestLayout.PAGE + X86FpuState.FXSAVE_SIZE;
    private static final int RESPONSE_SIZE = 8 + 3 * 8 + 18 * 8 + SelftestLayout.PAGE + X86FpuState.FXSAVE_SIZE;
    private static final int SIGALRM = 14;

    private final Path binary;
    private Process process;
    private DataInputStream in;
    private OutputStream out;
    private long fsBase;
    private final int[] selectors = new int[X86Segment.COUNT];
    private final ByteBuffer request = ByteBuffer.allocate(REQUEST_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    private final byte[] response = new byte[RESPONSE_SIZE];

    public NativeCpuOracle() throws IOException {
        this.binary = locate();
        start();
    }

    /** True when this host can run the oracle (Linux on x86-64). */
    public static boolean supported() {
        return System.getProperty("os.name", "").toLowerCase().contains("linux")
                && System.getProperty("os.arch", "").matches("amd64|x86_64");
    }

    /** The host runner's FS base (the C library's TLS); TruffleXen is given the same. */
    public long fsBase() {
        return fsBase;
    }

    /** The host's segment selectors, indexed by {@link X86Segment}. */
    public int selector(int segment) {
        return selectors[segment];
    }

    private static Path locate() throws IOException {
        String configured = System.getProperty(BINARY_PROPERTY);
        if (configured != null) {
            return Path.of(configured);
        }
        java.net.URL url = NativeCpuOracle.class.getResource("x86-oracle");
        if (url == null) {
            throw new IOException("the native x86-oracle helper is not built (expected as a resource next to "
                    + NativeCpuOracle.class.getName() + ", or set -D" + BINARY_PROPERTY + "=PATH)");
        }
        if (url.getProtocol().equals("file")) {
            try {
                return Path.of(url.toURI()); // the build tree: target/classes
            } catch (java.net.URISyntaxException e) {
                throw new IOException("bad resource location " + url, e);
            }
        }
        // Inside a jar: extract it to a private temporary file.
        IOException last = null;
        for (Path dir : new Path[] {Path.of(System.getProperty("java.io.tmpdir")),
            Path.of(System.getProperty("user.home"), ".cache", "trufflexen")}) {
            try (InputStream resource = url.openStream()) {
                Files.createDirectories(dir);
                Path file = Files.createTempFile(dir, "x86-oracle", "", PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
                file.toFile().deleteOnExit();
                Files.copy(resource, file, StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
                return file;
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    private void start() throws IOException {
        process = new ProcessBuilder(binary.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        in = new DataInputStream(new BufferedInputStream(process.getInputStream(), 1 << 16));
        out = new BufferedOutputStream(process.getOutputStream(), 1 << 16);
        byte[] hello = new byte[HELLO_SIZE];
        in.readFully(hello);
        ByteBuffer b = ByteBuffer.wrap(hello).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt() != MAGIC) {
            throw new IOException("x86-oracle at " + binary + " did not answer with its hello message");
        }
        int version = b.getInt();
        if (version != VERSION) {
            throw new IOException("x86-oracle at " + binary + " speaks protocol version " + version + ", expected " + VERSION
                    + " (rebuild it)");
        }
        fsBase = b.getLong();
        int[] order = {X86Segment.CS, X86Segment.SS, X86Segment.DS, X86Segment.ES, X86Segment.FS, X86Segment.GS};
        for (int segment : order) {
            selectors[segment] = b.getShort() & 0xFFFF;
        }
    }

    /** Runs a case on the host CPU. */
    public CpuOutcome run(CpuCase c) throws IOException {
        if (!process.isAlive()) {
            start();
        }
        request.clear();
        request.putInt(c.code().length).putInt(c.codeOffset());
        for (long value : c.registers()) {
            request.putLong(value);
        }
        request.putLong(c.rflags());
        request.put(c.code()).put(new byte[SelftestLayout.MAX_CODE - c.code().length]);
        request.put(c.data());
        request.put(c.fpu());
        try {
            out.write(request.array());
            out.flush();
            in.readFully(response);
        } catch (IOException e) {
            process.destroyForcibly();
            throw new IOException("x86-oracle died running case " + c.number() + " (" + c.form() + ")", e);
        }
        ByteBuffer b = ByteBuffer.wrap(response).order(ByteOrder.LITTLE_ENDIAN);
        int signal = b.getInt();
        b.getInt();
        int vector = (int) b.getLong();
        long errorCode = b.getLong();
        long cr2 = b.getLong();
        long[] registers = new long[16];
        for (int i = 0; i < 16; i++) {
            registers[i] = b.getLong();
        }
        long rip = b.getLong();
        long rflags = b.getLong();
        byte[] data = new byte[SelftestLayout.PAGE];
        b.get(data);
        byte[] fpu = new byte[X86FpuState.FXSAVE_SIZE];
        b.get(fpu);
        if (signal == SIGALRM) {
            vector = CpuOutcome.TIMEOUT;
        }
        boolean pageFault = vector == X86Fault.PF;
        boolean hasErrorCode = pageFault || vector == X86Fault.GP || vector == X86Fault.SS || vector == X86Fault.AC;
        return new CpuOutcome(vector, hasErrorCode ? errorCode : 0, pageFault ? cr2 : 0, registers, rip, rflags, data, fpu);
    }

    @Override
    public void close() {
        try {
            out.write(new byte[] {-1, -1, -1, -1});
            out.flush();
            process.waitFor(java.util.concurrent.TimeUnit.SECONDS.toMillis(2), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (IOException e) {
            // already gone
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            process.destroyForcibly();
        }
    }
}
