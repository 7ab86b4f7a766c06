package dev.trufflexen.x86.nodes.arith;

import static dev.trufflexen.x86.cpu.X86Reg.RAX;
import static dev.trufflexen.x86.cpu.X86Reg.RDX;

import java.math.BigInteger;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.nodes.X86FaultProfile;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.nodes.X86Likelihood;
import dev.trufflexen.x86.nodes.X86OperandNode;
import dev.trufflexen.x86.nodes.X86Sizes;
import dev.trufflexen.x86.runtime.X86ExitException;

/**
 * DIV and IDIV of rDX:rAX (AX for bytes) by the operand. A zero divisor or a quotient that does
 * not fit raises #DE through explicit checks made before any register changes; Java division
 * is only reached with operands that cannot throw. A 64-bit dividend wider than 64 bits takes a
 * 128-bit slow path.
 */
public final class X86DivideNode extends X86InstructionNode {
    private final boolean signed;
    private final int size;
    @Child private X86OperandNode source;
    /** Whether this division ever raised #DE: until then the test deoptimizes instead of throwing. */
    private final X86FaultProfile faults = new X86FaultProfile();
    /** Whether this division ever needed a 128-bit dividend: until then that path deoptimizes. */
    private final X86FaultProfile wideDividends = new X86FaultProfile();

    public X86DivideNode(long rip, int length, boolean signed, X86OperandNode source) {
        super(rip, length);
        this.signed = signed;
        this.size = source.size();
        this.source = source;
    }

    private static X86ExitException divideError() {
        return X86ExitException.fault(X86Fault.DE);
    }

    private X86ExitException profiledDivideError() {
        faults.enter();
        return divideError();
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long divisor = source.read(frame, cpu);
        if (X86Likelihood.unlikely(divisor == 0)) {
            throw profiledDivideError();
        }
        long rax = getRegister(frame, RAX);
        long rdx = getRegister(frame, RDX);
        if (size == 8) {
            divide64(frame, rax, rdx, divisor);
            return;
        }
        int bits = X86Sizes.bits(size);
        long mask = X86Sizes.mask(size);
        long dividend = size == 1 ? rax & 0xFFFF : ((rdx & mask) << bits) | (rax & mask);
        long quotient;
        long remainder;
        if (signed) {
            long signedDividend = X86Sizes.signExtend(dividend, size * 2);
            long signedDivisor = X86Sizes.signExtend(divisor, size);
            quotient = signedDividend / signedDivisor;
            remainder = signedDividend % signedDivisor;
            if (X86Likelihood.unlikely(quotient != X86Sizes.signExtend(quotient, size))) {
                throw profiledDivideError();
            }
        } else {
            quotient = Long.divideUnsigned(dividend, divisor);
            remainder = Long.remainderUnsigned(dividend, divisor);
            if (X86Likelihood.unlikely(Long.compareUnsigned(quotient, mask) > 0)) {
                throw profiledDivideError();
            }
        }
        quotient &= mask;
        remainder &= mask;
        if (size == 1) {
            setRegister(frame, RAX, (rax & ~0xFFFFL) | (remainder << 8) | quotient);
        } else if (size == 2) {
            setRegister(frame, RAX, (rax & ~0xFFFFL) | quotient);
            setRegister(frame, RDX, (rdx & ~0xFFFFL) | remainder);
        } else {
            setRegister(frame, RAX, quotient);
            setRegister(frame, RDX, remainder);
        }
    }

    private void divide64(VirtualFrame frame, long rax, long rdx, long divisor) {
        long quotient;
        long remainder;
        if (signed) {
            if (rdx == (rax >> 63)) {
                if (X86Likelihood.unlikely(rax == Long.MIN_VALUE && divisor == -1)) {
                    throw profiledDivideError();
                }
                quotient = rax / divisor;
                remainder = rax % divisor;
            } else {
                wideDividends.enter();
                long[] result = divide128(rdx, rax, divisor, true);
                quotient = result[0];
                remainder = result[1];
            }
        } else if (rdx == 0) {
            quotient = Long.divideUnsigned(rax, divisor);
            remainder = Long.remainderUnsigned(rax, divisor);
        } else {
            if (X86Likelihood.unlikely(Long.compareUnsigned(rdx, divisor) >= 0)) {
                throw profiledDivideError();
            }
            wideDividends.enter();
            long[] result = divide128(rdx, rax, divisor, false);
            quotient = result[0];
            remainder = result[1];
        }
        setRegister(frame, RAX, quotient);
        setRegister(frame, RDX, remainder);
    }

    /** 128-by-64-bit division; throws #DE when the quotient does not fit 64 bits. */
    @TruffleBoundary(transferToInterpreterOnException = false)
    private static long[] divide128(long high, long low, long divisor, boolean signed) {
        BigInteger dividend = BigInteger.valueOf(high).shiftLeft(64).or(new BigInteger(Long.toUnsignedString(low)));
        BigInteger d = signed ? BigInteger.valueOf(divisor) : new BigInteger(Long.toUnsignedString(divisor));
        if (!signed) {
            dividend = new BigInteger(Long.toUnsignedString(high)).shiftLeft(64).or(new BigInteger(Long.toUnsignedString(low)));
        }
        BigInteger[] qr = dividend.divideAndRemainder(d);
        BigInteger q = qr[0];
        boolean fits = signed ? q.bitLength() <= 63 : q.signum() >= 0 && q.bitLength() <= 64;
        if (!fits) {
            throw divideError();
        }
        return new long[] {q.longValue(), qr[1].longValue()};
    }
}
