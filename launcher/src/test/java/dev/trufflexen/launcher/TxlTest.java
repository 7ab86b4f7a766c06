package dev.trufflexen.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trufflexen.launcher.CreateCommand.ConsoleRoute;
import dev.trufflexen.launcher.CreateCommand.GuestStop;
import dev.trufflexen.launcher.config.DomainConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The txl command line, run in-process with a fake domain runner. */
class TxlTest {
    @TempDir
    Path dir;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    byte[] stdin = new byte[0];
    Map<String, String> environment = Map.of();
    boolean graalJitActive = true;
    /** Like the real runner, it reports the domain built before running it. */
    CreateCommand.DomainRunner runner = (config, options, console) -> {
        options.domainBuilt().run();
        return GuestStop.POWEROFF;
    };

    /** What the fake runner was given, for assertions. */
    final List<DomainConfig> ranConfigs = new ArrayList<>();
    final List<CreateCommand.RunOptions> ranOptions = new ArrayList<>();

    @BeforeEach
    void writeGuest() throws IOException {
        Files.write(dir.resolve("hello.elf"), new byte[] {0x7f, 'E', 'L', 'F'});
        Files.writeString(dir.resolve("hello.cfg"), "name = \"hello\"\nkernel = \"hello.elf\"\n");
        Files.writeString(dir.resolve("bad.cfg"), "name = \"hello\"\nkernel = \"hello.elf\"\n\nmemory = \"lots\"\n");
    }

