package dev.trufflexen.launcher;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded fuzzer of domain configurations: the guests' real xl.cfg files, mutated by bytes and
 * by tokens (control characters, NULs, invalid UTF-8, deep lists, huge tokens, extreme numbers,
 * device and hostile paths, spliced lines), each given to {@code txl create} in-process. Every
 * case must end with 0 (a valid configuration; its domain is built and released), 64 or 65, and
 * one printable error line, in bounded time (see {@link FrontDoorFuzzer}).
 *
 * <p>{@code -Dfuzz.seed=N -Dfuzz.cases=M} run other cases; the default is fixed so the suite is
 * repeatable.
 */
class ConfigFuzzTest {
    private static final String[] STRINGS = {"", "/dev/zero", "/dev/urandom", "/dev/null", "..", "/", ".",
        "../build/hello/hello.elf\n", "../build/hello/hello.elf\0", "\u001b]0;title\u0007", "\u202e", "x".repeat(300),
        "A".repeat(5000), "pv", "hvm", "destroy", "rename-restart", "caf\u00e9", "\\", "%s%n", "$(reboot)"};
    private static final String[] NUMBERS = {"0", "-1", "1", "16", "65536", "65537", "30000", "0x", "0x10",
        "9223372036854775807", "99999999999999999999", "-9223372036854775808", "0xffffffffffffffff", "1e9", "08"};
    private static final String[] FRAGMENTS = {"\0", "\u001b[2J", "\u0007", "\n", "\r", "\"", "'", "[", "]", "=",
        ",", ";", "#", "\\", "\\n", "\u00ff", "\u2028", "memory = ", "ramdisk = \"", "[[[[[[[[[[[[[[[[[[[[",
        "vif = [", "name = \"", "\t", " "};
    private static final byte[] BAD_BYTES = {(byte) 0xff, (byte) 0xc3, (byte) 0x80, (byte) 0xed, (byte) 0xa0};

    @TempDir
    Path dir;

    @Test
    void mutatedConfigurationsGetACleanAnswer() throws IOException {
        List<byte[]> bases = baseConfigs();
        // The configurations' relative kernel paths (../build/...) resolve from dir/cfg.
        Files.createSymbolicLink(dir.resolve("build"), FrontDoorFuzzer.GUESTS.resolve("build"));
        Path cfgDir = Files.createDirectories(dir.resolve("cfg"));
        Path work = Files.createDirectories(dir.resolve("work"));
        try (FrontDoorFuzzer fuzzer = new FrontDoorFuzzer(Set.of(0, ExitStatus.USAGE, ExitStatus.BAD_CONFIG), work)) {
            Path config = cfgDir.resolve("case.cfg");
            fuzzer.fuzz("config fuzzer", 0x7c1f_2026L, 300, bases,
                    (input, random, description) -> mutate(input, bases, random, description), config, config);
        }
    }

    /** The same rules for {@code key=value} arguments, built from the same hostile pieces. */
    @Test
    void mutatedCommandLineSettingsGetACleanAnswer() throws IOException {
        Files.createSymbolicLink(dir.resolve("build"), FrontDoorFuzzer.GUESTS.resolve("build"));
        Path cfgDir = Files.createDirectories(dir.resolve("cfg"));
        Path config = Files.copy(FrontDoorFuzzer.GUESTS.resolve("hello/hello.cfg"), cfgDir.resolve("hello.cfg"));
        String[] keys = {"name", "kernel", "ramdisk", "memory", "maxmem", "vcpus", "cmdline", "extra", "vif",
            "on_crash", "uuid", "type", "nme", "", "1x", "\u001b"};
        long seed = Long.getLong("fuzz.seed", 0x0c0f_2026L);
        Random random = new Random(seed);
        try (FrontDoorFuzzer fuzzer = new FrontDoorFuzzer(Set.of(0, ExitStatus.USAGE, ExitStatus.BAD_CONFIG),
                Files.createDirectories(dir.resolve("work")))) {
            for (int i = 0; i < Integer.getInteger("fuzz.cases", 200); i++) {
                String[] overrides = new String[1 + random.nextInt(3)];
                for (int k = 0; k < overrides.length; k++) {
                    String value = switch (random.nextInt(4)) {
                        case 0 -> NUMBERS[random.nextInt(NUMBERS.length)];
                        case 1 -> "\"" + STRINGS[random.nextInt(STRINGS.length)] + "\"";
                        case 2 -> STRINGS[random.nextInt(STRINGS.length)];
                        default -> FRAGMENTS[random.nextInt(FRAGMENTS.length)] + FRAGMENTS[random.nextInt(FRAGMENTS.length)];
                    };
                    overrides[k] = keys[random.nextInt(keys.length)] + (random.nextInt(8) == 0 ? "" : "=") + value;
                }
                fuzzer.check("seed " + seed + ", case " + i + ": " + escape(String.join(" ", overrides)), config,
                        List.of(config), overrides);
            }
            fuzzer.finish("command-line fuzzer", seed);
        }
    }

