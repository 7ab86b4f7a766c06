package dev.trufflexen.launcher.config;

import java.util.List;

/**
 * A value as written in xl.cfg syntax, before it is given a meaning.
 *
 * <p>Every value keeps its position and its text as written so that a later, semantic error
 * ("expected an integer number of MiB") can quote exactly what the user typed.
 */
public sealed interface ConfigValue {
    ConfigSource.Position position();

    /** The value's source text, whitespace collapsed, for messages. */
    String written();

    /** The kind of value, with its article, as messages say it: "a string". */
    String kind();

    /** A quoted string, escapes already decoded. */
    record StringValue(String text, ConfigSource.Position position, String written) implements ConfigValue {
        @Override
        public String kind() {
            return "a string";
        }
    }

    /** A decimal or {@code 0x} hexadecimal integer. */
    record IntegerValue(long value, ConfigSource.Position position, String written) implements ConfigValue {
        @Override
        public String kind() {
            return "a number";
        }
    }

    /** {@code [ item, item ]}; items are values again (xl allows nesting). */
    record ListValue(List<ConfigValue> items, ConfigSource.Position position, String written) implements ConfigValue {
        public ListValue {
            items = List.copyOf(items);
        }

        @Override
        public String kind() {
            return "a list";
        }
    }

    /**
     * An unquoted token from a {@code key=value} command-line argument. It is read as the key
     * needs it: the text itself for a string key, a number for a numeric key. Files never
     * produce words; there, strings must be quoted as in xl.
     */
    record WordValue(String text, ConfigSource.Position position, String written) implements ConfigValue {
        @Override
        public String kind() {
            return "an unquoted word";
        }
    }
}
