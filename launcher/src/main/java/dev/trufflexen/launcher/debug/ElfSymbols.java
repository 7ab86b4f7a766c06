package dev.trufflexen.launcher.debug;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The function and object symbols of a 64-bit ELF kernel (its SHT_SYMTAB), so addresses print
 * as {@code function+offset} and names can stand for addresses. Every offset read is checked
 * against the file; a file without a symbol table has no symbols.
 */
public final class ElfSymbols {
    /** A symbol: name, value (address) and size. */
    public record Symbol(String name, long address, long size) {
    }

    private static final int MAX_FILE = 256 << 20;
    private static final int SHT_SYMTAB = 2;
    private static final int STT_OBJECT = 1;
    private static final int STT_FUNC = 2;
    private static final int STT_NOTYPE = 0;
    /** Section indexes from here up are reserved (ABS, COMMON, ...); 0 is undefined. */
    private static final int SHN_LORESERVE = 0xFF00;

    private final List<Symbol> byAddress;
    private final Map<String, Symbol> byName = new HashMap<>();

    /**
     * Functions and objects name addresses and are found by name; labels without a type (an
     * assembly entry point, a patchable immediate) are found by name only, so that linker-script
     * markers never stand in for the function at their address.
     */
    private ElfSymbols(List<Symbol> typed, List<Symbol> labels) {
        this.byAddress = typed.stream().sorted(Comparator.comparingLong(Symbol::address)).toList();
        for (Symbol s : typed) {
            byName.putIfAbsent(s.name(), s);
        }
        for (Symbol s : labels) {
            byName.putIfAbsent(s.name(), s);
        }
    }

    public static ElfSymbols none() {
        return new ElfSymbols(List.of(), List.of());
    }

    /** Reads the symbols of {@code file}; throws {@link DebugException} naming what is wrong. */
    public static ElfSymbols read(Path file) {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_FILE) {
                throw new DebugException(file + ": larger than " + (MAX_FILE >> 20) + " MiB");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new DebugException(file + ": cannot read (" + e.getMessage() + ")");
        }
        try {
            List<Symbol> labels = new ArrayList<>();
            List<Symbol> typed = parse(bytes, labels);
            return new ElfSymbols(typed, labels);
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new DebugException(file + ": not a well-formed 64-bit ELF file");
        }
    }

    /** The functions and objects of the symbol tables; defined labels without a type go to {@code labels}. */
    private static List<Symbol> parse(byte[] bytes, List<Symbol> labels) {
        ByteBuffer elf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 64 || elf.getInt(0) != 0x464C457F || bytes[4] != 2 || bytes[5] != 1) {
            throw new IllegalArgumentException("not ELF64 little-endian");
        }
        long shoff = elf.getLong(0x28);
        int shentsize = Short.toUnsignedInt(elf.getShort(0x3A));
        int shnum = Short.toUnsignedInt(elf.getShort(0x3C));
        List<Symbol> symbols = new ArrayList<>();
        for (int i = 0; i < shnum; i++) {
            int header = Math.toIntExact(shoff + (long) i * shentsize);
            if (elf.getInt(header + 4) != SHT_SYMTAB) {
                continue;
            }
            int offset = Math.toIntExact(elf.getLong(header + 0x18));
            long size = elf.getLong(header + 0x20);
            int link = elf.getInt(header + 0x28);
            int strHeader = Math.toIntExact(shoff + (long) link * shentsize);
            int strOffset = Math.toIntExact(elf.getLong(strHeader + 0x18));
            int strSize = Math.toIntExact(elf.getLong(strHeader + 0x20));
            for (long entry = 0; entry + 24 <= size; entry += 24) {
                int at = Math.toIntExact(offset + entry);
                int type = bytes[at + 4] & 0xF;
                long value = elf.getLong(at + 8);
                int section = Short.toUnsignedInt(elf.getShort(at + 6));
                boolean label = type == STT_NOTYPE && section != 0 && section < SHN_LORESERVE;
                if ((type == STT_FUNC || type == STT_OBJECT || label) && value != 0) {
                    int nameAt = elf.getInt(at);
                    if (nameAt < 0 || nameAt >= strSize) {
                        continue;
                    }
                    int end = strOffset + nameAt;
                    while (bytes[end] != 0) {
                        end++;
                    }
                    String name = new String(bytes, strOffset + nameAt, end - strOffset - nameAt, StandardCharsets.UTF_8);
                    if (name.isEmpty()) {
                        continue;
                    }
                    (label ? labels : symbols).add(new Symbol(name, value, elf.getLong(at + 16)));
                }
            }
        }
        return symbols;
    }

    public int size() {
        return byAddress.size();
    }

    public Optional<Symbol> named(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** Names starting with {@code prefix} (for completion). */
    public List<String> namesStartingWith(String prefix) {
        return byName.keySet().stream().filter(n -> n.startsWith(prefix)).sorted().toList();
    }

    /** {@code function+0xoff} for an address inside a symbol (or just after one without a size), else empty. */
    public String describe(long address) {
        Symbol best = covering(address);
        if (best == null) {
            return "";
        }
        long offset = address - best.address();
        return offset == 0 ? best.name() : best.name() + "+0x" + Long.toHexString(offset);
    }

    /** The symbol {@link #describe} names for {@code address}, or null. */
    public Symbol covering(long address) {
        Symbol best = null;
        for (Symbol s : byAddress) {
            if (Long.compareUnsigned(s.address(), address) > 0) {
                break;
            }
            if (s.size() == 0 || Long.compareUnsigned(address - s.address(), s.size()) < 0) {
                best = s;
            }
        }
        return best;
    }
}
