package dev.trufflexen.xen;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.trufflexen.xen.abi.XenElfNotes;

/**
 * A guest kernel written in machine code by a test: a handful of instructions with labels,
 * assembled at the usual VIRT_BASE and wrapped in an ELF image with the Xen notes of a
 * generic-loader guest. Enough to drive one hypercall path from real guest code.
 */
final class TinyGuest {
    static final long VIRT_BASE = 0xFFFFFFFF80000000L;

    private final ByteArrayOutputStream code = new ByteArrayOutputStream();
    private final Map<String, Integer> labels = new HashMap<>();
    private final List<int[]> fixups = new ArrayList<>();
    private final List<String> fixupLabels = new ArrayList<>();

    /** Offset of the next byte. */
    int here() {
        return code.size();
    }

    TinyGuest label(String name) {
        labels.put(name, here());
        return this;
    }

    TinyGuest bytes(int... bytes) {
        for (int b : bytes) {
            code.write(b);
        }
        return this;
    }

    TinyGuest data(byte[] bytes) {
        code.writeBytes(bytes);
        return this;
    }

    TinyGuest int32(int value) {
        return bytes(value, value >>> 8, value >>> 16, value >>> 24);
    }

    /** Pads with int3 up to {@code offset}. */
    TinyGuest at(int offset) {
        while (here() < offset) {
            code.write(0xCC);
        }
        return this;
    }

    TinyGuest movEax(int value) {
        return bytes(0xB8).int32(value);
    }

    TinyGuest movEdi(int value) {
        return bytes(0xBF).int32(value);
    }

    TinyGuest movEsi(int value) {
        return bytes(0xBE).int32(value);
    }

    /** lea rsi, [rip + label]. */
    TinyGuest leaRsi(String label) {
        return bytes(0x48, 0x8D, 0x35).rel32(label);
    }

    /** lea rdx, [rip + label]. */
    TinyGuest leaRdx(String label) {
        return bytes(0x48, 0x8D, 0x15).rel32(label);
    }

    TinyGuest syscall() {
        return bytes(0x0F, 0x05);
    }

    TinyGuest jmp(String label) {
        return bytes(0xE9).rel32(label);
    }

    /** jne label (after a compare). */
    TinyGuest jne(String label) {
        return bytes(0x0F, 0x85).rel32(label);
    }

    /** test rax, rax; jnz label. */
    TinyGuest jnzRax(String label) {
        return bytes(0x48, 0x85, 0xC0, 0x0F, 0x85).rel32(label);
    }

    /** sched_op(SCHEDOP_shutdown, &reason) with the reason word at {@code reasonLabel}; then ud2. */
    TinyGuest shutdown(String reasonLabel) {
        return movEax(29).movEdi(2).leaRsi(reasonLabel).syscall().bytes(0x0F, 0x0B);
    }

    private TinyGuest rel32(String label) {
        fixups.add(new int[] {here()});
        fixupLabels.add(label);
        return int32(0);
    }

    /** The assembled code, labels resolved (rel32 relative to the end of the 4-byte field). */
    byte[] assemble() {
        byte[] out = code.toByteArray();
        for (int i = 0; i < fixups.size(); i++) {
            int at = fixups.get(i)[0];
            Integer target = labels.get(fixupLabels.get(i));
            if (target == null) {
                throw new IllegalStateException("no label " + fixupLabels.get(i));
            }
            int rel = target - (at + 4);
            ByteBuffer.wrap(out, at, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(rel);
        }
        return out;
    }

    /** Writes the guest as an ELF kernel image into {@code dir}. */
    Path writeImage(Path dir, String name) throws IOException {
        Path file = dir.resolve(name + ".elf");
        Files.write(file, elf(assemble()));
        return file;
    }

    private static byte[] elf(byte[] text) {
        ByteArrayOutputStream notes = new ByteArrayOutputStream();
        note(notes, XenElfNotes.XEN_ELFNOTE_GUEST_OS, "tiny\0".getBytes(StandardCharsets.US_ASCII));
        note(notes, XenElfNotes.XEN_ELFNOTE_XEN_VERSION, "xen-3.0\0".getBytes(StandardCharsets.US_ASCII));
        note(notes, XenElfNotes.XEN_ELFNOTE_LOADER, "generic\0".getBytes(StandardCharsets.US_ASCII));
        note(notes, XenElfNotes.XEN_ELFNOTE_VIRT_BASE, le64(VIRT_BASE));
        note(notes, XenElfNotes.XEN_ELFNOTE_PADDR_OFFSET, le64(0));
        note(notes, XenElfNotes.XEN_ELFNOTE_ENTRY, le64(VIRT_BASE));
        byte[] noteData = notes.toByteArray();
        int phnum = 2;
        int codeOffset = 0x1000;
        int noteOffset = 64 + 56 * phnum;
        ByteBuffer elf = ByteBuffer.allocate(codeOffset + text.length).order(ByteOrder.LITTLE_ENDIAN);
        elf.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
        elf.position(16);
        elf.putShort((short) 2).putShort((short) 62).putInt(1).putLong(VIRT_BASE).putLong(64).putLong(0).putInt(0)
                .putShort((short) 64).putShort((short) 56).putShort((short) phnum).putShort((short) 64)
                .putShort((short) 0).putShort((short) 0);
        elf.putInt(1).putInt(7).putLong(codeOffset).putLong(VIRT_BASE).putLong(0).putLong(text.length)
                .putLong(text.length).putLong(0x1000);
        elf.putInt(4).putInt(4).putLong(noteOffset).putLong(0).putLong(0).putLong(noteData.length)
                .putLong(noteData.length).putLong(4);
        elf.position(noteOffset);
        elf.put(noteData);
        elf.position(codeOffset);
        elf.put(text);
        return elf.array();
    }

    private static void note(ByteArrayOutputStream out, int type, byte[] desc) {
        ByteBuffer header = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(4).putInt(desc.length).putInt(type);
        out.writeBytes(header.array());
        out.writeBytes(new byte[] {'X', 'e', 'n', 0});
        out.writeBytes(desc);
        out.writeBytes(new byte[(4 - desc.length % 4) % 4]);
    }

    private static byte[] le64(long value) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
    }
}
