package dev.trufflexen.xen.pv;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.cpu.X86Rflags;
import dev.trufflexen.x86.cpu.X86Segment;
import dev.trufflexen.xen.abi.X86Pv;
import dev.trufflexen.xen.domain.Vcpu;

/**
 * A native {@code iretq} (REX.W CF) or {@code iretd} (CF) executed by a 64-bit PV guest at
 * CPL 3, carried out as the hardware would under Xen: Xen never sees this instruction, which on
 * real hardware is an ordinary IA-32e-mode IRET whose descriptors come from Xen's GDT. The CPU
 * leaves IRET at CPL 3 to its platform (#GP(0)); this class is what the hardware does instead
 * (SDM Vol. 2A, IRET, IA-32e-MODE-RETURN).
 * <ol>
 * <li>RFLAGS.NT set: #GP(0) (no task return in IA-32e mode).
 * <li>RIP, CS, RFLAGS, RSP, SS are read from the stack (8 bytes each, 4 for {@code iretd}):
 * a non-canonical stack address is #SS(0), an unmapped or unreadable one #PF; nothing has
 * changed yet.
 * <li>A null CS, a non-canonical RIP or a null SS is #GP(0).
 * <li>A CS other than the flat ring-3 code selectors with RPL 3 is #GP(selector): RPL &lt; 3 is a
 * return to more privilege, and every other GDT slot is a data segment, a ring-0 descriptor
 * (DPL &ne; RPL) or empty. An SS other than the flat ring-3 stack selector is #GP(selector).
 * <li>Otherwise RIP, CS, RSP and SS load, and RFLAGS takes CF PF AF ZF SF TF DF OF NT RF AC ID
 * from the frame; IF and IOPL stay (CPL 3 &gt; IOPL 0, Xen keeps the PV guest's virtual IOPL
 * elsewhere), as do VM, VIF and VIP (CPL &ne; 0); reserved bit 1 stays set.
 * </ol>
 * The event upcall mask is not touched: only the iret hypercall does that. A return to the
 * 32-bit code selector would enter compatibility mode, which TruffleXen does not run: it stops
 * the domain with a report. The 16-bit form ({@code 66 CF}) is not carried out and stays #GP(0).
 */
final class SamePrivilegeIret {
    static final int OPCODE = 0xCF;
    private static final int SLOTS = 5;
    private static final long LOADED_FLAGS = X86Rflags.STATUS | X86Rflags.TF | X86Rflags.DF | X86Rflags.NT | X86Rflags.RF
            | X86Rflags.AC | X86Rflags.ID;

    private SamePrivilegeIret() {
    }

    /**
     * Executes the IRET at RIP with the given operand size (4 or 8): returns null when it
     * completed or stopped the domain, else the fault it raises at the instruction.
     */
    static X86Fault execute(X86Cpu cpu, Vcpu vcpu, int operandSize) {
        if ((cpu.rflags() & X86Rflags.NT) != 0) {
            return X86Fault.withErrorCode(X86Fault.GP, 0);
        }
        long rsp = cpu.reg(X86Reg.RSP);
        byte[] frame = new byte[SLOTS * operandSize];
        X86Fault stackFault = GuestAccess.read(cpu, rsp, frame, true);
        if (stackFault != null) {
            return stackFault;
        }
        long rip = slot(frame, 0, operandSize);
        int cs = (int) slot(frame, 1, operandSize) & 0xFFFF;
        long rflags = slot(frame, 2, operandSize);
        long newRsp = slot(frame, 3, operandSize);
        int ss = (int) slot(frame, 4, operandSize) & 0xFFFF;
        if (isNull(cs) || !PvVcpu.isCanonical(rip) || isNull(ss)) {
            return X86Fault.withErrorCode(X86Fault.GP, 0);
        }
        if (cs != X86Pv.FLAT_RING3_CS64 && cs != X86Pv.FLAT_RING3_CS32) {
            return X86Fault.withErrorCode(X86Fault.GP, PvVcpu.selectorErrorCode(cs));
        }
        if (ss != X86Pv.FLAT_RING3_SS64) {
            return X86Fault.withErrorCode(X86Fault.GP, PvVcpu.selectorErrorCode(ss));
        }
        if (cs == X86Pv.FLAT_RING3_CS32) {
            vcpu.domain().crash(vcpu, String.format("iret instruction to the 32-bit code selector %#x at %#x: compatibility mode "
                    + "is not supported", cs, rip), null);
            return null;
        }
        cpu.setRip(rip);
        cpu.setSegment(X86Segment.CS, cs);
        cpu.setRflags(cpu.rflags() & ~LOADED_FLAGS | rflags & LOADED_FLAGS);
        cpu.setReg(X86Reg.RSP, newRsp);
        cpu.setSegment(X86Segment.SS, ss);
        return null;
    }

    private static boolean isNull(int selector) {
        return (selector & 0xFFFC) == 0;
    }

    private static long slot(byte[] frame, int index, int size) {
        return GuestAccess.little(frame, index * size, size);
    }
}
