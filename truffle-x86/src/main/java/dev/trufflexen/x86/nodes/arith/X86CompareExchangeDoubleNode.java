package dev.trufflexen.x86.nodes.arith;

import static dev.trufflexen.x86.cpu.X86Reg.RAX;
import static dev.trufflexen.x86.cpu.X86Reg.RBX;
import static dev.trufflexen.x86.cpu.X86Reg.RCX;
import static dev.trufflexen.x86.cpu.X86Reg.RDX;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Rflags;
import dev.trufflexen.x86.mmu.X86GuestMemory;
import dev.trufflexen.x86.mmu.X86SplitLock;
import dev.trufflexen.x86.nodes.X86AddressNode;
import dev.trufflexen.x86.nodes.X86FlagState;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.runtime.X86ExitException;

/**
 * CMPXCHG8B m64 and CMPXCHG16B m128 (0F C7 /1, REX.W for 16B): compare EDX:EAX (RDX:RAX) with
 * the operand; if equal store ECX:EBX (RCX:RBX) and set ZF, else load the operand into
 * EDX:EAX (RDX:RAX) and clear ZF. No other flag changes. CMPXCHG16B needs a 16-byte aligned
 * operand (#GP(0) otherwise).
 *
 * <p>Atomicity with LOCK: the 8-byte form is one host compare-and-swap. The host has no 16-byte
 * compare-and-swap reachable from Java, so LOCK CMPXCHG16B takes one of a set of striped host
 * locks: it is atomic against every other LOCK CMPXCHG16B on the operand, which is how guests
 * use it (lock-free pairs updated only by CMPXCHG16B).
 */
public final class X86CompareExchangeDoubleNode extends X86InstructionNode {
    private static final Object[] STRIPES = new Object[64];
    static {
        for (int i = 0; i < STRIPES.length; i++) {
            STRIPES[i] = new Object();
        }
    }

    private final boolean wide;
    private final boolean locked;
    @Child private X86AddressNode address;

    public X86CompareExchangeDoubleNode(long rip, int length, X86AddressNode address, boolean wide, boolean locked) {
        super(rip, length);
        this.address = address;
        this.wide = wide;
        this.locked = locked;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long linear = address.executeUnchecked(frame, cpu);
        boolean equal;
        if (wide) {
            if ((linear & 15) != 0) {
                throw X86ExitException.generalProtection();
            }
            equal = exchange16(frame, cpu, address.checkStackSegment(linear, 16));
        } else {
            equal = exchange8(frame, cpu, address.checkStackSegment(linear, 8));
        }
        long flags = X86FlagState.materialize(frame);
        X86FlagState.setMaterialized(frame, X86FlagState.withFlag(flags, X86Rflags.ZF, equal));
    }

    private boolean exchange8(VirtualFrame frame, X86Cpu cpu, long linear) {
        long expected = (getRegister(frame, RDX) << 32) | (getRegister(frame, RAX) & 0xFFFF_FFFFL);
        long replacement = (getRegister(frame, RCX) << 32) | (getRegister(frame, RBX) & 0xFFFF_FFFFL);
        long current;
        long host = locked ? cpu.mmu().lockedHostAddress(linear, 8) : 0;
        if (host != 0) {
            do {
                current = X86GuestMemory.loadHost(host, 8);
            } while (current == expected && !X86GuestMemory.casHost(host, 8, current, replacement));
        } else if (locked) {
            current = X86SplitLock.update(cpu, linear, 8, old -> old == expected ? replacement : old);
        } else {
            current = X86GuestMemory.readForWrite(cpu, linear, 8);
            X86GuestMemory.write(cpu, linear, 8, current == expected ? replacement : current);
        }
        if (current != expected) {
            setRegister(frame, RAX, current & 0xFFFF_FFFFL);
            setRegister(frame, RDX, current >>> 32);
            return false;
        }
        return true;
    }

    private boolean exchange16(VirtualFrame frame, X86Cpu cpu, long linear) {
        long expectedLow = getRegister(frame, RAX);
        long expectedHigh = getRegister(frame, RDX);
        long[] current;
        if (locked) {
            long host = cpu.mmu().lockedHostAddress(linear, 16);
            current = lockedExchange16(host, expectedLow, expectedHigh, getRegister(frame, RBX), getRegister(frame, RCX));
        } else {
            long low = X86GuestMemory.readForWrite(cpu, linear, 8);
            long high = X86GuestMemory.readForWrite(cpu, linear + 8, 8);
            boolean equal = low == expectedLow && high == expectedHigh;
            X86GuestMemory.write(cpu, linear, 8, equal ? getRegister(frame, RBX) : low);
            X86GuestMemory.write(cpu, linear + 8, 8, equal ? getRegister(frame, RCX) : high);
            current = new long[] {low, high};
        }
        if (current[0] != expectedLow || current[1] != expectedHigh) {
            setRegister(frame, RAX, current[0]);
            setRegister(frame, RDX, current[1]);
            return false;
        }
        return true;
    }

    @TruffleBoundary
    private static long[] lockedExchange16(long host, long expectedLow, long expectedHigh, long low, long high) {
        synchronized (STRIPES[(int) (host >>> 4) & (STRIPES.length - 1)]) {
            long currentLow = X86GuestMemory.loadHost(host, 8);
            long currentHigh = X86GuestMemory.loadHost(host + 8, 8);
            if (currentLow == expectedLow && currentHigh == expectedHigh) {
                X86GuestMemory.casHost(host, 8, currentLow, low);
                X86GuestMemory.casHost(host + 8, 8, currentHigh, high);
            }
            return new long[] {currentLow, currentHigh};
        }
    }
}
