package dev.trufflexen.launcher.config;

/**
 * Splits xl.cfg text into tokens: strings, bare words, punctuation and line ends.
 *
 * <p>xl's own lexer knows identifiers and numbers; this one has a single "word" token for any
 * run of characters that are not punctuation, quotes, blanks or {@code #}, and lets the parser
 * decide whether a word is a key, a number, or a string someone forgot to quote. That way
 * {@code kernel = /boot/vmlinuz} gets "strings need quotes" rather than "unexpected '/'".
 *
 * <p>Strings are {@code "..."} or {@code '...'} on one line, with the escapes {@code \\ \" \' \n
 * \t \r}; {@code #} starts a comment only outside strings.
 */
final class XlConfigLexer {
    /**
     * The longest word or string (decoded), in characters: room for a {@code PATH_MAX} path;
     * Xen's own limit on the longest value, the guest command line, is 1024 bytes.
     */
    static final int MAX_TOKEN_LENGTH = 4096;

    enum Kind {
        WORD, STRING, EQUALS, COMMA, SEMICOLON, OPEN_BRACKET, CLOSE_BRACKET, NEWLINE, END
    }

    /**
     * @param text the token as written (quotes and backslashes included)
     * @param decoded for strings the decoded text, otherwise same as text
     */
    record Token(Kind kind, String text, String decoded, int line, int column) {
        /** How messages name the token: its text, or a phrase for tokens without one. */
        String describe() {
            return switch (kind) {
                case NEWLINE -> "end of line";
                case END -> "end of file";
                default -> text;
            };
        }
    }

    private final String input;
    private final String sourceName;
    private int offset;
    private int line = 1;
    private int lineStart;

    XlConfigLexer(String input, String sourceName) {
        this.input = input;
        this.sourceName = sourceName;
    }

    Token next() throws ConfigException {
        skipBlanksAndComment();
        if (offset >= input.length()) {
            return new Token(Kind.END, "", "", line, column(offset));
        }
        int start = offset;
        char c = input.charAt(offset);
        switch (c) {
            case '\n' -> {
                Token token = new Token(Kind.NEWLINE, "\n", "\n", line, column(start));
                offset++;
                line++;
                lineStart = offset;
                return token;
            }
            case '=' -> {
                return punctuation(Kind.EQUALS);
            }
            case ',' -> {
                return punctuation(Kind.COMMA);
            }
            case ';' -> {
                return punctuation(Kind.SEMICOLON);
            }
            case '[' -> {
                return punctuation(Kind.OPEN_BRACKET);
            }
            case ']' -> {
                return punctuation(Kind.CLOSE_BRACKET);
            }
            case '"', '\'' -> {
                return string(c);
            }
            default -> {
                while (offset < input.length() && isWordChar(input.charAt(offset))) {
                    offset++;
                }
                checkLength(start, offset - start, "word");
                String word = input.substring(start, offset);
                return new Token(Kind.WORD, word, word, line, column(start));
            }
        }
    }

    private static boolean isWordChar(char c) {
        return switch (c) {
            case ' ', '\t', '\r', '\f', '\n', '#', '=', ',', ';', '[', ']', '"', '\'' -> false;
            default -> true;
        };
    }

    private Token punctuation(Kind kind) {
        int start = offset++;
        String text = input.substring(start, offset);
        return new Token(kind, text, text, line, column(start));
    }

    private Token string(char quote) throws ConfigException {
        int start = offset++;
        StringBuilder decoded = new StringBuilder();
        while (true) {
            if (offset >= input.length() || input.charAt(offset) == '\n') {
                String written = input.substring(start, offset).stripTrailing();
                throw ConfigException.at(position(start), abbreviate(written),
                        "unterminated string (no closing " + quote + " on this line)");
            }
            checkLength(start, decoded.length(), "string");
            char c = input.charAt(offset++);
            if (c == quote) {
                return new Token(Kind.STRING, input.substring(start, offset), decoded.toString(), line, column(start));
            }
            if (c != '\\') {
                decoded.append(c);
                continue;
            }
            if (offset >= input.length() || input.charAt(offset) == '\n') {
                continue; // reported as unterminated on the next turn
            }
            char escaped = input.charAt(offset++);
            switch (escaped) {
                case '\\', '"', '\'' -> decoded.append(escaped);
                case 'n' -> decoded.append('\n');
                case 't' -> decoded.append('\t');
                case 'r' -> decoded.append('\r');
                default -> throw ConfigException.at(position(offset - 2), "\\" + escaped,
                        "unknown escape in string (known: \\\\ \\\" \\' \\n \\t \\r)");
            }
        }
    }

    private void skipBlanksAndComment() {
        while (offset < input.length()) {
            char c = input.charAt(offset);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
                offset++;
            } else if (c == '#') {
                while (offset < input.length() && input.charAt(offset) != '\n') {
                    offset++;
                }
            } else {
                return;
            }
        }
    }

    private int column(int at) {
        return at - lineStart + 1;
    }

    ConfigSource.Position position(int at) {
        return new ConfigSource.Position(sourceName, line, column(at));
    }

    /** Quoted text in messages: escaped and kept to a readable length (see {@link Printable}). */
    static String abbreviate(String text) {
        return Printable.token(text);
    }

    /** A word or string longer than {@link #MAX_TOKEN_LENGTH} is refused before it is used. */
    private void checkLength(int start, int length, String what) throws ConfigException {
        if (length > MAX_TOKEN_LENGTH) {
            int end = start;
            while (end < input.length() && input.charAt(end) != '\n' && (what.equals("string") || isWordChar(input.charAt(end)))) {
                end++;
            }
            String written = input.substring(start, end);
            throw ConfigException.at(position(start), written,
                    what + " longer than the limit of " + MAX_TOKEN_LENGTH + " characters");
        }
    }
}
