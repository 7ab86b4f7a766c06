package dev.trufflexen.xen.builder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A guest kernel written in machine code by a test: a handful of instructions with labels,
 * assembled at the usual VIRT_BASE and wrapped by {@link TestElf} in an ELF image with the Xen
 * notes of a generic-loader guest. Enough to drive one hypercall path from real guest code.
 */
public final class TinyGuest {
    public static final long VIRT_BASE = TestElf.VIRT_BASE;

    private final ByteArrayOutputStream code = new ByteArrayOutputStream();
    private final Map<String, Integer> labels = new HashMap<>();
    private final List<int[]> fixups = new ArrayList<>();
    private final List<String> fixupLabels = new ArrayList<>();

    /** Offset of the next byte. */
    public int here() {
        return code.size();
    }

    public TinyGuest label(String name) {
        labels.put(name, here());
        return this;
    }

    public TinyGuest bytes(int... bytes) {
        for (int b : bytes) {
            code.write(b);
        }
        return this;
    }

    public TinyGuest data(byte[] bytes) {
        code.writeBytes(bytes);
        return this;
    }

    public TinyGuest int32(int value) {
        return bytes(value, value >>> 8, value >>> 16, value >>> 24);
    }

    /** Pads with int3 up to {@code offset}. */
    public TinyGuest at(int offset) {
        while (here() < offset) {
            code.write(0xCC);
        }
        return this;
    }

    public TinyGuest movEax(int value) {
        return bytes(0xB8).int32(value);
    }

    public TinyGuest movEdi(int value) {
        return bytes(0xBF).int32(value);
    }

    public TinyGuest movEsi(int value) {
        return bytes(0xBE).int32(value);
    }

    /** lea rsi, [rip + label]. */
    public TinyGuest leaRsi(String label) {
        return bytes(0x48, 0x8D, 0x35).rel32(label);
    }

    /** lea rdx, [rip + label]. */
    public TinyGuest leaRdx(String label) {
        return bytes(0x48, 0x8D, 0x15).rel32(label);
    }

    public TinyGuest syscall() {
        return bytes(0x0F, 0x05);
    }

    public TinyGuest jmp(String label) {
        return bytes(0xE9).rel32(label);
    }

    /** jne label (after a compare). */
    public TinyGuest jne(String label) {
        return bytes(0x0F, 0x85).rel32(label);
    }

    /** test rax, rax; jnz label. */
    public TinyGuest jnzRax(String label) {
        return bytes(0x48, 0x85, 0xC0, 0x0F, 0x85).rel32(label);
    }

    /** sched_op(SCHEDOP_shutdown, &reason) with the reason word at {@code reasonLabel}; then ud2. */
    public TinyGuest shutdown(String reasonLabel) {
        return movEax(29).movEdi(2).leaRsi(reasonLabel).syscall().bytes(0x0F, 0x0B);
    }

    private TinyGuest rel32(String label) {
        fixups.add(new int[] {here()});
        fixupLabels.add(label);
        return int32(0);
    }

    /** The assembled code, labels resolved (rel32 relative to the end of the 4-byte field). */
    public byte[] assemble() {
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
    public Path writeImage(Path dir, String name) throws IOException {
        Path file = dir.resolve(name + ".elf");
        Files.write(file, TestElf.standard().code(assemble()).bytes());
        return file;
    }
}
