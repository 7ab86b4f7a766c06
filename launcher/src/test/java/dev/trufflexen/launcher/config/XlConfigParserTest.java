package dev.trufflexen.launcher.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The syntax alone: values, positions and what messages quote. */
class XlConfigParserTest {
    @Test
    void valuesKeepTheirPositionsAndWrittenText() throws Exception {
        List<ConfigSetting> settings = XlConfigParser.parse(
                "a = \"x\\ny\"\n\n  b=0x1F ;c = [ 'p',\n 7 ]\n", "t.cfg");
        assertEquals(List.of("a", "b", "c"), settings.stream().map(ConfigSetting::key).toList());

        ConfigValue.StringValue a = assertInstanceOf(ConfigValue.StringValue.class, settings.get(0).value());
        assertEquals("x\ny", a.text());
        assertEquals("\"x\\ny\"", a.written());
        assertEquals(new ConfigSource.Position("t.cfg", 1, 5), a.position());

        ConfigValue.IntegerValue b = assertInstanceOf(ConfigValue.IntegerValue.class, settings.get(1).value());
        assertEquals(31, b.value());
        assertEquals(new ConfigSource.Position("t.cfg", 3, 3), settings.get(1).keyPosition());
        assertEquals("b = 0x1F", settings.get(1).written());

        ConfigValue.ListValue c = assertInstanceOf(ConfigValue.ListValue.class, settings.get(2).value());
        assertEquals("c = ['p', 7]", settings.get(2).written());
        assertEquals(new ConfigSource.Position("t.cfg", 4, 2), c.items().get(1).position());
    }

    @Test
    void commentsDoNotStartInsideStrings() throws Exception {
        List<ConfigSetting> settings = XlConfigParser.parse("a = \"#not a comment\" # a comment\n", "t.cfg");
        assertEquals("#not a comment", ((ConfigValue.StringValue) settings.get(0).value()).text());
    }

    @Test
    void longValuesAreAbbreviatedInMessages() throws Exception {
        String longText = "x".repeat(1000);
        List<ConfigSetting> settings = XlConfigParser.parse("a = \"" + longText + "\"\n", "t.cfg");
        assertEquals("\"" + "x".repeat(71) + "... (1002 characters)", settings.get(0).value().written());
        assertEquals(longText, ((ConfigValue.StringValue) settings.get(0).value()).text());
    }

    @Test
    void overrideWordsAreKeptAsWritten() throws Exception {
        ConfigSetting setting = XlConfigParser.parseOverride("cmdline=console=hvc0 root=/dev/xvda1");
        assertEquals("cmdline", setting.key());
        assertEquals(new ConfigValue.WordValue("console=hvc0 root=/dev/xvda1",
                new ConfigSource.Position(ConfigSource.COMMAND_LINE, 0, 0), "console=hvc0 root=/dev/xvda1"),
                setting.value());
    }

    @Test
    void overrideValuesInQuotesUseTheFileSyntax() throws Exception {
        ConfigSetting setting = XlConfigParser.parseOverride("extra='a \\'b\\''");
        assertEquals("a 'b'", ((ConfigValue.StringValue) setting.value()).text());
    }
}
