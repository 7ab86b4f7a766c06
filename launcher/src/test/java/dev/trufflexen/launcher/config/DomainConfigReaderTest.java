package dev.trufflexen.launcher.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Configurations that are accepted, and what they mean. */
class DomainConfigReaderTest {
    @TempDir
    Path scratch;
    ConfigFixture fixture;

    @BeforeEach
    void setUp() throws IOException {
        fixture = ConfigFixture.create(scratch);
    }

    @Test
    void minimalConfigurationGetsXlDefaults() throws Exception {
        DomainConfig config = fixture.read(ConfigFixture.BASE, List.of());
        assertEquals(new DomainConfig("web", "pv", fixture.dir().resolve("hello.elf"), Optional.empty(),
                128, OptionalLong.empty(), 1, "",
                LifecycleAction.DESTROY, LifecycleAction.RESTART, LifecycleAction.DESTROY, LifecycleAction.DESTROY,
                Optional.empty(), List.of(), List.of(), List.of()), config);
    }

    @Test
    void everyKeyAndEverySyntax() throws Exception {
        String text = """
                # A PV guest, written the ways xl allows.\r
                name = 'web-1.example_a'   # single quotes\r
                type = "pv";
                kernel = "hello.elf"; ramdisk = "./initrd.img"
                memory = 0x200
                maxmem = 1024
                vcpus = 4
                cmdline = "console=hvc0 msg=\\"hi\\"\\tthere\\\\ it's"
                on_poweroff = "preserve"
                on_reboot = "rename-restart"
                on_crash = "coredump-destroy"
                on_watchdog = "soft-reset"
                uuid = "6F1C2E1A-58C4-4C1F-9B0E-3D2A7C9E4B10"
                vif = [ 'mac=00:16:3e:00:00:01,bridge=xenbr0' ]
                disk = [
                    "phy:/dev/vg/web,xvda,w",   # root
                    # a comment between items
                    "file:/srv/data.img,xvdb,r",
                ]

                """;
        DomainConfig config = fixture.read(text, List.of());
        assertEquals("web-1.example_a", config.name());
        assertEquals(fixture.dir().resolve("hello.elf"), config.kernel());
        assertEquals(Optional.of(fixture.dir().resolve("initrd.img")), config.ramdisk());
        assertEquals(512, config.memoryMiB());
        assertEquals(OptionalLong.of(1024), config.maxmemMiB());
        assertEquals(4, config.vcpus());
        assertEquals("console=hvc0 msg=\"hi\"\tthere\\ it's", config.cmdline());
        assertEquals(LifecycleAction.PRESERVE, config.onPoweroff());
        assertEquals(LifecycleAction.RENAME_RESTART, config.onReboot());
        assertEquals(LifecycleAction.COREDUMP_DESTROY, config.onCrash());
        assertEquals(LifecycleAction.SOFT_RESET, config.onWatchdog());
        assertEquals(Optional.of(UUID.fromString("6f1c2e1a-58c4-4c1f-9b0e-3d2a7c9e4b10")), config.uuid());
        assertEquals(List.of("mac=00:16:3e:00:00:01,bridge=xenbr0"), config.vif());
        assertEquals(List.of("phy:/dev/vg/web,xvda,w", "file:/srv/data.img,xvdb,r"), config.disk());
        assertEquals(List.of(
                "hello.cfg:14: vif: not connected yet: the domain gets no network interfaces",
                "hello.cfg:15: disk: not connected yet: the domain gets no disks"), config.warnings());
    }

    @Test
    void lastSettingWinsAsInXl() throws Exception {
        DomainConfig config = fixture.read(ConfigFixture.BASE + "memory = 256\nmemory = 512\n", List.of());
        assertEquals(512, config.memoryMiB());
    }

    @Test
    void overridesWinOverTheFileAndTakeWordsAsWritten() throws Exception {
        DomainConfig config = fixture.read(ConfigFixture.BASE + "memory = 256\nvif = [ \"bridge=br0\" ]\n", List.of(
                "memory=1024", "name=web2", "vcpus=0x2", "on_crash=preserve", "cmdline=console=hvc0",
                "extra=\"ignored\"", " uuid = '6f1c2e1a-58c4-4c1f-9b0e-3d2a7c9e4b10' ", "vif=[]",
                "disk=[ \"phy:/dev/sdb,xvda,w\", ]", "kernel=../hello.elf", "ramdisk=\"../initrd.img\";"));
        assertEquals("web2", config.name());
        assertEquals(1024, config.memoryMiB());
        assertEquals(2, config.vcpus());
        assertEquals(LifecycleAction.PRESERVE, config.onCrash());
        assertEquals("console=hvc0", config.cmdline());
        assertEquals(List.of(), config.vif());
        assertEquals(List.of("phy:/dev/sdb,xvda,w"), config.disk());
        assertEquals(fixture.dir().resolve("hello.elf"), config.kernel());
        assertEquals(Optional.of(fixture.dir().resolve("initrd.img")), config.ramdisk());
        assertEquals(List.of(
                "command line: extra: ignored in favour of cmdline (as xl does); put it in cmdline",
                "command line: disk: not connected yet: the domain gets no disks"), config.warnings());
    }

