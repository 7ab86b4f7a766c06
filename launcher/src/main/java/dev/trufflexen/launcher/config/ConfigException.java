package dev.trufflexen.launcher.config;

/**
 * A domain configuration that cannot be used, with the place and the token at fault.
 *
 * <p>The message is the one line users see after {@code txl: error: }, shaped like a compiler
 * diagnostic so editors can jump to it: {@code where: token: problem}, where {@code where} is
 * {@code file:line:column}, {@code file:line} when only the line is known (value errors point at
 * the whole setting), just {@code file} for a missing key, or {@code command line} for a
 * {@code key=value} argument.
 *
 * <p>Every part that quotes the input is passed through {@link Printable}: the message is one
 * line of printable characters, however hostile the input.
 */
public final class ConfigException extends Exception {
    private final String source;
    private final int line;
    private final int column;
    private final String token;
    private final String problem;

    /**
     * @param source the file as the user named it, or {@link ConfigSource#COMMAND_LINE}
     * @param line 1-based, or 0 when the problem has no line (a missing key, a command-line value)
     * @param column 1-based, or 0 when unknown
     * @param token the offending text as written, or null when there is none
     * @param problem what is wrong, in words a user can act on
     */
    public ConfigException(String source, int line, int column, String token, String problem) {
        super(format(source, line, column, token, problem));
        this.source = source;
        this.line = line;
        this.column = column;
        this.token = token;
        this.problem = problem;
    }

    static ConfigException at(ConfigSource.Position where, String token, String problem) {
        return new ConfigException(where.source(), where.line(), where.column(), token, problem);
    }

    private static String format(String source, int line, int column, String token, String problem) {
        StringBuilder message = new StringBuilder(Printable.path(source));
        if (line > 0) {
            message.append(':').append(line);
            if (column > 0) {
                message.append(':').append(column);
            }
        }
        message.append(": ");
        if (token != null && !token.isEmpty()) {
            message.append(Printable.token(token)).append(": ");
        }
        return message.append(Printable.line(problem)).toString();
    }

    public String source() {
        return source;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    public String token() {
        return token;
    }

    public String problem() {
        return problem;
    }
}
