package dev.trufflexen.x86.decoder;

import static dev.trufflexen.x86.decoder.X86OpcodeTable.BYTE;
import static dev.trufflexen.x86.decoder.X86OpcodeTable.DEFAULT64;
import static dev.trufflexen.x86.decoder.X86OpcodeTable.FORCE64;
import static dev.trufflexen.x86.decoder.X86OpcodeTable.GROUP;
import static dev.trufflexen.x86.decoder.X86OpcodeTable.IMM16;
import static dev.trufflexen.x86.decoder.X86OpcodeTable.IMM16_8;
import static dev.trufflexen.x86.decoder.X86OpcodeTable.IMM8;
import static dev.trufflexen.x86.decoder.X86OpcodeTable.IMMV;
import static dev.trufflexen.x86.decoder.X86OpcodeTable.IMMZ;
import static dev.trufflexen.x86.decoder.X86OpcodeTable.INVALID;
import static dev.trufflexen.x86.decoder.X86OpcodeTable.LOCKABLE;
import static dev.trufflexen.x86.decoder.X86OpcodeTable.MODRM;
import static dev.trufflexen.x86.decoder.X86OpcodeTable.MOFFS;

import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.cpu.X86Segment;
import dev.trufflexen.x86.mmu.X86Mmu;

/**
 * Decodes and validates one long-mode instruction: legacy prefixes, REX, opcode (one-byte, 0F,
 * 0F38, 0F3A maps), ModRM/SIB/displacement and immediates, driven by {@link X86OpcodeTable}.
 *
 * <p>Decoding never throws: any byte string yields either a valid {@link X86Instruction} or one
 * whose {@link X86Instruction#fault()} says what the CPU would raise: #UD for encodings invalid
 * in 64-bit mode (or LOCK where it is not allowed), #GP(0) for instructions longer than 15 bytes,
 * #PF (with the fetch bit) when a byte cannot be fetched.
 */
public final class X86Decoder {
    public static final int MAX_LENGTH = 15;

    private final X86CodeSource source;
    private final X86Instruction insn = new X86Instruction();
    private int position;

    private X86Decoder(X86CodeSource source, long rip) {
        this.source = source;
        insn.rip = rip;
    }

    public static X86Instruction decode(X86CodeSource source, long rip) {
        X86Decoder decoder = new X86Decoder(source, rip);
        decoder.run();
        decoder.insn.length = decoder.position;
        return decoder.insn;
    }

    public static X86Instruction decode(byte[] code, int offset, long rip) {
        return decode(X86CodeSource.of(code, offset, rip), rip);
    }

    /** Next byte, or -1 with {@code insn.fault} set. */
    private int next() {
        if (insn.fault != null) {
            return -1;
        }
        if (position >= MAX_LENGTH) {
            insn.fault = X86Fault.withErrorCode(X86Fault.GP, 0);
            return -1;
        }
        long address = insn.rip + position;
        long value = source.byteAt(address);
        if (value < 0) {
            insn.fault = X86Mmu.faultFor(value, address);
            return -1;
        }
        position++;
        return (int) value;
    }

    /** Little-endian value of {@code count} bytes, zero-extended (0 after a fault). */
    private long read(int count) {
        long value = 0;
        for (int i = 0; i < count; i++) {
            int b = next();
            if (b < 0) {
                return 0;
            }
            value |= (long) b << (8 * i);
        }
        return value;
    }

    private void undefined() {
        if (insn.fault == null) {
            insn.fault = X86Fault.of(X86Fault.UD);
        }
    }

    private void run() {
        int b;
        while (true) {
            b = next();
            if (b < 0) {
                return;
            }
            if (b >= 0x40 && b <= 0x4F) {
                insn.rex = b;
                continue;
            }
            if (!isLegacyPrefix(b)) {
                break;
            }
            switch (b) {
                case 0x66 -> insn.prefixes |= X86Instruction.PREFIX_OPERAND_SIZE;
                case 0x67 -> insn.prefixes |= X86Instruction.PREFIX_ADDRESS_SIZE;
                case 0xF0 -> insn.prefixes |= X86Instruction.PREFIX_LOCK;
                case 0xF2 -> insn.prefixes = (insn.prefixes & ~X86Instruction.PREFIX_REP) | X86Instruction.PREFIX_REPNE;
                case 0xF3 -> insn.prefixes = (insn.prefixes & ~X86Instruction.PREFIX_REPNE) | X86Instruction.PREFIX_REP;
                case 0x64 -> insn.segment = X86Segment.FS;
                case 0x65 -> insn.segment = X86Segment.GS;
                default -> insn.segment = X86Instruction.NO_SEGMENT;
            }
            insn.rex = 0; // a REX prefix only counts right before the opcode
        }
        int opcode = b;
        if (b == 0x0F) {
            int second = next();
            if (second < 0) {
                return;
            }
            if (second == 0x38 || second == 0x3A) {
                int third = next();
                if (third < 0) {
                    return;
                }
                opcode = (second == 0x38 ? 0x200 : 0x300) | third;
            } else {
                opcode = 0x100 | second;
            }
        }
        insn.opcode = opcode;
        int attributes = X86OpcodeTable.attributes(opcode);
        boolean undefinedOpcode = (attributes & INVALID) != 0;
        if (undefinedOpcode) {
            // The processor still fetches the whole instruction before raising #UD.
            attributes = X86UndefinedEncodings.fetchedAttributes(opcode);
        }
        boolean operandSizePrefix = insn.hasPrefix(X86Instruction.PREFIX_OPERAND_SIZE);
        if ((attributes & BYTE) != 0) {
            insn.operandSize = 1;
        } else if (insn.rexW() || (attributes & FORCE64) != 0) {
            insn.operandSize = 8;
        } else if ((attributes & DEFAULT64) != 0) {
            insn.operandSize = operandSizePrefix ? 2 : 8;
        } else {
            insn.operandSize = operandSizePrefix ? 2 : 4;
        }
        insn.addressSize = insn.hasPrefix(X86Instruction.PREFIX_ADDRESS_SIZE) ? 4 : 8;
        if ((attributes & MODRM) != 0 && !decodeModrm(opcode)) {
            return;
        }
        if (opcode == 0xFF) {
            // Group 5's near CALL/JMP are always 64-bit and PUSH defaults to 64, unlike INC/DEC.
            int operation = insn.reg & 7;
            if (operation == 2 || operation == 4) {
                insn.operandSize = 8;
            } else if (operation == 6) {
                insn.operandSize = operandSizePrefix && !insn.rexW() ? 2 : 8;
            }
        }
        boolean valid = !undefinedOpcode && validate(opcode, attributes);
        decodeImmediates(opcode, attributes);
        if (undefinedOpcode) {
            read(X86UndefinedEncodings.farPointerBytes(opcode, insn.operandSize));
        }
        if (!valid) {
            undefined(); // after the fetch: a fetch fault on the rest of the instruction comes first
            return;
        }
        if (insn.fault == null && insn.ripRelative) {
            long target = insn.rip + position + insn.displacement;
            insn.displacement = insn.addressSize == 4 ? target & 0xFFFF_FFFFL : target;
        }
    }