    private static List<byte[]> baseConfigs() throws IOException {
        List<byte[]> bases = new ArrayList<>();
        try (Stream<Path> files = Files.list(FrontDoorFuzzer.GUESTS)) {
            for (Path guest : files.filter(Files::isDirectory).sorted().toList()) {
                Path cfg = guest.resolve(guest.getFileName() + ".cfg");
                if (Files.isRegularFile(cfg)) {
                    bases.add(Files.readAllBytes(cfg));
                }
            }
        }
        assertTrue(bases.size() >= 4, "the guests' configurations are missing from " + FrontDoorFuzzer.GUESTS);
        bases.add(("name = \"full\"\nkernel = \"../build/hello/hello.elf\"\nramdisk = \"../build/hello/hello.elf\"\n"
                + "memory = 64\nmaxmem = 128\nvcpus = 2\nroot = \"/dev/xvda1\"\nextra = \"quiet\"\n"
                + "uuid = \"6f1c2e1a-58c4-4c1f-9b0e-3d2a7c9e4b10\"\nvif = [ \"bridge=xenbr0\", ]\n"
                + "disk = [ 'phy:/dev/vg/x,xvda,w' ]\non_crash = 'preserve'\n").getBytes(StandardCharsets.UTF_8));
        return bases;
    }

    private static byte[] mutate(byte[] config, List<byte[]> bases, Random random, StringBuilder description) {
        String text = new String(config, StandardCharsets.ISO_8859_1); // byte-preserving
        int at = text.isEmpty() ? 0 : random.nextInt(text.length() + 1);
        switch (random.nextInt(10)) {
            case 0 -> {
                description.append(" flip bits");
                byte[] bytes = config.clone();
                for (int k = 0; k < 1 + random.nextInt(8) && bytes.length > 0; k++) {
                    bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
                }
                return bytes;
            }
            case 1 -> {
                String fragment = FRAGMENTS[random.nextInt(FRAGMENTS.length)];
                description.append(" insert ").append(escape(fragment)).append(" at ").append(at);
                return splice(text, at, at, utf8(fragment));
            }
            case 2 -> {
                int end = Math.min(text.length(), at + random.nextInt(40));
                description.append(" delete ").append(at).append("..").append(end);
                return splice(text, at, end, "");
            }
            case 3 -> {
                int end = Math.min(text.length(), at + random.nextInt(80));
                description.append(" duplicate ").append(at).append("..").append(end);
                return splice(text, end, end, text.substring(at, end));
            }
            case 4 -> {
                description.append(" replace a number");
                return replaceRandom(text, "-?(0x)?[0-9]+", NUMBERS[random.nextInt(NUMBERS.length)], random);
            }
            case 5 -> {
                String value = STRINGS[random.nextInt(STRINGS.length)];
                description.append(" replace a string with ").append(escape(value));
                return replaceRandom(text, "\"[^\"\n]*\"", "\"" + utf8(value) + "\"", random);
            }
            case 6 -> {
                int depth = random.nextBoolean() ? 17 + random.nextInt(100) : 100_000 + random.nextInt(100_000);
                description.append(" nest ").append(depth);
                return splice(text, text.length(), text.length(), "vif = " + "[".repeat(depth) + "]".repeat(depth) + "\n");
            }
            case 7 -> {
                description.append(" truncate at ").append(at);
                return splice(text, at, text.length(), "");
            }
            case 8 -> {
                String other = new String(bases.get(random.nextInt(bases.size())), StandardCharsets.ISO_8859_1);
                List<String> lines = other.lines().toList();
                String line = lines.isEmpty() ? "" : lines.get(random.nextInt(lines.size()));
                description.append(" splice line ").append(escape(line));
                return splice(text, at, at, "\n" + line + "\n");
            }
            default -> {
                byte[] bad = new byte[1 + random.nextInt(3)];
                for (int k = 0; k < bad.length; k++) {
                    bad[k] = BAD_BYTES[random.nextInt(BAD_BYTES.length)];
                }
                description.append(" insert bytes at ").append(at);
                return splice(text, at, at, new String(bad, StandardCharsets.ISO_8859_1));
            }
        }
    }

    /** UTF-8 bytes as ISO-8859-1 characters, so they splice into byte-preserving text. */
    private static String utf8(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    private static byte[] splice(String text, int from, int to, String insert) {
        return (text.substring(0, from) + insert + text.substring(to)).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] replaceRandom(String text, String regex, String replacement, Random random) {
        List<int[]> matches = new ArrayList<>();
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile(regex).matcher(text);
        while (matcher.find()) {
            matches.add(new int[] {matcher.start(), matcher.end()});
        }
        if (matches.isEmpty()) {
            return text.getBytes(StandardCharsets.ISO_8859_1);
        }
        int[] match = matches.get(random.nextInt(matches.size()));
        return splice(text, match[0], match[1], replacement);
    }

    private static String escape(String text) {
        return dev.trufflexen.launcher.config.Printable.token(text);
    }
}
