package dev.trufflexen.launcher.config;

import java.nio.file.Path;

/**
 * Where settings come from: a configuration file, or {@code key=value} arguments on the command line.
 *
 * <p>The origin matters twice: error messages name it, and relative paths resolve against it
 * (the file's directory for a file, the working directory for the command line).
 *
 * @param displayName how messages name the source: the file as the user typed it, or "command line"
 * @param baseDirectory what relative paths (kernel, ramdisk) resolve against
 */
public record ConfigSource(String displayName, Path baseDirectory) {
    /** The display name of {@code key=value} arguments. */
    public static final String COMMAND_LINE = "command line";

    public static ConfigSource file(String displayName, Path file) {
        Path parent = file.toAbsolutePath().normalize().getParent();
        return new ConfigSource(displayName, parent);
    }

    public static ConfigSource commandLine(Path workingDirectory) {
        return new ConfigSource(COMMAND_LINE, workingDirectory);
    }

    /** A point in a source; line and column are 1-based, 0 when unknown. */
    public record Position(String source, int line, int column) {
        /** The same line without a column, for problems with a whole setting. */
        public Position lineOnly() {
            return new Position(source, line, 0);
        }
    }
}
