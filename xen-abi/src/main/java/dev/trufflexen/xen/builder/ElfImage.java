package dev.trufflexen.xen.builder;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import dev.trufflexen.xen.domain.DomainBuildException;

/**
 * A validated ELF64 x86-64 executable: its entry point, loadable segments and notes.
 *
 * <p>Kernel images are untrusted input. Everything the builder later relies on is checked here,
 * once, against the file's real size: header fields, program- and section-header table bounds,
 * each segment's and section's file range, and each note's size, with overflow-safe arithmetic.
 * The notes are those libelf reads: of the PT_NOTE segments, else of the SHT_NOTE sections, else
 * the {@code __xen_guest} section's string is kept for {@link GuestParameters}. A bad image is rejected with a
 * {@link DomainBuildException} that names the file and the first thing wrong with it; nothing is
 * built from it.
 */
public final class ElfImage {
    private static final int EI_NIDENT = 16;
    private static final int ELFCLASS64 = 2;
    private static final int ELFDATA2LSB = 1;
    private static final int ET_EXEC = 2;
    private static final int ET_DYN = 3;
    private static final int EM_X86_64 = 62;
    private static final int EHDR_SIZE = 64;
    private static final int PHDR_SIZE = 56;
    private static final int SHDR_SIZE = 64;
    static final int SHT_NOTE = 7;
    static final String XEN_GUEST_SECTION = "__xen_guest";
    static final int PT_LOAD = 1;
    static final int PT_NOTE = 4;
    private static final int MAX_PHDRS = 256;

    /** A PT_LOAD segment: where it goes and which bytes of the file fill it. */
    public record Segment(long paddr, long vaddr, long fileOffset, long fileSize, long memSize) {
    }

    /** One ELF note: owner name, type and descriptor bytes. */
    public record Note(String name, int type, byte[] desc) {
    }

    /** Where the Xen notes were found, in the order libelf looks. */
    public enum NoteSource {
        /** PT_NOTE program headers. */
        SEGMENTS,
        /** SHT_NOTE sections, when no PT_NOTE segment holds a "Xen" note. */
        SECTIONS,
        /** Neither: the legacy {@code __xen_guest} section's string, if there is one. */
        NONE
    }

    private final String fileName;
    private final byte[] bytes;
    private final long entry;
    private final List<Segment> segments;
    private final List<Note> notes;
    private final NoteSource noteSource;
    private final String xenGuestInfo;
    private final String shape;

    private ElfImage(String fileName, byte[] bytes, long entry, List<Segment> segments, List<Note> notes,
            NoteSource noteSource, String xenGuestInfo, String shape) {
        this.fileName = fileName;
        this.bytes = bytes;
        this.entry = entry;
        this.segments = segments;
        this.notes = notes;
        this.noteSource = noteSource;
        this.xenGuestInfo = xenGuestInfo;
        this.shape = shape;
    }

    /** This image, described as having come out of a file of the given shape ("bzImage (xz payload)"). */
    public ElfImage withShape(String fileShape) {
        return new ElfImage(fileName, bytes, entry, segments, notes, noteSource, xenGuestInfo, fileShape);
    }

    /** What the file was: "ELF", "gzip-compressed ELF", "bzImage (xz payload)", ... */
    public String shape() {
        return shape;
    }

