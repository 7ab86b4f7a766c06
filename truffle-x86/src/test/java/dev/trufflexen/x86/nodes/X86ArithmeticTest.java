package dev.trufflexen.x86.nodes;

import static dev.trufflexen.x86.cpu.X86Reg.R10;
import static dev.trufflexen.x86.cpu.X86Reg.R11;
import static dev.trufflexen.x86.cpu.X86Reg.R8;
import static dev.trufflexen.x86.cpu.X86Reg.R9;
import static dev.trufflexen.x86.cpu.X86Reg.RAX;
import static dev.trufflexen.x86.cpu.X86Reg.RBX;
import static dev.trufflexen.x86.cpu.X86Reg.RCX;
import static dev.trufflexen.x86.cpu.X86Reg.RDI;
import static dev.trufflexen.x86.cpu.X86Reg.RDX;
import static dev.trufflexen.x86.cpu.X86Reg.RSI;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.cpu.X86Rflags;
import dev.trufflexen.x86.testing.X86TestMachine;

/** Integer instruction semantics: results, flags, partial registers, #DE. Each snippet ends in HLT. */
class X86ArithmeticTest {
    private static final long CF = X86Rflags.CF;
    private static final long PF = X86Rflags.PF;
    private static final long ZF = X86Rflags.ZF;
    private static final long SF = X86Rflags.SF;
    private static final long OF = X86Rflags.OF;
    private static final long STATUS = CF | PF | ZF | SF | OF;

    /** Runs {@code hex} + HLT with registers set as (reg, value) pairs; the caller closes the machine. */
    private static X86TestMachine run(String hex, long... regValuePairs) {
        X86TestMachine m = new X86TestMachine();
        m.code(hex + "f4");
        m.cpu.setReg(RDI, X86TestMachine.DATA);
        for (int i = 0; i < regValuePairs.length; i += 2) {
            m.cpu.setReg((int) regValuePairs[i], regValuePairs[i + 1]);
        }
        Object exit = m.run();
        if (!"halt".equals(exit)) {
            m.close();
            throw new AssertionError("snippet " + hex + " ended with " + exit);
        }
        return m;
    }

    private static void assertFlags(X86TestMachine m, long expected) {
        assertEquals(Long.toBinaryString(expected), Long.toBinaryString(m.cpu.rflags() & STATUS), "status flags");
    }

    @Test
    void addSignedOverflow() {
        try (X86TestMachine m = run("4883c001", RAX, Long.MAX_VALUE)) {
            assertEquals(Long.MIN_VALUE, m.reg(RAX));
            assertFlags(m, OF | SF | PF);
        }
    }

    @Test
    void subBorrow() {
        try (X86TestMachine m = run("4883e801", RAX, 0)) {
            assertEquals(-1L, m.reg(RAX));
            assertFlags(m, CF | SF | PF);
        }
    }

    @Test
    void compareFeedsSignedAndUnsignedConditions() {
        // cmp eax, ebx; setl cl; setb dl; seta sil; sete dil
        try (X86TestMachine m = run("39d80f9cc10f92c2400f97c6400f94c7", RAX, 0xFFFF_FFFFL, RBX, 1, RCX, 0xAA00, RDX, 0, RSI, 0, RDI, 7)) {
            assertEquals(0xAA01, m.reg(RCX), "-1 < 1 signed, and setl keeps the upper bits");
            assertEquals(0, m.reg(RDX), "0xffffffff is not below 1 unsigned");
            assertEquals(1, m.reg(RSI));
            assertEquals(0, m.reg(RDI));
        }
    }

    @Test
    void addWithCarry() {
        try (X86TestMachine m = run("f983d000", RAX, 0xFFFF_FFFFL)) {
            assertEquals(0, m.reg(RAX));
            assertFlags(m, CF | ZF | PF);
        }
    }

    @Test
    void subtractWithBorrow() {
        try (X86TestMachine m = run("f94883d800", RAX, 0)) {
            assertEquals(-1L, m.reg(RAX));
            assertFlags(m, CF | SF | PF);
        }
    }

