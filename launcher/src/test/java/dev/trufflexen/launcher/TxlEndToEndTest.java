package dev.trufflexen.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.trufflexen.x86.TruffleRuntimeCheck;

/**
 * {@code txl create} with the real Xen core: config file, domain builder, CPU on the Graal JIT,
 * hypercall page, hypercalls, console ring and console backend, exit status.
 */
class TxlEndToEndTest {
    private static final Path GUESTS = Path.of("..", "guest-images").toAbsolutePath().normalize();

    @TempDir
    Path workingDirectory;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int txl(String... args) {
        TxlContext context = new TxlContext(new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                workingDirectory, Map.of(), false, TruffleRuntimeCheck::isOptimizing, CreateCommand::runOnXenCore);
        return Txl.run(context, args);
    }

    private String config(String guest) {
        return GUESTS.resolve(guest).resolve(guest + ".cfg").toString();
    }

    private List<String> expected(String guest) throws IOException {
        return Files.readAllLines(GUESTS.resolve(guest).resolve("expected-output.txt"));
    }

    @Test
    void helloBootsAndPowersOff() throws IOException {
        assertEquals(ExitStatus.GUEST_POWEROFF, txl("create", "-F", config("hello")), err.toString());
        List<String> console = Files.readAllLines(workingDirectory.resolve("hello.log"));
        assertEquals(expected("hello"), console);
        assertTrue(err.toString().contains("txl: domain hello stopped: poweroff"), err.toString());
    }

    @Test
    void attachedConsoleShowsTheGuestAndOverridesReachIt() throws IOException {
        assertEquals(ExitStatus.GUEST_POWEROFF, txl("create", "-F", "-c", config("hello"), "cmdline=\"quiet mode\""),
                err.toString());
        List<String> console = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals("Hello from TruffleXen!", console.get(0));
        assertEquals("cmdline: quiet mode", console.get(1));
        assertEquals(expected("hello").getLast(), console.getLast());
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "SHUTDOWN reason {0} -> exit status {1}")
    @org.junit.jupiter.params.provider.CsvSource({"0, 0", "1, 2", "2, 4", "3, 3", "4, 5", "5, 6", "77, 3"})
    void everyShutdownReasonBecomesItsExitStatus(int reason, int exitStatus) throws IOException {
        assertEquals(exitStatus, txl("create", "-F", config("shutdown"), "cmdline=\"reason=" + reason + "\""), err.toString());
        assertEquals(List.of("shutdown: reason " + reason), Files.readAllLines(workingDirectory.resolve("shutdown.log")));
    }

    @Test
    void rebootReasonBecomesExitStatus2() {
        assertEquals(ExitStatus.GUEST_REBOOT, txl("create", "-F", config("xentest")), err.toString());
    }

    /** The PV MMU suite under --audit-mmu: the invariant checker runs at its yields and after release, and finds nothing. */
    @Test
    void pvMmuSuiteKeepsTheInvariantsUnderAuditMmu() throws IOException {
        assertEquals(ExitStatus.GUEST_POWEROFF, txl("create", "-F", "--audit-mmu", config("pvmmu"), "cmdline=\"domid=1\""),
                err.toString());
        String errors = err.toString(StandardCharsets.UTF_8);
        assertTrue(!errors.contains("invariant broken"), errors);
        String log = Files.readString(workingDirectory.resolve("pvmmu.log"));
        assertTrue(log.contains("pvmmu: done") && !log.contains("not ok"), log);
    }

    @Test
    void crashedGuestExitsWith3AndAReport() {
        assertEquals(ExitStatus.GUEST_CRASH, txl("create", "-F", "--trace", config("crash")));
        String report = err.toString(StandardCharsets.UTF_8);
        assertTrue(report.contains("Domain 1 (crash) crashed on vCPU 0: unhandled #PF"), report);
        assertTrue(report.contains("code at RIP:"), report);
        assertTrue(report.contains("instructions executed"), report);
    }

    @Test
    void badKernelIsAConfigErrorAndBuildsNothing() throws IOException {
        Path cfg = workingDirectory.resolve("bad.cfg");
        Files.writeString(workingDirectory.resolve("notelf.bin"), "this is not a kernel");
        Files.writeString(cfg, "name = \"bad\"\nkernel = \"notelf.bin\"\nmemory = 32\n");
        assertEquals(ExitStatus.BAD_CONFIG, txl("create", "-F", cfg.toString()));
        assertTrue(err.toString().contains("notelf.bin: not an ELF file"), err.toString());
    }

    @Test
    void truncatedKernelIsAConfigError() throws IOException {
        byte[] hello = Files.readAllBytes(GUESTS.resolve("build/hello/hello.elf"));
        Files.write(workingDirectory.resolve("half.elf"), java.util.Arrays.copyOf(hello, 100));
        Path cfg = workingDirectory.resolve("half.cfg");
        Files.writeString(cfg, "name = \"half\"\nkernel = \"half.elf\"\n");
        assertEquals(ExitStatus.BAD_CONFIG, txl("create", "-F", cfg.toString()));
        assertTrue(err.toString().contains("half.elf: truncated ELF"), err.toString());
    }
}
