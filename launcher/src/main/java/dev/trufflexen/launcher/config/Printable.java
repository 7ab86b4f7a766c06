package dev.trufflexen.launcher.config;

/**
 * Makes text from the user's input safe to echo into a one-line message on a terminal.
 *
 * <p>Input is hostile: a configuration or a path may hold escape sequences (an OSC sequence
 * retitles the terminal, a CSI sequence moves the cursor), bidirectional overrides that reorder
 * what is shown, line breaks that split one diagnostic into two, NULs, or a megabyte of text.
 * Every piece of input a message quotes passes through here, so the message is one line of
 * printable characters of bounded length and still says exactly what was written:
 *
 * <ul>
 *   <li>{@code \n}, {@code \r}, {@code \t} and {@code \0} are written as those escapes; other
 *       C0/C1 controls and DEL as {@code \xNN}; format characters, line and paragraph separators,
 *       private-use, unassigned code points and lone surrogates as &#92;u{XXXX}.</li>
 *   <li>{@link #path} does the same for file names at {@value #PATH_LIMIT} characters.</li>
 *   <li>{@link #token} keeps a quoted token short: beyond {@value #TOKEN_LIMIT} characters it
 *       keeps the beginning, then {@code ...} and the token's full length in characters.</li>
 * </ul>
 *
 * Both are idempotent, so text escaped at the place it is quoted and again as a whole line
 * reads the same.
 */
public final class Printable {
    /** The longest quoted token, escapes counted, before it is cut. */
    public static final int TOKEN_LIMIT = 100;
    /** The longest path or file name, escapes counted, before it is cut. */
    public static final int PATH_LIMIT = 300;
    /** The longest whole message line. */
    public static final int LINE_LIMIT = 2000;
    private static final int KEPT = 72;

    private Printable() {
    }

    /** {@code text} escaped and, when long, cut to its beginning and its length. */
    public static String token(String text) {
        return cut(text, TOKEN_LIMIT, KEPT);
    }

    /** A file name or path: escaped, and cut only when longer than {@value #PATH_LIMIT} characters. */
    public static String path(String text) {
        return cut(text, PATH_LIMIT, PATH_LIMIT - 40);
    }

    /** A whole message line: escaped, and cut at {@value #LINE_LIMIT} characters. */
    public static String line(String text) {
        return cut(text, LINE_LIMIT, LINE_LIMIT - 40);
    }

    /** True when {@code text} needs no escaping. */
    public static boolean isPrintable(String text) {
        return text.codePoints().allMatch(Printable::isPrintable);
    }

    private static String cut(String text, int limit, int kept) {
        if (text == null) {
            return null;
        }
        // Escaping at most limit + 1 code points is enough to decide, whatever the input's size.
        StringBuilder escaped = new StringBuilder();
        int index = 0;
        int codePoints = 0;
        int keptLength = 0;
        while (index < text.length() && escaped.length() <= limit) {
            int codePoint = text.codePointAt(index);
            append(escaped, codePoint);
            index += Character.charCount(codePoint);
            codePoints++;
            if (escaped.length() <= kept) {
                keptLength = escaped.length(); // a cut here never splits an escape
            }
        }
        if (index >= text.length() && escaped.length() <= limit) {
            return escaped.toString();
        }
        int total = codePoints + text.codePointCount(index, text.length());
        return escaped.substring(0, keptLength) + "... (" + total + " characters)";
    }

    private static void append(StringBuilder out, int codePoint) {
        if (isPrintable(codePoint)) {
            out.appendCodePoint(codePoint);
            return;
        }
        switch (codePoint) {
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            case '\t' -> out.append("\\t");
            case 0 -> out.append("\\0");
            default -> {
                if (codePoint < 0x100) {
                    out.append(String.format("\\x%02x", codePoint));
                } else {
                    out.append(String.format("\\u{%04X}", codePoint));
                }
            }
        }
    }

    private static boolean isPrintable(int codePoint) {
        if (codePoint == ' ') {
            return true;
        }
        return switch (Character.getType(codePoint)) {
            case Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE, Character.SURROGATE,
                    Character.UNASSIGNED, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.SPACE_SEPARATOR -> false;
            default -> true;
        };
    }
}