    /** Parses and validates {@code bytes}; {@code fileName} appears in every error. */
    public static ElfImage parse(String fileName, byte[] bytes) {
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 4 || bytes[0] != 0x7f || bytes[1] != 'E' || bytes[2] != 'L' || bytes[3] != 'F') {
            throw error(fileName, "not an ELF file (no \\x7fELF magic)");
        }
        if (bytes.length < EHDR_SIZE) {
            throw error(fileName, "truncated ELF: " + bytes.length + " bytes, the ELF header alone needs " + EHDR_SIZE);
        }
        if (bytes[4] != ELFCLASS64) {
            throw error(fileName, "not a 64-bit ELF (EI_CLASS " + bytes[4] + "); TruffleXen runs 64-bit PV guests");
        }
        if (bytes[5] != ELFDATA2LSB) {
            throw error(fileName, "not a little-endian ELF (EI_DATA " + bytes[5] + ")");
        }
        int type = Short.toUnsignedInt(buf.getShort(EI_NIDENT));
        int machine = Short.toUnsignedInt(buf.getShort(EI_NIDENT + 2));
        if (machine != EM_X86_64) {
            throw error(fileName, "ELF machine " + machine + " is not x86-64 (" + EM_X86_64 + ")");
        }
        if (type != ET_EXEC && type != ET_DYN) {
            throw error(fileName, "ELF type " + type + " is not an executable");
        }
        long entry = buf.getLong(24);
        long phoff = buf.getLong(32);
        int phentsize = Short.toUnsignedInt(buf.getShort(54));
        int phnum = Short.toUnsignedInt(buf.getShort(56));
        if (phnum == 0) {
            throw error(fileName, "ELF has no program headers");
        }
        if (phnum > MAX_PHDRS) {
            throw error(fileName, "ELF has " + phnum + " program headers, more than " + MAX_PHDRS);
        }
        if (phentsize != PHDR_SIZE) {
            throw error(fileName, "ELF program header size " + phentsize + " is not " + PHDR_SIZE);
        }
        if (!fits(phoff, (long) phnum * PHDR_SIZE, bytes.length)) {
            throw error(fileName, "truncated ELF: program headers at 0x" + Long.toHexString(phoff) + " ("
                    + phnum + " x " + PHDR_SIZE + " bytes) extend past the end of the " + bytes.length + "-byte file");
        }
        List<Segment> segments = new ArrayList<>();
        List<Note> notes = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            int at = (int) (phoff + (long) i * PHDR_SIZE);
            int pType = buf.getInt(at);
            long offset = buf.getLong(at + 8);
            long vaddr = buf.getLong(at + 16);
            long paddr = buf.getLong(at + 24);
            long fileSize = buf.getLong(at + 32);
            long memSize = buf.getLong(at + 40);
            if (pType != PT_LOAD && pType != PT_NOTE) {
                continue;
            }
            if (!fits(offset, fileSize, bytes.length)) {
                throw error(fileName, "truncated ELF: program header " + i + " covers file bytes 0x"
                        + Long.toHexString(offset) + "+0x" + Long.toHexString(fileSize)
                        + ", past the end of the " + bytes.length + "-byte file");
            }
            if (pType == PT_LOAD) {
                if (Long.compareUnsigned(memSize, fileSize) < 0) {
                    throw error(fileName, "program header " + i + " has p_memsz 0x" + Long.toHexString(memSize)
                            + " smaller than p_filesz 0x" + Long.toHexString(fileSize));
                }
                if (memSize < 0 || paddr + memSize < paddr) {
                    throw error(fileName, "program header " + i + " wraps the address space");
                }
                if (memSize > 0) {
                    segments.add(new Segment(paddr, vaddr, offset, fileSize, memSize));
                }
            } else if (offset != 0) {
                // libelf skips note segments at offset 0: some binutils wrote them so.
                parseNotes(fileName, buf, (int) offset, (int) fileSize, notes);
            }
        }
        if (segments.isEmpty()) {
            throw error(fileName, "ELF has no loadable segment");
        }
        Sections sections = Sections.read(fileName, buf, bytes.length);
        NoteSource source = NoteSource.SEGMENTS;
        String guestInfo = null;
        if (!hasXenNote(notes)) {
            notes.clear();
            for (int i = 1; i < sections.count; i++) {
                if (sections.type(i) == SHT_NOTE) {
                    parseNotes(fileName, buf, (int) sections.offset(i), (int) sections.size(i), notes);
                }
            }
            source = hasXenNote(notes) ? NoteSource.SECTIONS : NoteSource.NONE;
            if (source == NoteSource.NONE) {
                guestInfo = sections.xenGuestString(fileName, buf);
            }
        }
        return new ElfImage(fileName, bytes, entry, List.copyOf(segments), List.copyOf(notes), source, guestInfo, "ELF");
    }

    private static boolean hasXenNote(List<Note> notes) {
        return notes.stream().anyMatch(n -> n.name().equals(dev.trufflexen.xen.abi.XenElfNotes.NOTE_NAME));
    }

    /** The section header table, checked to lie within the file (libelf refuses an image whose table does not). */
    private record Sections(ByteBuffer buf, long tableOffset, int count, int namesIndex) {
        static Sections read(String fileName, ByteBuffer buf, int fileSize) {
            long shoff = buf.getLong(40);
            int shentsize = Short.toUnsignedInt(buf.getShort(58));
            int shnum = Short.toUnsignedInt(buf.getShort(60));
            int shstrndx = Short.toUnsignedInt(buf.getShort(62));
            if (shnum == 0) {
                return new Sections(buf, 0, 0, 0);
            }
            if (shentsize != SHDR_SIZE) {
                throw error(fileName, "ELF section header size " + shentsize + " is not " + SHDR_SIZE);
            }
            if (!fits(shoff, (long) shnum * SHDR_SIZE, fileSize)) {
                throw error(fileName, "truncated ELF: section headers at 0x" + Long.toHexString(shoff) + " ("
                        + shnum + " x " + SHDR_SIZE + " bytes) extend past the end of the " + fileSize + "-byte file");
            }
            Sections s = new Sections(buf, shoff, shnum, shstrndx);
            for (int i = 1; i < shnum; i++) {
                if (s.type(i) != 8 /* SHT_NOBITS */ && !fits(s.offset(i), s.size(i), fileSize)) {
                    throw error(fileName, "truncated ELF: section " + i + " covers file bytes 0x"
                            + Long.toHexString(s.offset(i)) + "+0x" + Long.toHexString(s.size(i))
                            + ", past the end of the " + fileSize + "-byte file");
                }
            }
            return s;
        }

        private int at(int index) {
            return (int) (tableOffset + (long) index * SHDR_SIZE);
        }

        int type(int index) {
            return buf.getInt(at(index) + 4);
        }

        long offset(int index) {
            return buf.getLong(at(index) + 24);
        }

        long size(int index) {
            return buf.getLong(at(index) + 32);
        }

        /** The NUL-terminated string at the start of the {@code __xen_guest} section, or null without one. */
        String xenGuestString(String fileName, ByteBuffer buf) {
            if (count == 0 || namesIndex == 0 || namesIndex >= count || type(namesIndex) == 8) {
                return null;
            }
            long namesStart = offset(namesIndex);
            long namesEnd = namesStart + size(namesIndex);
            for (int i = 1; i < count; i++) {
                long name = namesStart + Integer.toUnsignedLong(buf.getInt(at(i)));
                if (type(i) != 8 && cString(buf, name, namesEnd).equals(XEN_GUEST_SECTION)) {
                    return cString(buf, offset(i), offset(i) + size(i));
                }
            }
            return null;
        }

        private static String cString(ByteBuffer buf, long start, long end) {
            StringBuilder text = new StringBuilder();
            for (long p = start; p < end && buf.get((int) p) != 0; p++) {
                text.append((char) (buf.get((int) p) & 0xff));
            }
            return text.toString();
        }
    }

    private static void parseNotes(String fileName, ByteBuffer buf, int start, int size, List<Note> out) {
        int at = start;
        int end = start + size;
        while (end - at >= 12) {
            long nameSize = Integer.toUnsignedLong(buf.getInt(at));
            long descSize = Integer.toUnsignedLong(buf.getInt(at + 4));
            int type = buf.getInt(at + 8);
            long nameStart = at + 12L;
            long descStart = nameStart + align4(nameSize);
            long next = descStart + align4(descSize);
            if (next > end) {
                throw error(fileName, "truncated ELF note at file offset 0x" + Integer.toHexString(at)
                        + ": name " + nameSize + " and descriptor " + descSize + " bytes run past its note segment or section");
            }
            int nameLength = (int) nameSize;
            while (nameLength > 0 && buf.get((int) nameStart + nameLength - 1) == 0) {
                nameLength--;
            }
            byte[] nameBytes = new byte[nameLength];
            buf.get((int) nameStart, nameBytes);
            byte[] desc = new byte[(int) descSize];
            buf.get((int) descStart, desc);
            out.add(new Note(new String(nameBytes, java.nio.charset.StandardCharsets.ISO_8859_1), type, desc));
            at = (int) next;
        }
    }

    private static long align4(long value) {
        return (value + 3) & ~3L;
    }

    /** True when [offset, offset+length) lies within a file of {@code fileSize} bytes. */
    private static boolean fits(long offset, long length, long fileSize) {
        return offset >= 0 && length >= 0 && offset <= fileSize && length <= fileSize - offset;
    }

    static DomainBuildException error(String fileName, String message) {
        return new DomainBuildException(fileName + ": " + message);
    }

    public String fileName() {
        return fileName;
    }

    public long entry() {
        return entry;
    }

    public List<Segment> segments() {
        return segments;
    }

    /** The notes libelf reads: those of the PT_NOTE segments, or of the SHT_NOTE sections when no segment has a Xen note. */
    public List<Note> notes() {
        return notes;
    }

    public NoteSource noteSource() {
        return noteSource;
    }

    /** The legacy {@code __xen_guest} string ("GUEST_OS=linux,XEN_VER=xen-3.0,..."), or null. */
    public String xenGuestInfo() {
        return xenGuestInfo;
    }

    /** Copies {@code length} file bytes at {@code offset} (already validated) into {@code dst}. */
    void copyFileBytes(long offset, byte[] dst, int dstOffset, int length) {
        System.arraycopy(bytes, (int) offset, dst, dstOffset, length);
    }

    /** Lowest p_paddr over the loadable segments. */
    public long lowestPaddr() {
        return segments.stream().mapToLong(Segment::paddr).min().orElseThrow();
    }

    /** One past the highest byte of the loadable segments, by p_paddr. */
    public long highestPaddrEnd() {
        return segments.stream().mapToLong(s -> s.paddr() + s.memSize()).max().orElseThrow();
    }
}
