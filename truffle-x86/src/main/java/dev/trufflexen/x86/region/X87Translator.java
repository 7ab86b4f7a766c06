package dev.trufflexen.x86.region;

import static dev.trufflexen.x86.nodes.x87.X87Operations.BCD;
import static dev.trufflexen.x86.nodes.x87.X87Operations.I16;
import static dev.trufflexen.x86.nodes.x87.X87Operations.I16_TRUNCATE;
import static dev.trufflexen.x86.nodes.x87.X87Operations.I32;
import static dev.trufflexen.x86.nodes.x87.X87Operations.I32_TRUNCATE;
import static dev.trufflexen.x86.nodes.x87.X87Operations.I64;
import static dev.trufflexen.x86.nodes.x87.X87Operations.I64_TRUNCATE;
import static dev.trufflexen.x86.nodes.x87.X87Operations.M32;
import static dev.trufflexen.x86.nodes.x87.X87Operations.M64;
import static dev.trufflexen.x86.nodes.x87.X87Operations.M80;
import static dev.trufflexen.x86.nodes.x87.X87Operations.ST;

import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.decoder.X86Instruction;
import dev.trufflexen.x86.nodes.X86AddressNode;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.nodes.x87.X87ArithmeticNode;
import dev.trufflexen.x86.nodes.x87.X87CompareNode;
import dev.trufflexen.x86.nodes.x87.X87ConstantNode;
import dev.trufflexen.x86.nodes.x87.X87ControlNode;
import dev.trufflexen.x86.nodes.x87.X87LoadNode;
import dev.trufflexen.x86.nodes.x87.X87RegisterNode;
import dev.trufflexen.x86.nodes.x87.X87StoreNode;

/**
 * Turns the x87 escape opcodes D8-DF (and FWAIT, 9B) into nodes. The memory forms select an
 * operation and an operand format by ModRM.reg; the register forms (mod 3) an operation by
 * ModRM.reg and ST(i) by ModRM.rm (REX.B is ignored). The undocumented aliases the hardware
 * executes are included: FCOM2/FCOMP3 (DC D0-DF), FXCH4 (DD C8), FCOMP5 (DE D0), FXCH7 (DF C8),
 * FSTP1/FSTP8/FSTP9 (D9 D8, DF D0, DF D8), FFREEP (DF C0) and the 8087/80287 FNENI, FNDISI and
 * FNSETPM (DB E0, E1, E4) as no-ops. Reserved encodings are #UD.
 */
final class X87Translator {
    private static final int[] FCMOV_CONDITIONS = {0x2, 0x4, 0x6, 0xA};

    private X87Translator() {
    }

    static X86Translation translate(X86Instruction i, X86OperandFactory f) {
        X86InstructionNode node = i.hasMemory() ? memoryForm(i, f) : registerForm(i, f);
        if (node == null) {
            return X86OneByteTranslator.fault(i, X86Fault.of(X86Fault.UD));
        }
        return X86Translation.next(node);
    }

    static X86Translation wait(X86Instruction i) {
        return X86Translation.next(new X87ControlNode(i.rip(), i.length(), 0, null, X87ControlNode.FWAIT, false));
    }

    private static int fop(X86Instruction i) {
        return ((i.opcode() & 7) << 8) | (i.mod() << 6) | ((i.reg() & 7) << 3) | (i.rm() & 7);
    }