    private static boolean isLegacyPrefix(int b) {
        return switch (b) {
            case 0x66, 0x67, 0xF0, 0xF2, 0xF3, 0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65 -> true;
            default -> false;
        };
    }

    private boolean decodeModrm(int opcode) {
        int modrm = next();
        if (modrm < 0) {
            return false;
        }
        int rex = insn.rex;
        insn.hasModrm = true;
        insn.mod = modrm >> 6;
        insn.reg = ((modrm >> 3) & 7) | ((rex & 4) << 1);
        int rmLow = modrm & 7;
        boolean registerForm = insn.mod == 3 || (opcode >= 0x120 && opcode <= 0x123);
        if (registerForm) {
            insn.rm = rmLow | ((rex & 1) << 3);
            return true;
        }
        insn.hasMemory = true;
        insn.rm = rmLow | ((rex & 1) << 3);
        boolean disp32 = insn.mod == 2;
        if (rmLow == 4) {
            int sib = next();
            if (sib < 0) {
                return false;
            }
            insn.scaleShift = sib >> 6;
            int index = ((sib >> 3) & 7) | ((rex & 2) << 2);
            insn.index = index == 4 ? X86Instruction.NO_REGISTER : index;
            int baseLow = sib & 7;
            if (baseLow == 5 && insn.mod == 0) {
                insn.base = X86Instruction.NO_REGISTER;
                disp32 = true;
            } else {
                insn.base = baseLow | ((rex & 1) << 3);
            }
        } else if (rmLow == 5 && insn.mod == 0) {
            insn.ripRelative = true;
            disp32 = true;
        } else {
            insn.base = rmLow | ((rex & 1) << 3);
        }
        if (insn.mod == 1) {
            insn.displacement = (byte) read(1);
        } else if (disp32) {
            insn.displacement = (int) read(4);
        }
        return insn.fault == null;
    }

    /** True when the encoding exists and LOCK, if present, is allowed on it. */
    private boolean validate(int opcode, int attributes) {
        boolean lockable = (attributes & LOCKABLE) != 0;
        if ((attributes & GROUP) != 0) {
            int rule = X86OpcodeTable.groupRule(opcode, insn.reg, insn.hasMemory);
            if (rule == 0) {
                return false;
            }
            lockable = (rule & 2) != 0;
        }
        // LOCK MOV to/from CR0 is AMD's alternative encoding of CR8; the translator decides.
        boolean controlRegisterMove = opcode == 0x120 || opcode == 0x122;
        if (insn.hasPrefix(X86Instruction.PREFIX_LOCK) && !(lockable && insn.hasMemory) && !controlRegisterMove) {
            return false;
        }
        if (opcode == 0x8D && !insn.hasMemory) {
            return false;
        }
        return true;
    }

    private void decodeImmediates(int opcode, int attributes) {
        if ((attributes & IMM8) != 0) {
            insn.immediateSize = 1;
            insn.immediate = (byte) read(1);
        } else if ((attributes & IMMZ) != 0) {
            immediateZ(attributes);
        } else if ((attributes & IMM16) != 0) {
            insn.immediateSize = 2;
            insn.immediate = read(2);
        } else if ((attributes & IMMV) != 0) {
            insn.immediateSize = insn.operandSize;
            insn.immediate = read(insn.operandSize);
        } else if ((attributes & MOFFS) != 0) {
            insn.immediateSize = insn.addressSize;
            insn.immediate = read(insn.addressSize);
        } else if ((attributes & IMM16_8) != 0) {
            insn.immediateSize = 2;
            insn.immediate = read(2);
            insn.immediate2 = read(1);
        } else if ((opcode == 0xF6 || opcode == 0xF7) && (insn.reg & 7) <= 1) {
            if (opcode == 0xF6) {
                insn.immediateSize = 1;
                insn.immediate = (byte) read(1);
            } else {
                immediateZ(attributes);
            }
        }
    }

    private void immediateZ(int attributes) {
        if (insn.operandSize == 2 && (attributes & FORCE64) == 0) {
            insn.immediateSize = 2;
            insn.immediate = (short) read(2);
        } else {
            insn.immediateSize = 4;
            insn.immediate = (int) read(4);
        }
    }
}
