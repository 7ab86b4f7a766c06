package dev.trufflexen.x86.decoder;

import dev.trufflexen.x86.cpu.X86Segment;

/**
 * Intel-syntax text for one instruction, for crash reports and traces: e.g.
 * {@code mov rax, qword ptr [rbx+0x8]}. Works on the decoder's output, so it agrees with the CPU
 * about lengths and validity; opcodes the CPU decodes but does not name print as {@code (bad)}
 * only when invalid, else as their opcode bytes.
 */
public final class X86Disassembler {
    /** The text of an instruction and its length in bytes ("(bad)" with the bytes consumed when invalid). */
    public record Disassembly(String text, int length) {
    }

    private static final String[] ALU = {"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"};
    private static final String[] SHIFTS = {"rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar"};
    private static final String[] CONDITIONS = {"o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"};
    private static final String[] REG64 = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"};
    private static final String[] REG8_LEGACY = {"al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"};
    private static final String[] REG8_REX = {"al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil"};

    private X86Disassembler() {
    }

    public static Disassembly disassemble(byte[] code, int offset, long rip) {
        X86Instruction i = X86Decoder.decode(code, offset, rip);
        if (!i.isValid()) {
            return new Disassembly("(bad)", Math.max(1, i.length()));
        }
        return new Disassembly(text(i), i.length());
    }

    /** The text of an already decoded, valid instruction. */
    public static String text(X86Instruction i) {
        String body = body(i);
        String prefix = "";
        if (i.hasPrefix(X86Instruction.PREFIX_LOCK)) {
            prefix = "lock ";
        } else if (isString(i.opcode()) && i.hasPrefix(X86Instruction.PREFIX_REP)) {
            prefix = (i.opcode() & 0xF6) == 0xA6 ? "repe " : "rep ";
        } else if (isString(i.opcode()) && i.hasPrefix(X86Instruction.PREFIX_REPNE)) {
            prefix = "repne ";
        }
        return prefix + body;
    }

    private static boolean isString(int op) {
        return op >= 0xA4 && op <= 0xAF && op != 0xA8 && op != 0xA9;
    }

