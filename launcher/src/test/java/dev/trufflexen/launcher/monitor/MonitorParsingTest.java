package dev.trufflexen.launcher.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.trufflexen.launcher.debug.DebugException;

/** How the monitor splits a line and reads QEMU's {@code /FMT}, errors included. */
class MonitorParsingTest {
    @Test
    void qemusSlashFormatSplitsOffTheCommand() {
        assertEquals(List.of("x", "/4xg", "rsp"), Monitor.split("x/4xg rsp"));
        assertEquals(List.of("xp", "/8xb", "0x1000"), Monitor.split("  xp/8xb   0x1000 "));
        assertEquals(List.of("print", "1 + 2"), Monitor.split("print \"1 + 2\""));
        assertEquals(List.of(), Monitor.split("   "));
        DebugException e = assertThrows(DebugException.class, () -> Monitor.split("print \"open"));
        assertTrue(e.getMessage().contains("unterminated quote"));
    }

    @Test
    void formatsAreCountLetterSize() {
        assertEquals(new MemoryFormat(1, 'x', 4), MemoryFormat.parse(""));
        assertEquals(new MemoryFormat(4, 'x', 8), MemoryFormat.parse("4xg"));
        assertEquals(new MemoryFormat(16, 'd', 1), MemoryFormat.parse("16db"));
        assertEquals(new MemoryFormat(3, 'c', 1), MemoryFormat.parse("3cw"), "characters are bytes");
        assertEquals(new MemoryFormat(2, 'u', 2), MemoryFormat.parse("2uh"));
        assertEquals(30, MemoryFormat.parse("2i").bytes(), "up to 15 bytes an instruction");
        assertTrue(assertThrows(DebugException.class, () -> MemoryFormat.parse("4q")).getMessage().startsWith("'q'"));
        assertThrows(DebugException.class, () -> MemoryFormat.parse("0x"));
        assertThrows(DebugException.class, () -> MemoryFormat.parse("99999999999xg"));
        assertThrows(DebugException.class, () -> MemoryFormat.parse("100000xg"), "at most 64 KiB at a time");
    }
}