    @Test
    void shiftsAndRotates() {
        try (X86TestMachine m = run("d1e0", RAX, 0x8000_0000L)) { // shl eax, 1
            assertEquals(0, m.reg(RAX));
            assertFlags(m, CF | ZF | PF | OF);
        }
        try (X86TestMachine m = run("c1f81f", RAX, 0x8000_0000L)) { // sar eax, 31
            assertEquals(0xFFFF_FFFFL, m.reg(RAX));
            assertEquals(0, m.cpu.rflags() & CF);
        }
        try (X86TestMachine m = run("d0c0", RAX, 0x81)) { // rol al, 1
            assertEquals(0x03, m.reg(RAX));
            assertEquals(CF | OF, m.cpu.rflags() & (CF | OF));
        }
        try (X86TestMachine m = run("f9d0db", RBX, 0x02)) { // stc; rcr bl, 1
            assertEquals(0x81, m.reg(RBX));
            assertEquals(0, m.cpu.rflags() & CF);
        }
        try (X86TestMachine m = run("480fa4d804", RAX, 0x1234, RBX, 0xF000_0000_0000_0000L)) { // shld rax, rbx, 4
            assertEquals(0x1234FL, m.reg(RAX));
        }
    }

    @Test
    void multiplications() {
        try (X86TestMachine m = run("48f7e3", RAX, -1L, RBX, 2)) { // mul rbx
            assertEquals(-2L, m.reg(RAX));
            assertEquals(1, m.reg(RDX));
            assertEquals(CF | OF, m.cpu.rflags() & (CF | OF));
        }
        try (X86TestMachine m = run("48f7eb", RAX, -3L, RBX, 5)) { // imul rbx
            assertEquals(-15L, m.reg(RAX));
            assertEquals(-1L, m.reg(RDX));
            assertEquals(0, m.cpu.rflags() & (CF | OF));
        }
        try (X86TestMachine m = run("486bc303", RBX, 0x4000_0000_0000_0000L)) { // imul rax, rbx, 3
            assertEquals(0xC000_0000_0000_0000L, m.reg(RAX));
            assertEquals(CF | OF, m.cpu.rflags() & (CF | OF));
        }
    }

    /**
     * IMUL of 1, 2 and 4 bytes keeps its whole product as the lazy-flag source (not its
     * factors): CF and OF, read by a SETO in the region and at the exit, must still say whether
     * the truncated product lost bits, for positive, negative and exact products.
     */
    @Test
    void narrowSignedMultipliesDeriveCarryAndOverflowFromTheirProduct() {
        try (X86TestMachine m = run("0fafca0f90c0", RCX, 0x1_0000, RDX, 0x1_0000)) { // imul ecx, edx; seto al
            assertEquals(0, m.reg(RCX));
            assertEquals(1, m.reg(RAX) & 0xFF);
            assertEquals(CF | OF, m.cpu.rflags() & (CF | OF));
        }
        try (X86TestMachine m = run("0fafca0f90c0", RCX, 0xFFFF_FFFDL, RDX, 5)) { // -3 * 5
            assertEquals(0xFFFF_FFF1L, m.reg(RCX));
            assertEquals(0, m.reg(RAX) & 0xFF);
            assertEquals(0, m.cpu.rflags() & (CF | OF));
        }
        try (X86TestMachine m = run("0fafca", RCX, 0x7FFF_FFFF, RDX, 2)) {
            assertEquals(0xFFFF_FFFEL, m.reg(RCX));
            assertEquals(CF | OF, m.cpu.rflags() & (CF | OF));
        }
        try (X86TestMachine m = run("660fafca", RCX, 0xAB_0100, RDX, 0x100)) { // imul cx, dx
            assertEquals(0xAB_0000, m.reg(RCX));
            assertEquals(CF | OF, m.cpu.rflags() & (CF | OF));
        }
        try (X86TestMachine m = run("f6eb", RAX, 0xFE, RBX, 100)) { // imul bl: -2 * 100
            assertEquals(0xFF38, m.reg(RAX) & 0xFFFF);
            assertEquals(CF | OF, m.cpu.rflags() & (CF | OF));
        }
        try (X86TestMachine m = run("f7eb", RAX, 0xFFFF_FFFDL, RBX, 5)) { // imul ebx: -3 * 5
            assertEquals(0xFFFF_FFF1L, m.reg(RAX));
            assertEquals(0xFFFF_FFFFL, m.reg(RDX));
            assertEquals(0, m.cpu.rflags() & (CF | OF));
        }
    }