    private static String body(X86Instruction i) {
        int op = i.opcode();
        int size = i.operandSize();
        int group = i.reg() & 7;
        if (op < 0x40 && (op & 7) < 6) {
            String m = ALU[op >> 3];
            return switch (op & 7) {
                case 0, 1 -> m + " " + rm(i, size) + ", " + reg(i, size);
                case 2, 3 -> m + " " + reg(i, size) + ", " + rm(i, size);
                default -> m + " " + register(0, size, false) + ", " + imm(i.immediate(), size);
            };
        }
        if (op >= 0x50 && op <= 0x57) {
            return "push " + register((op & 7) | ((i.rex() & 1) << 3), size, true);
        }
        if (op >= 0x58 && op <= 0x5F) {
            return "pop " + register((op & 7) | ((i.rex() & 1) << 3), size, true);
        }
        if (op >= 0x70 && op <= 0x7F || op >= 0x180 && op <= 0x18F) {
            return "j" + CONDITIONS[op & 0xF] + " " + hex(i.branchTarget());
        }
        if (op >= 0x140 && op <= 0x14F) {
            return "cmov" + CONDITIONS[op & 0xF] + " " + reg(i, size) + ", " + rm(i, size);
        }
        if (op >= 0x190 && op <= 0x19F) {
            return "set" + CONDITIONS[op & 0xF] + " " + rm(i, 1);
        }
        if (op >= 0x91 && op <= 0x97) {
            return "xchg " + register((op & 7) | ((i.rex() & 1) << 3), size, true) + ", " + register(0, size, false);
        }
        if (op >= 0xB0 && op <= 0xBF) {
            int width = op < 0xB8 ? 1 : size;
            return (width == 8 ? "movabs " : "mov ") + register((op & 7) | ((i.rex() & 1) << 3), width, i.hasRex()) + ", " + hex(i.immediate() & mask(width));
        }
        if (op >= 0x1C8 && op <= 0x1CF) {
            return "bswap " + register((op & 7) | ((i.rex() & 1) << 3), size, true);
        }
        switch (op) {
            case 0x63: return "movsxd " + reg(i, size) + ", " + rm(i, 4);
            case 0x68, 0x6A: return "push " + imm(i.immediate(), size);
            case 0x69, 0x6B: return "imul " + reg(i, size) + ", " + rm(i, size) + ", " + imm(i.immediate(), size);
            case 0x80, 0x81, 0x83: return ALU[group] + " " + rm(i, size) + ", " + imm(i.immediate(), size);
            case 0x84, 0x85: return "test " + rm(i, size) + ", " + reg(i, size);
            case 0x86, 0x87: return "xchg " + rm(i, size) + ", " + reg(i, size);
            case 0x88, 0x89: return "mov " + rm(i, size) + ", " + reg(i, size);
            case 0x8A, 0x8B: return "mov " + reg(i, size) + ", " + rm(i, size);
            case 0x8C: return "mov " + rm(i, i.hasMemory() ? 2 : size) + ", " + X86Segment.name(Math.min(group, 5));
            case 0x8D: return "lea " + reg(i, size) + ", " + memory(i, 0);
            case 0x8E: return "mov " + X86Segment.name(Math.min(group, 5)) + ", " + rm(i, 2);
            case 0x8F: return "pop " + rm(i, size);
            case 0x90: return (i.rex() & 1) != 0 ? "xchg r8, rax" : i.hasPrefix(X86Instruction.PREFIX_REP) ? "pause" : "nop";
            case 0x98: return size == 2 ? "cbw" : size == 4 ? "cwde" : "cdqe";
            case 0x99: return size == 2 ? "cwd" : size == 4 ? "cdq" : "cqo";
            case 0x9B: return "fwait";
            case 0x9C: return "pushf";
            case 0x9D: return "popf";
            case 0x9E: return "sahf";
            case 0x9F: return "lahf";
            case 0xA0, 0xA1: return "movabs " + register(0, size, false) + ", " + sizeName(size) + " ptr " + segment(i) + "[" + hex(i.immediate()) + "]";
            case 0xA2, 0xA3: return "movabs " + sizeName(size) + " ptr " + segment(i) + "[" + hex(i.immediate()) + "], " + register(0, size, false);
            case 0xA4, 0xA5: return "movs" + suffix(size);
            case 0xA6, 0xA7: return "cmps" + suffix(size);
            case 0xAA, 0xAB: return "stos" + suffix(size);
            case 0xAC, 0xAD: return "lods" + suffix(size);
            case 0xAE, 0xAF: return "scas" + suffix(size);
            case 0xA8, 0xA9: return "test " + register(0, size, false) + ", " + imm(i.immediate(), size);
            case 0xC0, 0xC1: return SHIFTS[group] + " " + rm(i, size) + ", " + hex(i.immediate() & 0xFF);
            case 0xD0, 0xD1: return SHIFTS[group] + " " + rm(i, size) + ", 1";
            case 0xD2, 0xD3: return SHIFTS[group] + " " + rm(i, size) + ", cl";
            case 0xC2: return "ret " + hex(i.immediate());
            case 0xC3: return "ret";
            case 0xC6, 0xC7: return "mov " + rm(i, size) + ", " + imm(i.immediate(), size);
            case 0xC8: return "enter " + hex(i.immediate()) + ", " + hex(i.immediate2());
            case 0xC9: return "leave";
            case 0xCA: return "retf " + hex(i.immediate());
            case 0xCB: return "retf";
            case 0xCC: return "int3";
            case 0xCD: return "int " + hex(i.immediate() & 0xFF);
            case 0xCF: return size == 8 ? "iretq" : "iret";
            case 0xE0: return "loopne " + hex(i.branchTarget());
            case 0xE1: return "loope " + hex(i.branchTarget());
            case 0xE2: return "loop " + hex(i.branchTarget());
            case 0xE3: return "jrcxz " + hex(i.branchTarget());
            case 0xE8: return "call " + hex(i.branchTarget());
            case 0xE9, 0xEB: return "jmp " + hex(i.branchTarget());
            case 0xE4, 0xE5: return "in " + register(0, size, false) + ", " + hex(i.immediate() & 0xFF);
            case 0xE6, 0xE7: return "out " + hex(i.immediate() & 0xFF) + ", " + register(0, size, false);
            case 0xEC, 0xED: return "in " + register(0, size, false) + ", dx";
            case 0xEE, 0xEF: return "out dx, " + register(0, size, false);
            case 0xF1: return "int1";
            case 0xF4: return "hlt";
            case 0xF5: return "cmc";
            case 0xF8: return "clc";
            case 0xF9: return "stc";
            case 0xFA: return "cli";
            case 0xFB: return "sti";
            case 0xFC: return "cld";
            case 0xFD: return "std";
            case 0xF6, 0xF7: {
                String[] names = {"test", "test", "not", "neg", "mul", "imul", "div", "idiv"};
                return names[group] + " " + rm(i, size) + (group <= 1 ? ", " + imm(i.immediate(), size) : "");
            }
            case 0xFE: return (group == 0 ? "inc " : "dec ") + rm(i, size);
            case 0xFF: {
                String[] names = {"inc", "dec", "call", "call far", "jmp", "jmp far", "push", "(bad)"};
                return names[group] + " " + rm(i, size);
            }
            case 0x105: return "syscall";
            case 0x107: return "sysret";
            case 0x10B: return "ud2";
            case 0x11F: return "nop " + rm(i, size);
            case 0x11E: return i.hasPrefix(X86Instruction.PREFIX_REP) && !i.hasMemory() && i.rm() == 2 && (i.reg() & 7) == 7 ? "endbr64" : "nop " + rm(i, size);
            case 0x130: return "wrmsr";
            case 0x131: return "rdtsc";
            case 0x132: return "rdmsr";
            case 0x1A2: return "cpuid";
            case 0x1A0: return "push fs";
            case 0x1A1: return "pop fs";
            case 0x1A8: return "push gs";
            case 0x1A9: return "pop gs";
            case 0x1A3: return "bt " + rm(i, size) + ", " + reg(i, size);
            case 0x1AB: return "bts " + rm(i, size) + ", " + reg(i, size);
            case 0x1B3: return "btr " + rm(i, size) + ", " + reg(i, size);
            case 0x1BB: return "btc " + rm(i, size) + ", " + reg(i, size);
            case 0x1BA: return new String[] {"", "", "", "", "bt", "bts", "btr", "btc"}[group] + " " + rm(i, size) + ", " + hex(i.immediate() & 0xFF);
            case 0x1A4: return "shld " + rm(i, size) + ", " + reg(i, size) + ", " + hex(i.immediate() & 0xFF);
            case 0x1A5: return "shld " + rm(i, size) + ", " + reg(i, size) + ", cl";
            case 0x1AC: return "shrd " + rm(i, size) + ", " + reg(i, size) + ", " + hex(i.immediate() & 0xFF);
            case 0x1AD: return "shrd " + rm(i, size) + ", " + reg(i, size) + ", cl";
            case 0x1AF: return "imul " + reg(i, size) + ", " + rm(i, size);
            case 0x1B0, 0x1B1: return "cmpxchg " + rm(i, size) + ", " + reg(i, size);
            case 0x1C0, 0x1C1: return "xadd " + rm(i, size) + ", " + reg(i, size);
            case 0x1B6: return "movzx " + reg(i, size) + ", " + rm(i, 1);
            case 0x1B7: return "movzx " + reg(i, size) + ", " + rm(i, 2);
            case 0x1BE: return "movsx " + reg(i, size) + ", " + rm(i, 1);
            case 0x1BF: return "movsx " + reg(i, size) + ", " + rm(i, 2);
            case 0x1BC: return "bsf " + reg(i, size) + ", " + rm(i, size);
            case 0x1BD: return "bsr " + reg(i, size) + ", " + rm(i, size);
            default:
                return String.format("(opcode %s0x%02x)", op >= 0x300 ? "0f 3a " : op >= 0x200 ? "0f 38 " : op >= 0x100 ? "0f " : "", op & 0xFF);
        }
    }

