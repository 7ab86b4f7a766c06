package dev.trufflexen.launcher.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A scratch layout for configuration tests: {@code dir/hello.cfg} next to a kernel
 * {@code dir/hello.elf}, a ramdisk {@code dir/initrd.img} and a directory {@code dir/kdir},
 * with the working directory one level down in {@code dir/work} so that file-relative and
 * command-line-relative paths differ.
 */
record ConfigFixture(Path dir, Path workingDirectory) {
    static final String FILE_NAME = "hello.cfg";
    /** The two lines a configuration needs; cases add theirs from line 3. */
    static final String BASE = "name = \"web\"\nkernel = \"hello.elf\"\n";

    static ConfigFixture create(Path dir) throws IOException {
        Files.write(dir.resolve("hello.elf"), new byte[] {0x7f, 'E', 'L', 'F'});
        Files.write(dir.resolve("initrd.img"), new byte[] {0});
        Files.createDirectories(dir.resolve("kdir"));
        Path work = Files.createDirectories(dir.resolve("work"));
        return new ConfigFixture(dir.toRealPath(), work.toRealPath());
    }

    DomainConfig read(String text, List<String> overrides) throws ConfigException, IOException {
        Path file = dir.resolve(FILE_NAME);
        Files.writeString(file, text);
        return DomainConfigReader.read(file, FILE_NAME, overrides, workingDirectory);
    }

    /** Expected messages write {dir} and {work} for the scratch directories. */
    String expand(String expected) {
        return expected.replace("{dir}", dir.toString()).replace("{work}", workingDirectory.toString());
    }
}
