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
 * once, against the file's real size: header fields, program-header table bounds, each segment's
 * file range, and each note's size, with overflow-safe arithmetic. A bad image is rejected with a
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
    static final int PT_LOAD = 1;
    static final int PT_NOTE = 4;
    private static final int MAX_PHDRS = 256;

    /** A PT_LOAD segment: where it goes and which bytes of the file fill it. */
    public record Segment(long paddr, long vaddr, long fileOffset, long fileSize, long memSize) {
    }

    /** One ELF note: owner name, type and descriptor bytes. */
    public record Note(String name, int type, byte[] desc) {
    }

    private final String fileName;
    private final byte[] bytes;
    private final long entry;
    private final List<Segment> segments;
    private final List<Note> notes;

    private ElfImage(String fileName, byte[] bytes, long entry, List<Segment> segments, List<Note> notes) {
        this.fileName = fileName;
        this.bytes = bytes;
        this.entry = entry;
        this.segments = segments;
        this.notes = notes;
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
            } else {
                parseNotes(fileName, buf, (int) offset, (int) fileSize, notes);
            }
        }
        if (segments.isEmpty()) {
            throw error(fileName, "ELF has no loadable segment");
        }
        return new ElfImage(fileName, bytes, entry, List.copyOf(segments), List.copyOf(notes));
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
                        + ": name " + nameSize + " and descriptor " + descSize + " bytes run past its PT_NOTE");
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

    public List<Note> notes() {
        return notes;
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