    @Test
    void overrideRepairsABadValueInTheFile() throws Exception {
        DomainConfig config = fixture.read(ConfigFixture.BASE + "memory = \"lots\"\n", List.of("memory=64"));
        assertEquals(64, config.memoryMiB());
    }

    @Test
    void wordOverrideForAStringKeyKeepsDigits() throws Exception {
        assertEquals("42", fixture.read(ConfigFixture.BASE, List.of("cmdline=42")).cmdline());
    }

    @Test
    void emptyDeviceListsDrawNoWarning() throws Exception {
        assertEquals(List.of(), fixture.read(ConfigFixture.BASE + "vif = []\ndisk = [ ]\n", List.of()).warnings());
    }

    @Test
    void ignoredDeviceKeysAreAcceptedWithAWarning() throws Exception {
        DomainConfig config = fixture.read(ConfigFixture.BASE + "vfb = [ \"vnc=1\" ]\nvkb = []\nchannel = [ \"name=x\" ]\n",
                List.of());
        assertEquals(List.of(
                "hello.cfg:3: vfb: ignored: TruffleXen domains have no framebuffer",
                "hello.cfg:5: channel: ignored: TruffleXen domains have no channels yet"), config.warnings());
    }

    /** xl's parse_cmdline: cmdline wins, else "root=ROOT EXTRA", either alone, or nothing. */
    record CmdlineCase(String rule, String settings, String cmdline, List<String> warnings) {
        @Override
        public String toString() {
            return rule;
        }
    }

    static Stream<CmdlineCase> cmdlineCases() {
        return Stream.of(
            new CmdlineCase("none of them", "", "", List.of()),
            new CmdlineCase("root alone", "root = \"/dev/xvda1\"\n", "root=/dev/xvda1", List.of()),
            new CmdlineCase("extra alone", "extra = \"quiet\"\n", "quiet", List.of()),
            new CmdlineCase("root and extra", "extra = \"quiet\"\nroot = \"/dev/xvda1 ro\"\n",
                "root=/dev/xvda1 ro quiet", List.of()),
            new CmdlineCase("cmdline alone", "cmdline = \"console=hvc0\"\n", "console=hvc0", List.of()),
            new CmdlineCase("cmdline beats extra, with a warning", "cmdline = \"console=hvc0\"\nextra = \"quiet\"\n",
                "console=hvc0", List.of("hello.cfg:4: extra: ignored in favour of cmdline (as xl does); put it in cmdline")),
            new CmdlineCase("cmdline beats root and extra", "root = \"/dev/xvda1\"\nextra = \"quiet\"\ncmdline = \"\"\n",
                "", List.of("hello.cfg:3: root: ignored in favour of cmdline (as xl does); put it in cmdline",
                    "hello.cfg:4: extra: ignored in favour of cmdline (as xl does); put it in cmdline")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cmdlineCases")
    void cmdlineFollowsXl(CmdlineCase c) throws Exception {
        DomainConfig config = fixture.read(ConfigFixture.BASE + c.settings(), List.of());
        assertEquals(c.cmdline(), config.cmdline());
        assertEquals(c.warnings(), config.warnings());
    }

    @Test
    void kernelIsResolvedAgainstTheFileNotTheWorkingDirectory() throws Exception {
        Path sub = Files.createDirectories(fixture.dir().resolve("guests"));
        Files.writeString(sub.resolve("hello.cfg"), "name = \"a\"\nkernel = \"../hello.elf\"\n");
        DomainConfig config = DomainConfigReader.read(Path.of("../guests/hello.cfg"), "../guests/hello.cfg",
                List.of(), fixture.workingDirectory());
        assertEquals(fixture.dir().resolve("hello.elf"), config.kernel());
    }

    @Test
    void missingConfigurationFile() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> DomainConfigReader.read(Path.of("nope.cfg"), "nope.cfg", List.of(), fixture.workingDirectory()));
        assertEquals("nope.cfg: no such file", e.getMessage());
    }

    @Test
    void configurationFileIsADirectory() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> DomainConfigReader.read(Path.of(".."), "..", List.of(), fixture.workingDirectory()));
        assertEquals("..: is a directory, not a domain configuration file (txl reads regular files only)",
                e.getMessage());
    }

    @Test
    void configurationFileIsNotText() throws IOException {
        Path binary = fixture.dir().resolve("binary.cfg");
        Files.write(binary, new byte[] {'#', '\n', 'n', 'a', (byte) 0xff, (byte) 0xfe});
        ConfigException e = assertThrows(ConfigException.class,
                () -> DomainConfigReader.read(binary, "binary.cfg", List.of(), fixture.workingDirectory()));
        assertEquals("binary.cfg:2:3: byte 0xff: not valid UTF-8 (at byte offset 4 of the file)", e.getMessage());
    }

    @Test
    void exceptionCarriesItsParts() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> fixture.read(ConfigFixture.BASE + "memory = 512M\n", List.of()));
        assertEquals("hello.cfg", e.source());
        assertEquals(3, e.line());
        assertEquals(10, e.column());
        assertEquals("512M", e.token());
        assertEquals("not a number (decimal, or hexadecimal after 0x; no units)", e.problem());
    }
}
