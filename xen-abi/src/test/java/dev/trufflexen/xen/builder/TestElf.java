package dev.trufflexen.xen.builder;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.trufflexen.xen.abi.XenElfNotes;

/** Builds small ELF64 x86-64 images in memory, well-formed or deliberately broken. */
final class TestElf {
    static final long VIRT_BASE = 0xFFFFFFFF80000000L;

    private record Note(int type, byte[] desc) {
    }

    private final List<Note> notes = new ArrayList<>();
    private byte[] code = {(byte) 0xF4};
    private long paddr = 0;
    private long vaddr = VIRT_BASE;
    private long entry = VIRT_BASE;
    private long extraBss = 0;
    private boolean notesInSectionOnly;
    private String xenGuest;

    /** A valid image with the usual notes of a generic-loader guest at VIRT_BASE. */
    static TestElf standard() {
        return new TestElf().stringNote(XenElfNotes.XEN_ELFNOTE_GUEST_OS, "test")
                .stringNote(XenElfNotes.XEN_ELFNOTE_XEN_VERSION, "xen-3.0")
                .stringNote(XenElfNotes.XEN_ELFNOTE_LOADER, "generic")
                .numericNote(XenElfNotes.XEN_ELFNOTE_VIRT_BASE, VIRT_BASE)
                .numericNote(XenElfNotes.XEN_ELFNOTE_PADDR_OFFSET, 0);
    }

    TestElf stringNote(int type, String value) {
        notes.add(new Note(type, (value + "\0").getBytes(StandardCharsets.US_ASCII)));
        return this;
    }

    TestElf numericNote(int type, long value) {
        notes.add(new Note(type, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array()));
        return this;
    }

    TestElf rawNote(int type, byte[] desc) {
        notes.add(new Note(type, desc));
        return this;
    }

    TestElf code(byte[] bytes) {
        this.code = bytes;
        return this;
    }

    TestElf load(long physical, long virtual, long entryPoint) {
        this.paddr = physical;
        this.vaddr = virtual;
        this.entry = entryPoint;
        return this;
    }

    TestElf bss(long bytes) {
        this.extraBss = bytes;
        return this;
    }

    /** Drops the PT_NOTE program header: the notes are only in a .note.Xen SHT_NOTE section. */
    TestElf notesInSectionOnly() {
        this.notesInSectionOnly = true;
        return this;
    }

    /** Adds a {@code __xen_guest} section holding {@code info} and a NUL. */
    TestElf xenGuest(String info) {
        this.xenGuest = info;
        return this;
    }

    byte[] bytes() {
        byte[] image = withoutSections();
        if (!notesInSectionOnly && xenGuest == null) {
            return image;
        }
        // Section contents after the image: __xen_guest, then .shstrtab, then the section headers.
        byte[] names = "\0.note.Xen\0__xen_guest\0.shstrtab\0".getBytes(StandardCharsets.US_ASCII);
        byte[] guest = xenGuest == null ? new byte[0] : (xenGuest + "\0").getBytes(StandardCharsets.ISO_8859_1);
        int guestOffset = image.length;
        int namesOffset = guestOffset + guest.length;
        int shoff = (namesOffset + names.length + 7) & ~7;
        int shnum = 4;
        ByteBuffer out = ByteBuffer.allocate(shoff + 64 * shnum).order(ByteOrder.LITTLE_ENDIAN);
        out.put(image).put(guest).put(names);
        int noteOffset = 64 + 56 * phnum();
        section(out, shoff + 64, 1, notesInSectionOnly ? 7 : 1, noteOffset, noteBytes().length);
        section(out, shoff + 128, xenGuest == null ? 0 : 11, xenGuest == null ? 0 : 1, guestOffset, guest.length);
        section(out, shoff + 192, 23, 3, namesOffset, names.length);
        out.putLong(40, shoff).putShort(58, (short) 64).putShort(60, (short) shnum).putShort(62, (short) 3);
        return out.array();
    }

    private static void section(ByteBuffer out, int at, int name, int type, long offset, long size) {
        out.putInt(at, name).putInt(at + 4, type).putLong(at + 24, offset).putLong(at + 32, size);
    }

    private int phnum() {
        return notesInSectionOnly ? 1 : 2;
    }

    private byte[] noteBytes() {
        ByteArrayOutputStream noteBytes = new ByteArrayOutputStream();
        for (Note note : notes) {
            ByteBuffer header = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            header.putInt(4).putInt(note.desc().length).putInt(note.type());
            noteBytes.writeBytes(header.array());
            noteBytes.writeBytes(new byte[] {'X', 'e', 'n', 0});
            noteBytes.writeBytes(note.desc());
            noteBytes.writeBytes(new byte[(4 - note.desc().length % 4) % 4]);
        }
        return noteBytes.toByteArray();
    }

    private byte[] withoutSections() {
        byte[] noteData = noteBytes();
        int phnum = phnum();
        int codeOffset = 0x1000;
        int noteOffset = 64 + 56 * phnum;
        ByteBuffer elf = ByteBuffer.allocate(codeOffset + code.length).order(ByteOrder.LITTLE_ENDIAN);
        elf.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
        elf.position(16);
        elf.putShort((short) 2).putShort((short) 62).putInt(1).putLong(entry).putLong(64).putLong(0).putInt(0)
                .putShort((short) 64).putShort((short) 56).putShort((short) phnum).putShort((short) 64)
                .putShort((short) 0).putShort((short) 0);
        // PT_LOAD
        elf.putInt(1).putInt(7).putLong(codeOffset).putLong(vaddr).putLong(paddr).putLong(code.length)
                .putLong(code.length + extraBss).putLong(0x1000);
        if (phnum == 2) {
            // PT_NOTE
            elf.putInt(4).putInt(4).putLong(noteOffset).putLong(0).putLong(0).putLong(noteData.length)
                    .putLong(noteData.length).putLong(4);
        }
        elf.position(noteOffset);
        elf.put(noteData);
        elf.position(codeOffset);
        elf.put(code);
        return elf.array();
    }
}