    int txl(String... args) {
        TxlContext context = new TxlContext(new ByteArrayInputStream(stdin),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                dir, environment, false, () -> graalJitActive,
                (config, options, console) -> {
                    ranConfigs.add(config);
                    ranOptions.add(options);
                    return runner.run(config, options, console);
                });
        return Txl.run(context, args);
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    // --- usage errors: 64, one line naming the problem and where help is

    record UsageCase(String rule, List<String> args, String expected) {
        @Override
        public String toString() {
            return rule;
        }
    }

    static Stream<UsageCase> usageCases() {
        return Stream.of(
            new UsageCase("no command", List.of(), "txl: error: no command given (see 'txl help')"),
            new UsageCase("unknown command", List.of("start", "x.cfg"),
                "txl: error: unknown command 'start'; the commands are console, destroy, dmesg, domid, domname, dump-core, info, list, "
                + "mem-max, mem-set, monitor, pause, reboot, sched-bvt, sched-credit, shutdown, top, unpause, uptime, "
                + "vcpu-list, vcpu-pin, vcpu-set, xenstore-ls, xenstore-read, xenstore-rm, xenstore-write, create, host, "
                + "bench, dashboard, selftest, completion, help (see 'txl help')"),
            new UsageCase("unknown top-level option", List.of("--frob"),
                "txl: error: unknown option '--frob' (see 'txl help')"),
            new UsageCase("create without CONFIG", List.of("create"),
                "txl: error: Missing required parameter: 'CONFIG' (see 'txl help create')"),
            new UsageCase("create with an unknown option", List.of("create", "--bogus"),
                "txl: error: unknown option '--bogus' (see 'txl help create')"),
            new UsageCase("create with an unknown option after CONFIG", List.of("create", "hello.cfg", "-x"),
                "txl: error: unknown option '-x' (see 'txl help create')"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("usageCases")
    void usageErrorsExit64WithOneLine(UsageCase c) {
        assertEquals(ExitStatus.USAGE, txl(c.args().toArray(String[]::new)));
        assertEquals(c.expected() + System.lineSeparator(), err());
        assertTrue(ranConfigs.isEmpty());
    }

    // --- configuration errors: 65, file:line: token: problem

    @Test
    void badConfigExits65NamingFileLineAndToken() {
        assertEquals(ExitStatus.BAD_CONFIG, txl("create", "-F", "bad.cfg"));
        assertEquals("txl: error: bad.cfg:4: memory = \"lots\": expected an integer number of MiB"
                + System.lineSeparator(), err());
        assertTrue(ranConfigs.isEmpty());
    }

    @Test
    void missingConfigFileExits65() {
        assertEquals(ExitStatus.BAD_CONFIG, txl("create", "-F", "nope.cfg"));
        assertEquals("txl: error: nope.cfg: no such file" + System.lineSeparator(), err());
    }

    @Test
    void badOverrideExits65() {
        assertEquals(ExitStatus.BAD_CONFIG, txl("create", "-F", "hello.cfg", "vcpus=many"));
        assertEquals("txl: error: command line: vcpus=many: expected an integer number of vCPUs"
                + System.lineSeparator(), err());
    }

    @Test
    void configurationIsCheckedBeforeTheJit() {
        graalJitActive = false;
        assertEquals(ExitStatus.BAD_CONFIG, txl("create", "-F", "bad.cfg"));
    }

    @Test
    void domainBuilderRejectionExits65() {
        runner = (config, options, console) -> {
            throw new TxlException(ExitStatus.BAD_CONFIG, "hello.elf: not an ELF image with Xen notes");
        };
        assertEquals(ExitStatus.BAD_CONFIG, txl("create", "-F", "hello.cfg"));
        assertTrue(err().endsWith("txl: error: hello.elf: not an ELF image with Xen notes" + System.lineSeparator()));
    }

    // --- the Graal JIT

    @Test
    void refusesToRunWithoutTheJit() {
        graalJitActive = false;
        assertEquals(ExitStatus.SOFTWARE, txl("create", "-F", "hello.cfg"));
        assertTrue(err().startsWith("txl: error: the Graal JIT is not active"), err());
        assertEquals(1, err().lines().count());
        assertTrue(ranConfigs.isEmpty());
    }

    @Test
    void interpreterOnlyRunsWithoutTheJit() {
        graalJitActive = false;
        assertEquals(ExitStatus.GUEST_POWEROFF, txl("create", "-F", "--interpreter-only", "--trace", "hello.cfg"));
        CreateCommand.RunOptions options = ranOptions.getFirst();
        assertEquals(List.of(true, true, false), List.of(options.interpreterOnly(), options.trace(), options.verbose()));
    }

    // --- how the guest stopped is the exit status

    record StopCase(GuestStop stop, int status) {
    }

    static Stream<StopCase> stopCases() {
        return Stream.of(
            new StopCase(GuestStop.POWEROFF, 0),
            new StopCase(GuestStop.REBOOT, 2),
            new StopCase(GuestStop.CRASH, 3),
            new StopCase(GuestStop.SUSPEND, 4),
            new StopCase(GuestStop.WATCHDOG, 5),
            new StopCase(GuestStop.SOFT_RESET, 6));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stopCases")
    void exitStatusSaysHowTheGuestStopped(StopCase c) {
        runner = (config, options, console) -> c.stop();
        assertEquals(c.status(), txl("create", "-F", "hello.cfg"));
        assertTrue(err().endsWith("txl: domain hello stopped: " + c.stop().xlName() + System.lineSeparator()), err());
    }

    @Test
    void everyStopHasADistinctStatus() {
        assertEquals(GuestStop.values().length,
                Stream.of(GuestStop.values()).mapToInt(CreateCommand::exitStatus).distinct().count());
    }

    // --- console routing

    @Test
    void withoutConsoleTheGuestOutputGoesToNameDotLog() throws IOException {
        runner = (config, options, console) -> {
            ConsoleRoute.Logged logged = (ConsoleRoute.Logged) console;
            options.domainBuilt().run();
            write(logged.log(), "Hello from the guest\n");
            return GuestStop.POWEROFF;
        };
        assertEquals(0, txl("create", "-F", "hello.cfg", "name=web", "memory=64"));
        assertEquals("Hello from the guest\n", Files.readString(dir.resolve("web.log")));
        assertEquals("", out());
        assertTrue(err().startsWith("txl: starting domain web; its console output goes to " + dir.resolve("web.log")), err());
        assertEquals(64, ranConfigs.getFirst().memoryMiB());
    }

    @Test
    void consoleLogThatCannotBeWrittenExits74() throws IOException {
        Files.createDirectories(dir.resolve("hello.log"));
        assertEquals(ExitStatus.IO_ERROR, txl("create", "-F", "hello.cfg"));
        assertTrue(err().startsWith("txl: error: cannot write the console log " + dir.resolve("hello.log")), err());
    }

    @Test
    void consoleCopiesBothWaysAndCtrlRightBracketDetaches() throws IOException {
        stdin = "ls\n\u001dnot for the guest".getBytes(StandardCharsets.UTF_8);
        List<String> guestRead = new ArrayList<>();
        runner = (config, options, console) -> {
            ConsoleRoute.Attached attached = (ConsoleRoute.Attached) console;
            write(attached.out(), "login: ");
            guestRead.add(readAll(attached.in()));
            write(attached.out(), "after detach\n");
            return GuestStop.CRASH;
        };
        assertEquals(ExitStatus.GUEST_CRASH, txl("create", "-F", "-c", "hello.cfg"));
        assertEquals(List.of("ls\n"), guestRead);
        assertEquals("login: ", out());
        assertEquals("after detach\n", Files.readString(dir.resolve("hello.log")));
        assertTrue(err().contains("txl: detached from the console of hello;"), err());
    }

    @Test
    void consoleWithoutDetachLeavesNoLog() {
        stdin = "abc".getBytes(StandardCharsets.UTF_8);
        runner = (config, options, console) -> {
            ConsoleRoute.Attached attached = (ConsoleRoute.Attached) console;
            write(attached.out(), readAll(attached.in()).toUpperCase());
            return GuestStop.POWEROFF;
        };
        assertEquals(0, txl("create", "-F", "--console", "hello.cfg"));
        assertEquals("ABC", out());
        assertFalse(Files.exists(dir.resolve("hello.log")));
    }

    @Test
    void warningsArePrinted() throws IOException {
        Files.writeString(dir.resolve("hello.cfg"), "vfb = [ 'vnc=1' ]\n", java.nio.file.StandardOpenOption.APPEND);
        assertEquals(0, txl("create", "-F", "hello.cfg"));
        assertTrue(err().startsWith("txl: warning: hello.cfg:3: vfb: ignored: TruffleXen domains have no framebuffer"),
                err());
    }

    // --- other failures

    @Test
    void internalErrorsExit70WithoutAStackTrace() {
        runner = (config, options, console) -> {
            throw new IllegalStateException("boom");
        };
        assertEquals(ExitStatus.SOFTWARE, txl("create", "-F", "hello.cfg"));
        assertTrue(err().endsWith("txl: error: internal error: java.lang.IllegalStateException: boom "
                + "(TXL_DEBUG=1 shows where)" + System.lineSeparator()), err());
        assertFalse(err().contains("\tat "));
    }

    @Test
    void txlDebugAddsTheStackTrace() {
        environment = Map.of("TXL_DEBUG", "1");
        runner = (config, options, console) -> {
            throw new IllegalStateException("boom");
        };
        assertEquals(ExitStatus.SOFTWARE, txl("create", "-F", "hello.cfg"));
        assertTrue(err().contains("txl: error: internal error: java.lang.IllegalStateException: boom" + System.lineSeparator()));
        assertTrue(err().contains("\tat "), err());
    }

    // --- help and version

    @Test
    void version() {
        assertEquals(0, txl("--version"));
        List<String> lines = out().lines().toList();
        assertTrue(lines.get(0).startsWith("txl "), out());
        assertTrue(lines.get(1).startsWith("Java " + System.getProperty("java.version")), out());
        assertTrue(lines.get(2).startsWith("Truffle runtime: "), out());
        assertEquals("", err());
    }

    @Test
    void helpDocumentsCommandsAndExitStatus() {
        assertEquals(0, txl("help"));
        for (String expected : List.of("create", "Exit status:", "  3     the guest crashed",
                "  64    bad command line", "  65    bad domain configuration or guest image",
                "  129   create ended by SIGHUP (130: SIGINT, 143: SIGTERM)", "TXL_DEBUG")) {
            assertTrue(out().contains(expected), expected + " missing from:\n" + out());
        }
    }

    @Test
    void helpCreateListsOptionsAndKeys() {
        assertEquals(0, txl("help", "create"));
        for (String expected : List.of("Usage: txl create [-cp] CONFIG [KEY=VALUE...]",
                "       txl create -F [-cv] [--trace] [--audit-mmu] [--interpreter-only]\n"
                + "                     CONFIG [KEY=VALUE...]",
                "       txl create [-mp] [-e CMD]... [--gdb [HOST:]PORT] CONFIG [KEY=VALUE...]",
                "Ctrl-]", "Configuration keys", "  on_watchdog ")) {
            assertTrue(out().contains(expected), expected + " missing from:\n" + out());
        }
    }

    @Test
    void dashDashHelpWorksToo() {
        assertEquals(0, txl("create", "-F", "--help"));
        assertTrue(out().startsWith("Usage: txl create"));
    }

    private static void write(java.io.OutputStream stream, String text) {
        try {
            stream.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String readAll(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