    private static String suffix(int size) {
        return switch (size) {
            case 1 -> "b";
            case 2 -> "w";
            case 4 -> "d";
            default -> "q";
        };
    }

    private static long mask(int size) {
        return size == 8 ? -1L : (1L << (8 * size)) - 1;
    }

    private static String imm(long value, int size) {
        return hex(value & mask(size));
    }

    private static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }

    private static String sizeName(int size) {
        return switch (size) {
            case 1 -> "byte";
            case 2 -> "word";
            case 4 -> "dword";
            default -> "qword";
        };
    }

    static String register(int reg, int size, boolean rex) {
        return switch (size) {
            case 8 -> REG64[reg];
            case 4 -> reg < 8 ? "e" + REG64[reg].substring(1) : REG64[reg] + "d";
            case 2 -> reg < 8 ? REG64[reg].substring(1) : REG64[reg] + "w";
            default -> reg >= 8 ? REG64[reg] + "b" : rex ? REG8_REX[reg] : REG8_LEGACY[reg];
        };
    }

    private static String reg(X86Instruction i, int size) {
        return register(i.reg(), size, i.hasRex());
    }

    private static String rm(X86Instruction i, int size) {
        return i.hasMemory() ? memory(i, size) : register(i.rm(), size, i.hasRex());
    }

    private static String segment(X86Instruction i) {
        return i.segment() == X86Segment.FS ? "fs:" : i.segment() == X86Segment.GS ? "gs:" : "";
    }

    /** {@code size} 0 prints no size (LEA). */
    private static String memory(X86Instruction i, int size) {
        StringBuilder sb = new StringBuilder();
        if (size != 0) {
            sb.append(sizeName(size)).append(" ptr ");
        }
        sb.append(segment(i)).append('[');
        boolean addressSize32 = i.addressSize() == 4;
        if (i.ripRelative()) {
            long displacement = i.displacement() - i.nextRip();
            sb.append(addressSize32 ? "eip" : "rip").append(displacement < 0 ? "-" : "+").append(hex(Math.abs(displacement)));
            return sb.append(']').toString();
        }
        boolean first = true;
        if (i.base() != X86Instruction.NO_REGISTER) {
            sb.append(register(i.base(), addressSize32 ? 4 : 8, true));
            first = false;
        }
        if (i.index() != X86Instruction.NO_REGISTER) {
            sb.append(first ? "" : "+").append(register(i.index(), addressSize32 ? 4 : 8, true)).append('*').append(1 << i.scaleShift());
            first = false;
        }
        long displacement = i.displacement();
        if (first) {
            sb.append(hex(addressSize32 ? displacement & 0xFFFF_FFFFL : displacement));
        } else if (displacement != 0) {
            sb.append(displacement < 0 ? "-" : "+").append(hex(Math.abs(displacement)));
        }
        return sb.append(']').toString();
    }
}
