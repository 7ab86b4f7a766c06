package dev.trufflexen.launcher.monitor;

import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import dev.trufflexen.launcher.debug.DebugException;
import dev.trufflexen.launcher.debug.DebuggedDomain;
import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.decoder.X86Disassembler;

/**
 * QEMU's {@code /FMT} of {@code x} and {@code xp}: a count, a format letter ({@code x} hex,
 * {@code d} signed, {@code u} unsigned, {@code o} octal, {@code c} characters, {@code i}
 * instructions) and a size letter ({@code b} 1, {@code h} 2, {@code w} 4, {@code g} 8 bytes),
 * each optional, in that order; the defaults are 1, x and w.
 */
record MemoryFormat(int count, char format, int size) {
    static final MemoryFormat DEFAULT = new MemoryFormat(1, 'x', 4);
    private static final int MAX_BYTES = 1 << 16;

    static MemoryFormat parse(String text) {
        int at = 0;
        while (at < text.length() && Character.isDigit(text.charAt(at))) {
            at++;
        }
        int count;
        try {
            count = at == 0 ? 1 : Integer.parseInt(text.substring(0, at));
        } catch (NumberFormatException e) {
            throw new DebugException("'" + text + "': count too large");
        }
        char format = 'x';
        int size = 4;
        for (; at < text.length(); at++) {
            char c = text.charAt(at);
            switch (c) {
                case 'x', 'd', 'u', 'o', 'c', 'i' -> format = c;
                case 'b' -> size = 1;
                case 'h' -> size = 2;
                case 'w' -> size = 4;
                case 'g' -> size = 8;
                default -> throw new DebugException("'" + c + "': unknown format letter in '/" + text
                        + "' (count, then x d u o c i, then b h w g)");
            }
        }
        if (format == 'c') {
            size = 1;
        }
        if ((long) count * size > MAX_BYTES || count == 0) {
            throw new DebugException("'/" + text + "': 1 to " + MAX_BYTES + " bytes at a time");
        }
        return new MemoryFormat(count, format, size);
    }

    /** Bytes to read: for {@code i}, enough for {@code count} instructions. */
    int bytes() {
        return format == 'i' ? count * 15 : count * size;
    }

    void print(PrintWriter out, long address, byte[] data, DebuggedDomain target) {
        if (format == 'i') {
            disassemble(out, data, address, count, target);
            return;
        }
        ByteBuffer buffer = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int perLine = format == 'c' ? 16 : Math.max(1, 16 / size);
        for (int i = 0; i < count; i++) {
            if (i % perLine == 0) {
                if (i > 0) {
                    out.println();
                }
                out.printf("%016x:", address + (long) i * size);
            }
            long value = switch (size) {
                case 1 -> buffer.get(i);
                case 2 -> buffer.getShort(i * 2);
                case 4 -> buffer.getInt(i * 4);
                default -> buffer.getLong(i * 8);
            };
            out.print(" " + formatValue(value));
        }
        out.println();
    }

    private String formatValue(long signed) {
        long unsigned = size == 8 ? signed : signed & ((1L << (8 * size)) - 1);
        return switch (format) {
            case 'd' -> Long.toString(signed);
            case 'u' -> Long.toUnsignedString(unsigned);
            case 'o' -> "0" + Long.toOctalString(unsigned);
            case 'c' -> unsigned >= 0x20 && unsigned < 0x7F ? "'" + (char) unsigned + "'" : String.format("\\x%02x", unsigned);
            default -> String.format("0x%0" + (2 * size) + "x", unsigned);
        };
    }

    /** Disassembles {@code count} instructions at guest-virtual {@code address}. */
    static void disassemble(PrintWriter out, X86Cpu cpu, long address, int count, DebuggedDomain target) {
        byte[] code = new byte[count * 15];
        int readable = 0;
        while (readable < code.length) {
            int chunk = (int) Math.min(code.length - readable, 0x1000 - ((address + readable) & 0xFFF));
            if (!cpu.copyFromGuest(address + readable, code, readable, chunk)) {
                break;
            }
            readable += chunk;
        }
        if (readable == 0) {
            throw new DebugException("address 0x" + Long.toHexString(address) + " is not mapped");
        }
        disassemble(out, java.util.Arrays.copyOf(code, readable), address, count, target);
    }

    private static void disassemble(PrintWriter out, byte[] code, long address, int count, DebuggedDomain target) {
        int offset = 0;
        for (int i = 0; i < count && offset < code.length; i++) {
            X86Disassembler.Disassembly insn = X86Disassembler.disassemble(code, offset, address + offset);
            int length = Math.max(1, insn.length());
            StringBuilder hex = new StringBuilder();
            for (int b = offset; b < Math.min(code.length, offset + length); b++) {
                hex.append(String.format("%02x ", code[b]));
            }
            out.printf("%s: %-30s %s%n", target.address(address + offset), hex.toString().strip(), insn.text());
            offset += length;
        }
    }
}