    @Test
    void divisions() {
        try (X86TestMachine m = run("48f7f1", RAX, 100, RDX, 0, RCX, 7)) {
            assertEquals(14, m.reg(RAX));
            assertEquals(2, m.reg(RDX));
        }
        try (X86TestMachine m = run("489948f7f9", RAX, -100, RCX, 7)) { // cqo; idiv rcx
            assertEquals(-14, m.reg(RAX));
            assertEquals(-2, m.reg(RDX));
        }
        try (X86TestMachine m = run("48f7f1", RAX, 0, RDX, 1, RCX, 2)) { // 2^64 / 2
            assertEquals(Long.MIN_VALUE, m.reg(RAX));
            assertEquals(0, m.reg(RDX));
        }
        try (X86TestMachine m = run("f6f1", RAX, 0x0100, RCX, 0x10)) { // div cl
            assertEquals(0x0010, m.reg(RAX));
        }
    }

    /** {@code divOffset}: where the divide instruction starts in the snippet. */
    private static void assertDivideError(String hex, int divOffset, long... regs) {
        try (X86TestMachine m = new X86TestMachine()) {
            m.code(hex + "f4");
            for (int i = 0; i < regs.length; i += 2) {
                m.cpu.setReg((int) regs[i], regs[i + 1]);
            }
            X86Fault fault = (X86Fault) m.run();
            assertEquals(X86Fault.DE, fault.vector(), hex);
            assertEquals(X86TestMachine.CODE + divOffset, m.cpu.rip(), "RIP stays at the divide");
        }
    }

    @Test
    void divideErrorsAreGuestFaultsNotJavaExceptions() {
        assertDivideError("48f7f1", 0, RAX, 5, RDX, 0, RCX, 0);
        assertDivideError("48f7f1", 0, RAX, 0, RDX, 2, RCX, 2); // quotient too wide
        assertDivideError("489948f7f9", 2, RAX, Long.MIN_VALUE, RCX, -1); // MIN / -1
        assertDivideError("f6f1", 0, RAX, 0x1234, RCX, 0x10); // 8-bit quotient overflow
        try (X86TestMachine m = new X86TestMachine()) {
            m.code("48f7f1f4");
            m.cpu.setReg(RAX, 77);
            m.cpu.setReg(RDX, 5);
            m.run();
            assertEquals(77, m.reg(RAX), "registers unchanged by the faulting divide");
            assertEquals(5, m.reg(RDX));
        }
    }

    @Test
    void partialRegisterWrites() {
        try (X86TestMachine m = run("b801000000", RAX, -1L)) {
            assertEquals(1, m.reg(RAX), "32-bit writes zero-extend");
        }
        // mov al, 2; mov ah, 3; mov sil, 4; mov bx, 5
        try (X86TestMachine m = run("b002b40340b60466bb0500", RAX, -1L, RSI, -1L, RBX, -1L)) {
            assertEquals(0xFFFF_FFFF_FFFF_0302L, m.reg(RAX));
            assertEquals(0xFFFF_FFFF_FFFF_FF04L, m.reg(RSI));
            assertEquals(0xFFFF_FFFF_FFFF_0005L, m.reg(RBX));
        }
        // mov r8d, -1; movsx r9, r8b; movzx r10d, r8w; movsxd r11, r8d
        try (X86TestMachine m = run("41b8ffffffff4d0fbec8450fb7d04d63d8", R9, 0, R10, -1L)) {
            assertEquals(0xFFFF_FFFFL, m.reg(R8));
            assertEquals(-1L, m.reg(R9));
            assertEquals(0xFFFFL, m.reg(R10));
            assertEquals(-1L, m.reg(R11));
        }
    }

