package dev.trufflexen.launcher.monitor;

import java.util.Locale;

import dev.trufflexen.launcher.debug.DebugException;
import dev.trufflexen.launcher.debug.ElfSymbols;
import dev.trufflexen.x86.cpu.X86Cpu;

/**
 * The monitor's expressions: numbers (hex with 0x, decimal), registers ({@code $rax} or
 * {@code rax}, {@code rip}, {@code rflags}, {@code fs_base}, {@code gs_base}, {@code cr2},
 * {@code cr3}), symbols of the loaded ELF, {@code + - * / & | ^ << >>}, unary {@code - ~},
 * parentheses and {@code *ADDR} (the 64-bit word at a guest-virtual address). An error names
 * the token at fault.
 */
final class Expression {
    private final String text;
    private final X86Cpu cpu;
    private final ElfSymbols symbols;
    private int at;

    private Expression(String text, X86Cpu cpu, ElfSymbols symbols) {
        this.text = text;
        this.cpu = cpu;
        this.symbols = symbols;
    }

    static long evaluate(String text, X86Cpu cpu, ElfSymbols symbols) {
        Expression e = new Expression(text, cpu, symbols);
        long value = e.or();
        e.skipSpace();
        if (e.at < text.length()) {
            throw new DebugException("'" + e.rest() + "': unexpected in expression '" + text + "'");
        }
        return value;
    }

    private String rest() {
        return text.substring(at, Math.min(text.length(), at + 20));
    }

    private void skipSpace() {
        while (at < text.length() && text.charAt(at) == ' ') {
            at++;
        }
    }

    private boolean accept(String op) {
        skipSpace();
        if (text.startsWith(op, at)) {
            at += op.length();
            return true;
        }
        return false;
    }

    private long or() {
        long v = xor();
        while (accept("|")) {
            v |= xor();
        }
        return v;
    }

    private long xor() {
        long v = and();
        while (accept("^")) {
            v ^= and();
        }
        return v;
    }

    private long and() {
        long v = shift();
        while (accept("&")) {
            v &= shift();
        }
        return v;
    }

    private long shift() {
        long v = sum();
        while (true) {
            if (accept("<<")) {
                v <<= sum();
            } else if (accept(">>")) {
                v >>>= sum();
            } else {
                return v;
            }
        }
    }

    private long sum() {
        long v = product();
        while (true) {
            if (accept("+")) {
                v += product();
            } else if (accept("-")) {
                v -= product();
            } else {
                return v;
            }
        }
    }

    private long product() {
        long v = unary();
        while (true) {
            if (accept("*")) {
                v *= unary();
            } else if (accept("/")) {
                int start = at;
                long d = unary();
                if (d == 0) {
                    throw new DebugException("'" + text.substring(start).strip() + "': division by zero");
                }
                v = Long.divideUnsigned(v, d);
            } else {
                return v;
            }
        }
    }

    private long unary() {
        if (accept("-")) {
            return -unary();
        }
        if (accept("~")) {
            return ~unary();
        }
        if (accept("*")) {
            int start = at;
            long address = unary();
            byte[] word = new byte[8];
            if (!cpu.copyFromGuest(address, word, 0, 8)) {
                throw new DebugException("'" + text.substring(start).strip() + "': address 0x"
                        + Long.toHexString(address) + " is not mapped");
            }
            return java.nio.ByteBuffer.wrap(word).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        }
        return atom();
    }

    private long atom() {
        skipSpace();
        if (accept("(")) {
            long v = or();
            if (!accept(")")) {
                throw new DebugException("'" + rest() + "': expected ')' in '" + text + "'");
            }
            return v;
        }
        int start = at;
        while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)) || "_$.".indexOf(text.charAt(at)) >= 0)) {
            at++;
        }
        String token = text.substring(start, at);
        if (token.isEmpty()) {
            throw new DebugException("'" + rest() + "': expected a number, register or symbol in '" + text + "'");
        }
        return value(token);
    }

    private long value(String token) {
        String lower = token.toLowerCase(Locale.ROOT);
        try {
            if (lower.startsWith("0x")) {
                return Long.parseUnsignedLong(lower.substring(2), 16);
            }
            if (Character.isDigit(lower.charAt(0))) {
                return Long.parseUnsignedLong(lower);
            }
        } catch (NumberFormatException e) {
            throw new DebugException("'" + token + "': not a number");
        }
        String register = lower.startsWith("$") ? lower.substring(1) : lower;
        Long reg = Registers.read(cpu, register);
        if (reg != null) {
            return reg;
        }
        return symbols.named(token).map(ElfSymbols.Symbol::address)
                .orElseThrow(() -> new DebugException("'" + token + "': no such register or symbol"
                        + (symbols.size() == 0 ? " (no symbols loaded: see 'sym FILE')" : "")));
    }
}
