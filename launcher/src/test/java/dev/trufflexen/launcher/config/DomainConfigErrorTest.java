package dev.trufflexen.launcher.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every way a configuration can be wrong, each with the exact one-line message users see.
 * Cases build on {@link ConfigFixture#BASE} (lines 1 and 2) unless the rule is about those keys.
 */
class DomainConfigErrorTest {
    @TempDir
    Path scratch;
    ConfigFixture fixture;

    @BeforeEach
    void setUp() throws IOException {
        fixture = ConfigFixture.create(scratch);
    }

    /**
     * @param rule what the case checks
     * @param text the file
     * @param overrides command-line {@code key=value} arguments
     * @param expected the message, with {dir} and {work} for the scratch directories
     */
    record Case(String rule, String text, List<String> overrides, String expected) {
        static Case of(String rule, String text, String expected) {
            return new Case(rule, text, List.of(), expected);
        }

        static Case override(String rule, String argument, String expected) {
            return new Case(rule, ConfigFixture.BASE, List.of(argument), expected);
        }

        @Override
        public String toString() {
            return rule;
        }
    }

    static final String BASE = ConfigFixture.BASE;

    static Stream<Case> cases() {
        return Stream.of(
            // keys
            Case.of("unknown key, close to a known one", BASE + "memroy = 256\n",
                "hello.cfg:3:1: memroy: unknown key; did you mean memory?"),
            Case.of("unknown key, nothing close", BASE + "bootloader = \"pygrub\"\n",
                "hello.cfg:3:1: bootloader: unknown key; known keys are " + String.join(", ", ConfigKey.names())),
            Case.of("unknown key is reported even when set again later", "colour = \"red\"\n" + BASE,
                "hello.cfg:1:1: colour: unknown key; known keys are " + String.join(", ", ConfigKey.names())),
            Case.of("key with characters keys cannot have", BASE + "kernel-path = \"x\"\n",
                "hello.cfg:3:1: kernel-path: not a key name (keys are letters, digits and _)"),
            Case.of("quoted key", BASE + "\"memory\" = 256\n",
                "hello.cfg:3:1: \"memory\": keys are not quoted; write memory = ..."),
            Case.of("line without a key", BASE + "= 256\n",
                "hello.cfg:3:1: =: expected a setting such as memory = 256"),
            Case.of("missing =", BASE + "memory 256\n",
                "hello.cfg:3:8: 256: expected = after memory"),
            Case.of("missing value", BASE + "memory =\n",
                "hello.cfg:3:9: expected a value for memory, found the end of line"),
            Case.of("missing value at end of file", BASE + "memory =",
                "hello.cfg:3:9: expected a value for memory, found the end of file"),
            Case.of("two values", BASE + "memory = 256 512\n",
                "hello.cfg:3:14: 512: expected the end of the line after the value of memory"),
            // numbers
            Case.of("integer key given a word-like string", BASE + "memory = \"lots\"\n",
                "hello.cfg:3: memory = \"lots\": expected an integer number of MiB"),
            Case.of("integer key given a quoted number", BASE + "memory = \"512\"\n",
                "hello.cfg:3: memory = \"512\": expected an integer number of MiB (write it without quotes)"),
            Case.of("integer key given a list", BASE + "vcpus = [ 1 ]\n",
                "hello.cfg:3: vcpus = [1]: expected an integer number of vCPUs, not a list"),
            Case.of("number with a unit", BASE + "memory = 512M\n",
                "hello.cfg:3:10: 512M: not a number (decimal, or hexadecimal after 0x; no units)"),
            Case.of("hex prefix without digits", BASE + "memory = 0x\n",
                "hello.cfg:3:10: 0x: not a number (decimal, or hexadecimal after 0x; no units)"),
            Case.of("number too large for 64 bits", BASE + "memory = 99999999999999999999\n",
                "hello.cfg:3:10: 99999999999999999999: number too large"),
            Case.of("memory zero", BASE + "memory = 0\n",
                "hello.cfg:3: memory = 0: must be between 1 and 65536 MiB"),
            Case.of("memory negative", BASE + "memory = -1\n",
                "hello.cfg:3: memory = -1: must be between 1 and 65536 MiB"),
            Case.of("memory above 64 GiB", BASE + "memory = 0x10001\n",
                "hello.cfg:3: memory = 0x10001: must be between 1 and 65536 MiB"),
            Case.of("maxmem below memory", BASE + "memory = 256\nmaxmem = 128\n",
                "hello.cfg:4: maxmem = 128: must be at least memory (256 MiB)"),
            Case.of("vcpus zero", BASE + "vcpus = 0\n",
                "hello.cfg:3: vcpus = 0: must be between 1 and 128"),
            Case.of("vcpus above 128", BASE + "vcpus = 129\n",
                "hello.cfg:3: vcpus = 129: must be between 1 and 128"),
            // strings
            Case.of("bare word where a string belongs", BASE + "type = pv\n",
                "hello.cfg:3:8: pv: strings need quotes: write \"pv\""),
            Case.of("unquoted path", "name = \"web\"\nkernel = /boot/vmlinuz\n",
                "hello.cfg:2:10: /boot/vmlinuz: strings need quotes: write \"/boot/vmlinuz\""),
            Case.of("unterminated string", BASE + "cmdline = \"console=hvc0\n",
                "hello.cfg:3:11: \"console=hvc0: unterminated string (no closing \" on this line)"),
            Case.of("unterminated single-quoted string at end of file", BASE + "cmdline = 'quiet",
                "hello.cfg:3:11: 'quiet: unterminated string (no closing ' on this line)"),
            Case.of("string ending in a backslash", BASE + "cmdline = \"a\\\n",
                "hello.cfg:3:11: \"a\\: unterminated string (no closing \" on this line)"),
            Case.of("unknown escape", BASE + "cmdline = \"a\\qb\"\n",
                "hello.cfg:3:13: \\q: unknown escape in string (known: \\\\ \\\" \\' \\n \\t \\r)"),
            Case.of("string key given a number", BASE + "cmdline = 42\n",
                "hello.cfg:3: cmdline = 42: expected a quoted string: cmdline = \"42\""),
            Case.of("string key given a list", BASE + "name = [ \"a\" ]\n",
                "hello.cfg:3: name = [\"a\"]: expected a quoted string, not a list"),
            // lists
            Case.of("unterminated list at end of file", BASE + "disk = [ \"a\",\n  \"b\"\n",
                "hello.cfg:3:8: [: unterminated list (no closing ] before the end of the file)"),
            Case.of("unterminated list running into the next setting", BASE + "vif = [ \"bridge=br0\"\nmemory = 256\n",
                "hello.cfg:3:7: [: unterminated list (no closing ] before the setting of memory on line 4)"),
            Case.of("list items without a comma", BASE + "disk = [ \"a\" \"b\" ]\n",
                "hello.cfg:3:14: \"b\": expected , or ] in the list for disk"),
            Case.of("list key given a string", BASE + "disk = \"phy:/dev/sda,xvda,w\"\n",
                "hello.cfg:3: disk = \"phy:/dev/sda,xvda,w\": expected a list of strings: disk = [ \"...\" ]"),
            Case.of("number inside a device list", BASE + "vif = [ \"mac=00:16:3e:00:00:01\",\n  42 ]\n",
                "hello.cfg:4:3: 42: expected a quoted string in the vif list, not a number"),
            Case.of("nested list inside a device list", BASE + "vif = [ [ \"a\" ] ]\n",
                "hello.cfg:3:9: [\"a\"]: expected a quoted string in the vif list, not a list"),
            // required keys
            Case.of("name missing", "kernel = \"hello.elf\"\n",
                "hello.cfg: missing required key name (for example name = \"hello\")"),
            Case.of("kernel missing", "name = \"web\"\n",
                "hello.cfg: missing required key kernel (for example kernel = \"hello.elf\")"),
            Case.of("empty file", "",
                "hello.cfg: missing required key name (for example name = \"hello\")"),
            // name
            Case.of("name with a space", BASE + "name = \"my domain\"\n",
                "hello.cfg:3: name = \"my domain\": a domain name may only contain letters, digits, '.', '_' and '-'"),
            Case.of("name with a slash", BASE + "name = \"a/b\"\n",
                "hello.cfg:3: name = \"a/b\": a domain name may only contain letters, digits, '.', '_' and '-'"),
            Case.of("empty name", BASE + "name = \"\"\n",
                "hello.cfg:3: name = \"\": a domain name may only contain letters, digits, '.', '_' and '-'"),
            // type
            Case.of("hvm is not supported", BASE + "type = \"hvm\"\n",
                "hello.cfg:3: type = \"hvm\": only type = \"pv\" domains are supported"),
            Case.of("unknown type", BASE + "type = \"xen\"\n",
                "hello.cfg:3: type = \"xen\": unknown domain type; the only type supported is \"pv\""),
            // images
            Case.of("kernel not on disk", "name = \"web\"\nkernel = \"nope.elf\"\n",
                "hello.cfg:2: kernel = \"nope.elf\": no such file: {dir}/nope.elf"),
            Case.of("kernel is a directory", "name = \"web\"\nkernel = \"kdir\"\n",
                "hello.cfg:2: kernel = \"kdir\": is a directory, not a kernel image: {dir}/kdir"),
            Case.of("kernel path empty", "name = \"web\"\nkernel = \"\"\n",
                "hello.cfg:2: kernel = \"\": empty path"),
            Case.of("ramdisk not on disk", BASE + "ramdisk = \"initrd.gz\"\n",
                "hello.cfg:3: ramdisk = \"initrd.gz\": no such file: {dir}/initrd.gz"),
            Case.of("ramdisk is a directory", BASE + "ramdisk = \"kdir\"\n",
                "hello.cfg:3: ramdisk = \"kdir\": is a directory, not a ramdisk image: {dir}/kdir"),
            // actions and uuid
            Case.of("unknown action", BASE + "on_crash = \"reboot\"\n",
                "hello.cfg:3: on_crash = \"reboot\": expected one of destroy, restart, preserve, "
                    + "coredump-destroy, coredump-restart, rename-restart, soft-reset"),
            Case.of("action spelt with an underscore", BASE + "on_reboot = \"coredump_restart\"\n",
                "hello.cfg:3: on_reboot = \"coredump_restart\": expected one of destroy, restart, preserve, "
                    + "coredump-destroy, coredump-restart, rename-restart, soft-reset"),
            Case.of("malformed uuid", BASE + "uuid = \"1234\"\n",
                "hello.cfg:3: uuid = \"1234\": expected a UUID like 6f1c2e1a-58c4-4c1f-9b0e-3d2a7c9e4b10"),
            // command-line overrides
            Case.override("override without =", "memory",
                "command line: memory: expected key=value, for example memory=256"),
            Case.override("override without a key", "=256",
                "command line: =256: \"\" is not a key name"),
            Case.override("override with a bad key", "on-crash=destroy",
                "command line: on-crash=destroy: \"on-crash\" is not a key name"),
            Case.override("override without a value", "memory=",
                "command line: memory=: missing value after ="),
            Case.override("override with an unknown key", "memroy=256",
                "command line: memroy=256: unknown key; did you mean memory?"),
            Case.override("override with a bad integer", "memory=lots",
                "command line: memory=lots: expected an integer number of MiB"),
            Case.override("override out of range", "vcpus=0x100",
                "command line: vcpus=0x100: must be between 1 and 128"),
            Case.override("override with an unterminated string", "cmdline=\"quiet",
                "command line: cmdline=\"quiet: unterminated string (no closing \" on this line)"),
            Case.override("override with an unterminated list", "disk=[\"a\"",
                "command line: disk=[\"a\": unterminated list (no closing ] before the end of the value)"),
            Case.override("override with text after a quoted value", "name=\"a\" b",
                "command line: name=\"a\" b: unexpected b after the value"),
            Case.override("override with a bad name", "name=a/b",
                "command line: name=a/b: a domain name may only contain letters, digits, '.', '_' and '-'"),
            Case.override("override kernel resolves against the working directory", "kernel=hello.elf",
                "command line: kernel=hello.elf: no such file: {work}/hello.elf"),
            Case.override("override list with a number", "vif=[1]",
                "command line: vif=[1]: expected a quoted string in the vif list, not a number"),
            new Case("override cannot fix an unknown key in the file", BASE + "memroy = 256\n",
                List.of("memory=256"), "hello.cfg:3:1: memroy: unknown key; did you mean memory?"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rejects(Case c) {
        ConfigException e = assertThrows(ConfigException.class, () -> fixture.read(c.text(), c.overrides()));
        assertEquals(fixture.expand(c.expected()), e.getMessage());
    }
}