    private static X86InstructionNode memoryForm(X86Instruction i, X86OperandFactory f) {
        long rip = i.rip();
        int len = i.length();
        int fop = fop(i);
        int reg = i.reg() & 7;
        X86AddressNode a = f.address(i);
        boolean layout16 = i.operandSize() == 2;
        switch (i.opcode()) {
            case 0xD8:
                return arithmeticOrCompare(rip, len, fop, a, reg, M32);
            case 0xDA:
                return arithmeticOrCompare(rip, len, fop, a, reg, I32);
            case 0xDC:
                return arithmeticOrCompare(rip, len, fop, a, reg, M64);
            case 0xDE:
                return arithmeticOrCompare(rip, len, fop, a, reg, I16);
            case 0xD9:
                return switch (reg) {
                    case 0 -> new X87LoadNode(rip, len, fop, a, M32, 0);
                    case 2 -> new X87StoreNode(rip, len, fop, a, M32, 0, false);
                    case 3 -> new X87StoreNode(rip, len, fop, a, M32, 0, true);
                    case 4 -> new X87ControlNode(rip, len, fop, a, X87ControlNode.FLDENV, layout16);
                    case 5 -> new X87ControlNode(rip, len, fop, a, X87ControlNode.FLDCW, false);
                    case 6 -> new X87ControlNode(rip, len, fop, a, X87ControlNode.FNSTENV, layout16);
                    case 7 -> new X87ControlNode(rip, len, fop, a, X87ControlNode.FNSTCW, false);
                    default -> null;
                };
            case 0xDB:
                return switch (reg) {
                    case 0 -> new X87LoadNode(rip, len, fop, a, I32, 0);
                    case 1 -> new X87StoreNode(rip, len, fop, a, I32_TRUNCATE, 0, true);
                    case 2 -> new X87StoreNode(rip, len, fop, a, I32, 0, false);
                    case 3 -> new X87StoreNode(rip, len, fop, a, I32, 0, true);
                    case 5 -> new X87LoadNode(rip, len, fop, a, M80, 0);
                    case 7 -> new X87StoreNode(rip, len, fop, a, M80, 0, true);
                    default -> null;
                };
            case 0xDD:
                return switch (reg) {
                    case 0 -> new X87LoadNode(rip, len, fop, a, M64, 0);
                    case 1 -> new X87StoreNode(rip, len, fop, a, I64_TRUNCATE, 0, true);
                    case 2 -> new X87StoreNode(rip, len, fop, a, M64, 0, false);
                    case 3 -> new X87StoreNode(rip, len, fop, a, M64, 0, true);
                    case 4 -> new X87ControlNode(rip, len, fop, a, X87ControlNode.FRSTOR, layout16);
                    case 6 -> new X87ControlNode(rip, len, fop, a, X87ControlNode.FNSAVE, layout16);
                    case 7 -> new X87ControlNode(rip, len, fop, a, X87ControlNode.FNSTSW, false);
                    default -> null;
                };
            default: // 0xDF
                return switch (reg) {
                    case 0 -> new X87LoadNode(rip, len, fop, a, I16, 0);
                    case 1 -> new X87StoreNode(rip, len, fop, a, I16_TRUNCATE, 0, true);
                    case 2 -> new X87StoreNode(rip, len, fop, a, I16, 0, false);
                    case 3 -> new X87StoreNode(rip, len, fop, a, I16, 0, true);
                    case 4 -> new X87LoadNode(rip, len, fop, a, BCD, 0);
                    case 5 -> new X87LoadNode(rip, len, fop, a, I64, 0);
                    case 6 -> new X87StoreNode(rip, len, fop, a, BCD, 0, true);
                    default -> new X87StoreNode(rip, len, fop, a, I64, 0, true);
                };
        }
    }

    private static X86InstructionNode arithmeticOrCompare(long rip, int len, int fop, X86AddressNode a, int reg, int kind) {
        if (reg == 2 || reg == 3) {
            return new X87CompareNode(rip, len, fop, a, kind, 0, false, reg - 2, false);
        }
        return new X87ArithmeticNode(rip, len, fop, a, reg, kind, 0, false, false);
    }

