package dev.trufflexen.launcher.config;

import dev.trufflexen.launcher.config.XlConfigLexer.Kind;
import dev.trufflexen.launcher.config.XlConfigLexer.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * The syntax of xl domain configuration files: {@code key = value} statements.
 *
 * <pre>
 * file      := { statement | NEWLINE | ";" }
 * statement := key "=" value ( ";" | NEWLINE | end of file )
 * value     := "string" | 'string' | number | "[" [ value { "," value } [ "," ] ] "]"
 * number    := decimal digits | "0x" hex digits
 * </pre>
 *
 * Newlines are free inside a list, so lists may span lines. Lists nest at most
 * {@value #MAX_LIST_DEPTH} deep and words and strings are at most
 * {@value XlConfigLexer#MAX_TOKEN_LENGTH} characters long, so a hostile file costs bounded
 * stack and memory. This class knows nothing about
 * which keys exist or what their values mean; {@link DomainConfigReader} does. Like xl, a key
 * set twice keeps its last value, which is also how command-line overrides win over the file.
 */
public final class XlConfigParser {
    /** Lists may nest this deep; xl's own configurations nest at most once. */
    static final int MAX_LIST_DEPTH = 16;
    static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern NUMBER = Pattern.compile("-?(?:0[xX][0-9a-fA-F]+|[0-9]+)");

    private final XlConfigLexer lexer;
    private final String sourceName;
    private final List<Token> lookahead = new ArrayList<>();
    private int listDepth;

    private XlConfigParser(String text, String sourceName) {
        this.lexer = new XlConfigLexer(text, sourceName);
        this.sourceName = sourceName;
    }

    /** Parses a whole file's text; {@code sourceName} is how messages name the file. */
    public static List<ConfigSetting> parse(String text, String sourceName) throws ConfigException {
        return new XlConfigParser(text, sourceName).file();
    }

    /**
     * Parses one {@code key=value} command-line argument. The value has the file syntax, except
     * that a value not starting with a quote or {@code [} is taken as written (a
     * {@link ConfigValue.WordValue}), so {@code name=web1} and {@code memory=512} need no quotes.
     */
    public static ConfigSetting parseOverride(String argument) throws ConfigException {
        ConfigSource.Position where = new ConfigSource.Position(ConfigSource.COMMAND_LINE, 0, 0);
        int equals = argument.indexOf('=');
        if (equals < 0) {
            throw ConfigException.at(where, argument, "expected key=value, for example memory=256");
        }
        String key = argument.substring(0, equals).strip();
        if (!KEY.matcher(key).matches()) {
            throw ConfigException.at(where, argument, "\"" + Printable.token(key) + "\" is not a key name");
        }
        String valueText = argument.substring(equals + 1).strip();
        if (valueText.isEmpty()) {
            throw ConfigException.at(where, argument, "missing value after =");
        }
        if (valueText.length() > XlConfigLexer.MAX_TOKEN_LENGTH + 2) {
            throw ConfigException.at(where, argument,
                    "value longer than the limit of " + XlConfigLexer.MAX_TOKEN_LENGTH + " characters");
        }
        char first = valueText.charAt(0);
        if (first != '"' && first != '\'' && first != '[') {
            return new ConfigSetting(key, where, new ConfigValue.WordValue(valueText, where, valueText), argument);
        }
        try {
            XlConfigParser parser = new XlConfigParser(valueText, ConfigSource.COMMAND_LINE);
            ConfigValue value = parser.value(key);
            if (parser.peek(0).kind() == Kind.SEMICOLON) {
                parser.advance();
            }
            Token after = parser.peek(0);
            while (after.kind() == Kind.NEWLINE) {
                parser.advance();
                after = parser.peek(0);
            }
            if (after.kind() != Kind.END) {
                throw ConfigException.at(where, argument, "unexpected " + after.describe() + " after the value");
            }
            return new ConfigSetting(key, where, value, argument);
        } catch (ConfigException e) {
            if (argument.equals(e.token())) {
                throw e;
            }
            throw ConfigException.at(where, argument, e.problem());
        }
    }

    private List<ConfigSetting> file() throws ConfigException {
        List<ConfigSetting> settings = new ArrayList<>();
        while (true) {
            Token token = peek(0);
            switch (token.kind()) {
                case END -> {
                    return settings;
                }
                case NEWLINE, SEMICOLON -> advance();
                case WORD -> settings.add(statement());
                case STRING -> throw error(token,
                        "keys are not quoted; write " + Printable.token(token.decoded()) + " = ...");
                default -> throw error(token, "expected a setting such as memory = 256");
            }
        }
    }

    private ConfigSetting statement() throws ConfigException {
        Token keyToken = advance();
        String key = keyToken.text();
        if (!KEY.matcher(key).matches()) {
            throw error(keyToken, "not a key name (keys are letters, digits and _)");
        }
        Token equals = advance();
        if (equals.kind() != Kind.EQUALS) {
            throw error(equals, "expected = after " + key);
        }
        ConfigValue value = value(key);
        Token end = peek(0);
        switch (end.kind()) {
            case SEMICOLON -> advance();
            case NEWLINE, END -> {
            }
            default -> throw error(end, "expected the end of the line after the value of " + key);
        }
        return new ConfigSetting(key, position(keyToken), value, key + " = " + value.written());
    }

    private ConfigValue value(String key) throws ConfigException {
        Token token = advance();
        ConfigSource.Position position = position(token);
        return switch (token.kind()) {
            case STRING -> new ConfigValue.StringValue(token.decoded(), position, XlConfigLexer.abbreviate(token.text()));
            case WORD -> number(token, position);
            case OPEN_BRACKET -> list(key, token);
            case NEWLINE, END, SEMICOLON -> throw ConfigException.at(position, null,
                    "expected a value for " + key + ", found the " + token.describe());
            default -> throw error(token, "expected a value for " + key);
        };
    }

    private static ConfigValue number(Token token, ConfigSource.Position position) throws ConfigException {
        String text = token.text();
        boolean looksNumeric = Character.isDigit(text.charAt(0))
                || (text.length() > 1 && text.charAt(0) == '-' && Character.isDigit(text.charAt(1)));
        if (!looksNumeric) {
            throw ConfigException.at(position, text, "strings need quotes: write \"" + Printable.token(text) + "\"");
        }
        if (!NUMBER.matcher(text).matches()) {
            throw ConfigException.at(position, text, "not a number (decimal, or hexadecimal after 0x; no units)");
        }
        OptionalLong value = parseInteger(text);
        if (value.isEmpty()) {
            throw ConfigException.at(position, text, "number too large");
        }
        return new ConfigValue.IntegerValue(value.getAsLong(), position, text);
    }

    /** Reads a decimal or {@code 0x} hexadecimal integer, optionally negative; empty if it is not one. */
    static OptionalLong parseInteger(String text) {
        if (!NUMBER.matcher(text).matches()) {
            return OptionalLong.empty();
        }
        boolean negative = text.startsWith("-");
        String digits = negative ? text.substring(1) : text;
        try {
            long magnitude = digits.startsWith("0x") || digits.startsWith("0X")
                    ? Long.parseLong(digits.substring(2), 16)
                    : Long.parseLong(digits);
            return OptionalLong.of(negative ? -magnitude : magnitude);
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private ConfigValue list(String key, Token open) throws ConfigException {
        if (listDepth >= MAX_LIST_DEPTH) {
            throw error(open, "lists nested deeper than " + MAX_LIST_DEPTH + " levels");
        }
        listDepth++;
        try {
            return listItems(key, open);
        } finally {
            listDepth--;
        }
    }

    private ConfigValue listItems(String key, Token open) throws ConfigException {
        List<ConfigValue> items = new ArrayList<>();
        while (true) {
            skipNewlines();
            Token token = peek(0);
            if (token.kind() == Kind.CLOSE_BRACKET) {
                advance();
                break;
            }
            checkListContinues(open, token);
            items.add(value(key));
            skipNewlines();
            Token separator = peek(0);
            if (separator.kind() == Kind.COMMA) {
                advance();
            } else if (separator.kind() == Kind.CLOSE_BRACKET) {
                advance();
                break;
            } else {
                checkListContinues(open, separator);
                throw error(separator, "expected , or ] in the list for " + key);
            }
        }
        List<String> written = items.stream().map(ConfigValue::written).toList();
        String text = XlConfigLexer.abbreviate("[" + String.join(", ", written) + "]");
        return new ConfigValue.ListValue(items, position(open), text);
    }

    /** A list that runs into the end of the file or into the next setting was never closed. */
    private void checkListContinues(Token open, Token token) throws ConfigException {
        if (token.kind() == Kind.END) {
            throw error(open, "unterminated list (no closing ] before the end of the "
                    + (sourceName.equals(ConfigSource.COMMAND_LINE) ? "value)" : "file)"));
        }
        if (token.kind() == Kind.WORD && peek(1).kind() == Kind.EQUALS) {
            throw error(open, "unterminated list (no closing ] before the setting of "
                    + Printable.token(token.text()) + " on line " + token.line() + ")");
        }
    }

    private void skipNewlines() throws ConfigException {
        while (peek(0).kind() == Kind.NEWLINE) {
            advance();
        }
    }

    private Token peek(int ahead) throws ConfigException {
        while (lookahead.size() <= ahead) {
            lookahead.add(lexer.next());
        }
        return lookahead.get(ahead);
    }

    private Token advance() throws ConfigException {
        peek(0);
        return lookahead.removeFirst();
    }

    private ConfigSource.Position position(Token token) {
        return new ConfigSource.Position(sourceName, token.line(), token.column());
    }

    private ConfigException error(Token token, String problem) {
        String text = token.kind() == Kind.NEWLINE || token.kind() == Kind.END ? null : token.text();
        return ConfigException.at(position(token), text, problem);
    }
}