    @Test
    void incDecNegKeepOrSetCarry() {
        try (X86TestMachine m = run("f948ffc0", RAX, -1L)) { // stc; inc rax
            assertEquals(0, m.reg(RAX));
            assertFlags(m, CF | ZF | PF);
        }
        try (X86TestMachine m = run("ffc8", RAX, 0x8000_0000L)) { // dec eax
            assertEquals(0x7FFF_FFFFL, m.reg(RAX));
            assertFlags(m, OF | PF);
        }
        try (X86TestMachine m = run("48f7d8", RAX, 5)) { // neg rax
            assertEquals(-5L, m.reg(RAX));
            assertEquals(CF | SF, m.cpu.rflags() & (CF | SF | ZF | OF));
        }
    }

    @Test
    void bitInstructions() {
        try (X86TestMachine m = run("480fbcc3", RBX, 0x80)) { // bsf rax, rbx
            assertEquals(7, m.reg(RAX));
            assertEquals(0, m.cpu.rflags() & ZF);
        }
        try (X86TestMachine m = run("480fbae33f", RBX, Long.MIN_VALUE)) { // bt rbx, 63
            assertEquals(CF, m.cpu.rflags() & CF);
        }
        try (X86TestMachine m = run("0fc8", RAX, 0xFFFF_FFFF_1122_3344L)) { // bswap eax
            assertEquals(0x4433_2211L, m.reg(RAX));
        }
    }

    @Test
    void conditionalMovesZeroExtendEvenWhenNotTaken() {
        try (X86TestMachine m = new X86TestMachine()) {
            m.code("480f4cc30f4fcbf4"); // cmovl rax, rbx; cmovg ecx, ebx
            m.cpu.setRflags(X86Rflags.SF); // SF != OF: "less", not "greater"
            m.cpu.setReg(RAX, 1);
            m.cpu.setReg(RBX, 2);
            m.cpu.setReg(RCX, -1L);
            m.run();
            assertEquals(2, m.reg(RAX));
            assertEquals(0xFFFF_FFFFL, m.reg(RCX));
        }
    }

    @Test
    void exchangeAndCompareExchangeInMemory() {
        try (X86TestMachine m = new X86TestMachine()) {
            m.write64(X86TestMachine.DATA, 40);
            m.code("480fc107f4"); // xadd [rdi], rax
            m.cpu.setReg(RDI, X86TestMachine.DATA);
            m.cpu.setReg(RAX, 2);
            m.run();
            assertEquals(42, m.read64(X86TestMachine.DATA));
            assertEquals(40, m.reg(RAX));
        }
        for (String hex : new String[] {"480fb11ff4", "f0480fb11ff4"}) { // cmpxchg, lock cmpxchg
            try (X86TestMachine m = new X86TestMachine()) {
                m.write64(X86TestMachine.DATA, 7);
                m.code(hex);
                m.cpu.setReg(RDI, X86TestMachine.DATA);
                m.cpu.setReg(RAX, 7);
                m.cpu.setReg(RBX, 9);
                m.run();
                assertEquals(9, m.read64(X86TestMachine.DATA), hex);
                assertEquals(ZF, m.cpu.rflags() & ZF);
                m.cpu.setRip(X86TestMachine.CODE);
                m.run();
                assertEquals(9, m.reg(RAX), "failed compare loads the accumulator");
                assertEquals(0, m.cpu.rflags() & ZF);
            }
        }
        try (X86TestMachine m = new X86TestMachine()) {
            m.write64(X86TestMachine.DATA, 10);
            m.code("f048830705f4"); // lock add qword [rdi], 5
            m.cpu.setReg(RDI, X86TestMachine.DATA);
            m.run();
            assertEquals(15, m.read64(X86TestMachine.DATA));
        }
    }

    @Test
    void pushfSeesLazyFlags() {
        // cmp eax, ebx (1 vs 1); pushfq; pop rcx
        try (X86TestMachine m = run("39d89c59", RAX, 1, RBX, 1)) {
            assertEquals(ZF | PF | X86Rflags.RESERVED_ONE, m.reg(RCX) & (STATUS | X86Rflags.RESERVED_ONE));
        }
    }

    @Test
    void leaComputesWithoutMemory() {
        try (X86TestMachine m = run("8d44cb10", RBX, 0x1_0000_0000L, RCX, 2)) {
            assertEquals(0x20, m.reg(RAX), "32-bit LEA truncates");
        }
    }
}
