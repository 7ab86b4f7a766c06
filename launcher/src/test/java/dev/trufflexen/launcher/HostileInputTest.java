package dev.trufflexen.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.trufflexen.launcher.CreateCommand.GuestStop;
import dev.trufflexen.launcher.config.HostLimits;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs a hostile or careless user gives {@code txl create}, each of which once escaped as a
 * Java failure, a hang or a misleading message. Each must now be a clean error: its exit status,
 * exactly one printable line on stderr naming the file, line and token, no stack trace, nothing
 * built, in bounded time.
 */
class HostileInputTest {
    private static final Duration BOUND = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final AtomicInteger built = new AtomicInteger();

    @BeforeEach
    void writeKernel() throws IOException {
        Files.write(dir.resolve("hello.elf"), new byte[] {0x7f, 'E', 'L', 'F'});
        Files.write(dir.resolve("initrd.img"), new byte[] {1, 2, 3});
    }

    private String create(int expectedStatus, String... args) {
        return assertTimeoutPreemptively(BOUND, () -> {
            TxlContext context = new TxlContext(new ByteArrayInputStream(new byte[0]),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), dir, Map.of(), false, () -> true,
                    (config, options, console) -> {
                        built.incrementAndGet();
                        return GuestStop.POWEROFF;
                    });
            String[] command = new String[args.length + 2];
            command[0] = "create";
            command[1] = "-F";
            System.arraycopy(args, 0, command, 2, args.length);
            int status = Txl.run(context, command);
            String stderr = err.toString(StandardCharsets.UTF_8);
            assertEquals(expectedStatus, status, stderr);
            assertOneCleanLine(stderr);
            assertEquals(0, built.get(), "nothing may be built");
            return stderr;
        });
    }

    /** Exactly one line, {@code txl: error: ...}, of printable characters, with no Java failure in it. */
    static void assertOneCleanLine(String stderr) {
        assertTrue(stderr.startsWith("txl: error: "), stderr);
        assertNull(FrontDoorFuzzer.problem(java.util.Set.of(ExitStatus.USAGE, ExitStatus.BAD_CONFIG), ExitStatus.USAGE,
                stderr), stderr);
    }

    private Path config(String text) throws IOException {
        return Files.writeString(dir.resolve("x.cfg"), text);
    }

    private Path configBytes(byte[] bytes) throws IOException {
        return Files.write(dir.resolve("x.cfg"), bytes);
    }

    private static final String BASE = "name = \"x\"\nkernel = \"hello.elf\"\n";

    @Test
    void moreMemoryThanTheHostHasIsRefusedWithTheNumbers() throws IOException {
        HostLimits host = HostLimits.probe();
        assumeTrue(host.availableMemoryMiB() < 65536 + HostLimits.MACHINE_OVERHEAD_MIB, "this host has 64 GiB free");
        String stderr = create(ExitStatus.BAD_CONFIG, config(BASE + "memory = 65536\n").toString());
        assertTrue(stderr.startsWith("txl: error: " + dir.resolve("x.cfg") + ":3: memory = 65536: needs 65600 MiB of "
                + "host memory (65536 MiB for the domain and 64 MiB for Xen's tables), but this host has "), stderr);
        assertTrue(stderr.contains(" MiB available ("), stderr);
    }

    @Test
    void aListNested200000DeepIsRefused() throws IOException {
        String stderr = create(ExitStatus.BAD_CONFIG,
                config(BASE + "vif = " + "[".repeat(200_000) + "]".repeat(200_000) + "\n").toString());
        assertTrue(stderr.endsWith(":3:" + (6 + 16 + 1) + ": [: lists nested deeper than 16 levels\n"), stderr);
    }

    @Test
    void aMegabyteTokenIsRefusedAndEchoedShort() throws IOException {
        String stderr = create(ExitStatus.BAD_CONFIG, config(BASE + "extra = \"" + "A".repeat(1_000_000) + "\"\n")
                .toString());
        assertTrue(stderr.contains(":3:9: \"AAAAAAAA"), stderr);
        assertTrue(stderr.endsWith("... (1000002 characters): string longer than the limit of 4096 characters\n"),
                stderr);
    }

    @Test
    void aNulInTheKernelOrRamdiskPathIsNamed() throws IOException {
        String stderr = create(ExitStatus.BAD_CONFIG, config("name = \"x\"\nkernel = \"hello\0.elf\"\n").toString());
        assertTrue(stderr.endsWith(":2: kernel = \"hello\\0.elf\": a path cannot contain a NUL character "
                + "(\\0 at character 6)\n"), stderr);
        err.reset();
        stderr = create(ExitStatus.BAD_CONFIG, config(BASE + "ramdisk = \"\0\"\n").toString());
        assertTrue(stderr.contains(":3: ramdisk = \"\\0\": a path cannot contain"), stderr);
    }

    @Test
    void aNulInTheConfigurationArgumentIsAUsageError() {
        String stderr = create(ExitStatus.USAGE, "x\0.cfg");
        assertTrue(stderr.startsWith("txl: error: x\\0.cfg: not a valid file name"), stderr);
    }

    @Test
    void devicesAreRefusedUnread() {
        for (String device : List.of("/dev/zero", "/dev/urandom", "/dev/null")) {
            err.reset();
            String stderr = create(ExitStatus.BAD_CONFIG, device);
            assertEquals("txl: error: " + device + ": is a character device, not a domain configuration file "
                    + "(txl reads regular files only)\n", stderr);
        }
    }

    @Test
    void anAtSignIsAFileNameNotAnArgumentFile() {
        String stderr = create(ExitStatus.BAD_CONFIG, "@/dev/zero");
        assertEquals("txl: error: @/dev/zero: no such file\n", stderr);
    }

    @Test
    void aFifoWithNoWriterIsRefusedWithoutWaiting() throws Exception {
        Path fifo = dir.resolve("fifo.cfg");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assumeTrue(mkfifo.waitFor() == 0, "mkfifo is not available");
        String stderr = create(ExitStatus.BAD_CONFIG, "fifo.cfg");
        assertEquals("txl: error: fifo.cfg: is a FIFO, not a domain configuration file (txl reads regular files only)\n",
                stderr);
        err.reset();
        stderr = create(ExitStatus.BAD_CONFIG, config(BASE + "ramdisk = \"fifo.cfg\"\n").toString());
        assertTrue(stderr.endsWith(":3: ramdisk = \"fifo.cfg\": not a regular file (a FIFO): " + fifo + "\n"), stderr);
    }

    @Test
    void aSparse3GiBConfigurationIsRefusedUnread() throws IOException {
        Path big = dir.resolve("big.cfg");
        try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
            file.setLength(3L << 30);
        }
        assertEquals("txl: error: big.cfg: file of 3221225472 bytes is larger than the limit of 1048576 bytes for a "
                + "domain configuration\n", create(ExitStatus.BAD_CONFIG, "big.cfg"));
    }

    @Test
    void aSparse3GiBRamdiskIsReportedAgainstTheRamdisk() throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(dir.resolve("big.img").toFile(), "rw")) {
            file.setLength(3L << 30);
        }
        String stderr = create(ExitStatus.BAD_CONFIG, config(BASE + "ramdisk = \"big.img\"\n").toString());
        assertTrue(stderr.contains(":3: ramdisk = \"big.img\": "), stderr);
        assertTrue(stderr.contains("ramdisk of 3072 MiB"), stderr);
    }

    @Test
    void aRamdiskTooBigForMemoryNamesTheRamdisk() throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(dir.resolve("mid.img").toFile(), "rw")) {
            file.setLength(40L << 20);
        }
        String stderr = create(ExitStatus.BAD_CONFIG,
                config(BASE + "memory = 32\nramdisk = \"mid.img\"\n").toString());
        assertTrue(stderr.endsWith(":4: ramdisk = \"mid.img\": ramdisk of 40 MiB and kernel of 4 bytes do not fit in "
                + "the domain's memory of 32 MiB; raise memory\n"), stderr);
    }

    @Test
    void aDomainTheBuilderRefusesLeavesNoConsoleLog() throws IOException {
        Path cfg = config(BASE);
        Files.writeString(dir.resolve("kept.log"), "an earlier run's log\n");
        for (String name : new String[] {"x", "kept"}) {
            err.reset();
            TxlContext context = new TxlContext(new ByteArrayInputStream(new byte[0]),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), dir, Map.of(), false, () -> true,
                    (config, options, console) -> {
                        throw new TxlException(ExitStatus.BAD_CONFIG, "hello.elf: not an ELF file");
                    });
            int status = Txl.run(context, "create", "-F", cfg.toString(), "name=" + name);
            String stderr = err.toString(StandardCharsets.UTF_8);
            assertEquals(ExitStatus.BAD_CONFIG, status, stderr);
            assertOneCleanLine(stderr);
        }
        assertFalse(Files.exists(dir.resolve("x.log")), "a refused build leaves no empty console log");
        assertTrue(Files.exists(dir.resolve("kept.log")), "a log that was there before is not removed");
    }

    @Test
    void aLongNameIsRefusedBeforeTheLogFileIsNamed() throws IOException {
        String name = "n".repeat(252);
        String stderr = create(ExitStatus.BAD_CONFIG,
                config("name = \"" + name + "\"\nkernel = \"hello.elf\"\n").toString());
        assertTrue(stderr.endsWith(":1: name = \"" + "n".repeat(71) + "... (254 characters): a domain name may be at "
                + "most 128 characters, not 252\n"), stderr);
    }

    @Test
    void escapeSequencesAreEchoedEscaped() throws IOException {
        String stderr = create(ExitStatus.BAD_CONFIG,
                config("name = \"\u001b]0;pwned\u0007\u202e\"\nkernel = \"hello.elf\"\n").toString());
        assertTrue(stderr.contains(":1: name = \"\\x1b]0;pwned\\x07\\u{202E}\": a domain name may only contain"),
                stderr);
        err.reset();
        stderr = create(ExitStatus.BAD_CONFIG, config(BASE + "\u001b[2J = 1\n").toString());
        assertTrue(stderr.contains(":3:1: \\x1b: not a key name"), stderr);
    }

    @Test
    void invalidUtf8IsPlacedByLineAndColumn() throws IOException {
        byte[] text = (BASE + "cmdline = \"caf\u00e9 ").getBytes(StandardCharsets.UTF_8);
        byte[] bytes = java.util.Arrays.copyOf(text, text.length + 2);
        bytes[text.length] = (byte) 0xc3; // a lead byte followed by a newline: not UTF-8
        bytes[text.length + 1] = '\n';
        String stderr = create(ExitStatus.BAD_CONFIG, configBytes(bytes).toString());
        assertTrue(stderr.endsWith("x.cfg:3:17: byte 0xc3: not valid UTF-8 (at byte offset " + text.length
                + " of the file)\n"), stderr);
    }

    @Test
    void aNewlineInAPathIsShownNotDropped() throws IOException {
        String stderr = create(ExitStatus.BAD_CONFIG, config("name = \"x\"\nkernel = \"hello.elf\\n\"\n").toString());
        assertTrue(stderr.endsWith(": no such file: " + dir.toRealPath().resolve("hello.elf") + "\\n\n")
                || stderr.endsWith(": no such file: " + dir.resolve("hello.elf") + "\\n\n"), stderr);
    }

    @Test
    void anUnknownOptionFullOfEscapesIsEscaped() {
        String stderr = create(ExitStatus.USAGE, "--\u001b]2;title\u0007");
        assertTrue(stderr.startsWith("txl: error: unknown option '--\\x1b]2;title\\x07'"), stderr);
    }
}
