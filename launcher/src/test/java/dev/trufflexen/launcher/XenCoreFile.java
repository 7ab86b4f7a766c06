package dev.trufflexen.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A core file as xl writes it, read back by its ELF section headers and Xen notes, for tests. */
record XenCoreFile(ByteBuffer data, Map<String, long[]> sections, Map<Integer, ByteBuffer> notes) {
    static final int NOTE_HEADER = 0x2000001;
    static final int NOTE_FORMAT_VERSION = 0x2000003;

    static XenCoreFile read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x464c457f, b.getInt(0), "ELF magic");
        assertEquals(2, b.get(4), "ELFCLASS64");
        assertEquals(4, b.getShort(16), "ET_CORE");
        assertEquals(62, b.getShort(18), "EM_X86_64");
        assertEquals(0, b.getShort(56), "no program headers");
        long shoff = b.getLong(40);
        int shnum = b.getShort(60);
        int shstrndx = b.getShort(62);
        long strings = b.getLong((int) (shoff + 64L * shstrndx + 24));
        Map<String, long[]> sections = new LinkedHashMap<>();
        for (int i = 0; i < shnum; i++) {
            int at = (int) (shoff + 64L * i);
            String name = cString(b, (int) (strings + b.getInt(at)));
            sections.put(name, new long[] {b.getLong(at + 24), b.getLong(at + 32), b.getLong(at + 56), b.getInt(at + 4)});
        }
        Map<Integer, ByteBuffer> notes = new LinkedHashMap<>();
        long[] noteSection = sections.get(".note.Xen");
        int at = (int) noteSection[0];
        while (at < noteSection[0] + noteSection[1]) {
            int nameSize = b.getInt(at);
            int descSize = b.getInt(at + 4);
            int type = b.getInt(at + 8);
            assertEquals("Xen", cString(b, at + 12), "note name");
            int desc = at + 12 + ((nameSize + 3) & ~3);
            notes.put(type, b.slice(desc, descSize).order(ByteOrder.LITTLE_ENDIAN));
            at = desc + ((descSize + 3) & ~3);
        }
        return new XenCoreFile(b, sections, notes);
    }

    private static String cString(ByteBuffer b, int at) {
        int end = at;
        while (b.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - at];
        b.get(at, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    List<String> sectionNames() {
        return new ArrayList<>(sections.keySet());
    }

    ByteBuffer section(String name) {
        long[] s = sections.get(name);
        return data.slice((int) s[0], (int) s[1]).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Whether the dumped pages hold {@code text} somewhere. */
    boolean pagesContain(String text) {
        String pages = StandardCharsets.ISO_8859_1.decode(section(".xen_pages")).toString();
        return pages.contains(text);
    }
}