    private static X86InstructionNode registerForm(X86Instruction i, X86OperandFactory f) {
        long rip = i.rip();
        int len = i.length();
        int fop = fop(i);
        int reg = i.reg() & 7;
        int sti = i.rm() & 7;
        switch (i.opcode()) {
            case 0xD8:
                if (reg == 2 || reg == 3) {
                    return new X87CompareNode(rip, len, fop, null, ST, sti, false, reg - 2, false);
                }
                return new X87ArithmeticNode(rip, len, fop, null, reg, ST, sti, false, false);
            case 0xD9:
                return d9(rip, len, fop, reg, sti);
            case 0xDA:
                if (reg < 4) {
                    return new X87RegisterNode(rip, len, fop, X87RegisterNode.FCMOV, sti, FCMOV_CONDITIONS[reg]);
                }
                if (reg == 5 && sti == 1) {
                    return new X87CompareNode(rip, len, fop, null, ST, 1, true, 2, false);
                }
                return null;
            case 0xDB:
                if (reg < 4) {
                    return new X87RegisterNode(rip, len, fop, X87RegisterNode.FCMOV, sti, FCMOV_CONDITIONS[reg] | 1);
                }
                if (reg == 4) {
                    return switch (sti) {
                        case 0, 1, 4 -> new X87ControlNode(rip, len, fop, null, X87ControlNode.LEGACY_NOP, false);
                        case 2 -> new X87ControlNode(rip, len, fop, null, X87ControlNode.FNCLEX, false);
                        case 3 -> new X87ControlNode(rip, len, fop, null, X87ControlNode.FNINIT, false);
                        default -> null;
                    };
                }
                if (reg == 5 || reg == 6) {
                    return new X87CompareNode(rip, len, fop, null, ST, sti, reg == 5, 0, true);
                }
                return null;
            case 0xDC:
                if (reg == 2 || reg == 3) {
                    return new X87CompareNode(rip, len, fop, null, ST, sti, false, reg - 2, false);
                }
                return new X87ArithmeticNode(rip, len, fop, null, reg, ST, sti, true, false);
            case 0xDD:
                return switch (reg) {
                    case 0 -> new X87RegisterNode(rip, len, fop, X87RegisterNode.FFREE, sti, 0);
                    case 1 -> new X87RegisterNode(rip, len, fop, X87RegisterNode.FXCH, sti, 0);
                    case 2 -> new X87StoreNode(rip, len, fop, null, ST, sti, false);
                    case 3 -> new X87StoreNode(rip, len, fop, null, ST, sti, true);
                    case 4 -> new X87CompareNode(rip, len, fop, null, ST, sti, true, 0, false);
                    case 5 -> new X87CompareNode(rip, len, fop, null, ST, sti, true, 1, false);
                    default -> null;
                };
            case 0xDE:
                if (reg == 2) {
                    return new X87CompareNode(rip, len, fop, null, ST, sti, false, 1, false);
                }
                if (reg == 3) {
                    return sti == 1 ? new X87CompareNode(rip, len, fop, null, ST, 1, false, 2, false) : null;
                }
                return new X87ArithmeticNode(rip, len, fop, null, reg, ST, sti, true, true);
            default: // 0xDF
                return switch (reg) {
                    case 0 -> new X87RegisterNode(rip, len, fop, X87RegisterNode.FFREEP, sti, 0);
                    case 1 -> new X87RegisterNode(rip, len, fop, X87RegisterNode.FXCH, sti, 0);
                    case 2, 3 -> new X87StoreNode(rip, len, fop, null, ST, sti, true);
                    case 4 -> {
                        if (sti != 0) {
                            yield null;
                        }
                        f.touch(X86Reg.RAX);
                        yield new X87ControlNode(rip, len, fop, null, X87ControlNode.FNSTSW_AX, false);
                    }
                    case 5, 6 -> new X87CompareNode(rip, len, fop, null, ST, sti, reg == 5, 1, true);
                    default -> null;
                };
        }
    }

    private static X86InstructionNode d9(long rip, int len, int fop, int reg, int sti) {
        switch (reg) {
            case 0:
                return new X87LoadNode(rip, len, fop, null, ST, sti);
            case 1:
                return new X87RegisterNode(rip, len, fop, X87RegisterNode.FXCH, sti, 0);
            case 2:
                return sti == 0 ? new X87RegisterNode(rip, len, fop, X87RegisterNode.FNOP, 0, 0) : null;
            case 3:
                return new X87StoreNode(rip, len, fop, null, ST, sti, true, true);
            case 4:
                return switch (sti) {
                    case 0 -> new X87RegisterNode(rip, len, fop, X87RegisterNode.FCHS, 0, 0);
                    case 1 -> new X87RegisterNode(rip, len, fop, X87RegisterNode.FABS, 0, 0);
                    case 4 -> new X87CompareNode(rip, len, fop, null, X87CompareNode.ZERO, 0, false, 0, false);
                    case 5 -> new X87RegisterNode(rip, len, fop, X87RegisterNode.FXAM, 0, 0);
                    default -> null;
                };
            case 5:
                return sti == 7 ? null : new X87ConstantNode(rip, len, fop, sti);
            case 6: {
                int[] ops = {X87RegisterNode.F2XM1, X87RegisterNode.FYL2X, X87RegisterNode.FPTAN, X87RegisterNode.FPATAN,
                    X87RegisterNode.FXTRACT, X87RegisterNode.FPREM1, X87RegisterNode.FDECSTP, X87RegisterNode.FINCSTP};
                return new X87RegisterNode(rip, len, fop, ops[sti], 0, 0);
            }
            default: {
                int[] ops = {X87RegisterNode.FPREM, X87RegisterNode.FYL2XP1, X87RegisterNode.FSQRT, X87RegisterNode.FSINCOS,
                    X87RegisterNode.FRNDINT, X87RegisterNode.FSCALE, X87RegisterNode.FSIN, X87RegisterNode.FCOS};
                return new X87RegisterNode(rip, len, fop, ops[sti], 0, 0);
            }
        }
    }
}
