package dev.trufflexen.x86.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.cpu.X86Segment;

/** Decoder conformance: lengths and operands (checked through the disassembly), prefixes, validation. */
class X86DecoderTest {
    private static final long RIP = 0x1000;

    /** Bytes (from GNU as) and the expected text (objdump's, in our spelling of string instructions). */
    private static final String[] CASES = {
        "488b4308|mov rax, qword ptr [rbx+0x8]",
        "8b0500010000|mov eax, dword ptr [rip+0x100]",
        "478b64b5f0|mov r12d, dword ptr [r13+r14*4-0x10]",
        "c604247f|mov byte ptr [rsp], 0x7f",
        "4088c6|mov sil, al",
        "88fc|mov ah, bh",
        "48b88877665544332211|movabs rax, 0x1122334455667788",
        "66c7003412|mov word ptr [rax], 0x1234",
        "644889042528000000|mov qword ptr fs:[0x28], rax",
        "65488b01|mov rax, qword ptr gs:[rcx]",
        "4801d8|add rax, rbx",
        "830701|add dword ptr [rdi], 0x1",
        "4883ec18|sub rsp, 0x18",
        "31c0|xor eax, eax",
        "803c0e2f|cmp byte ptr [rsi+rcx*1], 0x2f",
        "4983e1f0|and r9, 0xfffffffffffffff0",
        "f0480107|lock add qword ptr [rdi], rax",
        "f0480fb116|lock cmpxchg qword ptr [rsi], rdx",
        "f00fc108|lock xadd dword ptr [rax], ecx",
        "a801|test al, 0x1",
        "4885ff|test rdi, rdi",
        "486bc364|imul rax, rbx, 0x64",
        "0faf0a|imul ecx, dword ptr [rdx]",
        "0fb607|movzx eax, byte ptr [rdi]",
        "480fbf06|movsx rax, word ptr [rsi]",
        "486345fc|movsxd rax, dword ptr [rbp-0x4]",
        "488d0520000000|lea rax, [rip+0x20]",
        "8d0c40|lea ecx, [rax+rax*2]",
        "48c1e004|shl rax, 0x4",
        "d3fa|sar edx, cl",
        "d003|rol byte ptr [rbx], 1",
        "480fa4d003|shld rax, rdx, 0x3",
        "0fadd0|shrd eax, edx, cl",
        "480fa3c8|bt rax, rcx",
        "480fba2f05|bts qword ptr [rdi], 0x5",
        "480fbcc2|bsf rax, rdx",
        "0fbdc8|bsr ecx, eax",
        "480fc8|bswap rax",
        "410fc9|bswap r9d",
        "480f45c3|cmovne rax, rbx",
        "0f94c0|sete al",
        "410f9fc0|setg r8b",
        "55|push rbp",
        "4157|push r15",
        "5b|pop rbx",
        "6a10|push 0x10",
        "ff30|push qword ptr [rax]",
        "ff5008|call qword ptr [rax+0x8]",
        "ffe0|jmp rax",
        "c3|ret",
        "c20800|ret 0x8",
        "c9|leave",
        "4899|cqo",
        "4898|cdqe",
        "48f7f1|div rcx",
        "f73b|idiv dword ptr [rbx]",
        "48f7d8|neg rax",
        "f7d1|not ecx",
        "66ff00|inc word ptr [rax]",
        "49ffca|dec r10",
        "f3a4|rep movsb",
        "f348ab|rep stosq",
        "f3a6|repe cmpsb",
        "f2ae|repne scasb",
        "ac|lodsb",
        "fc|cld",
        "fd|std",
        "0f05|syscall",
        "f4|hlt",
        "cc|int3",
        "cd80|int 0x80",
        "0f0b|ud2",
        "0fa2|cpuid",
        "0f31|rdtsc",
        "0f1f0400|nop dword ptr [rax+rax*1]",
        "f30f1efa|endbr64",
        "f390|pause",
        "4893|xchg rbx, rax",
        "488707|xchg qword ptr [rdi], rax",
        "4990|xchg r8, rax",
        "9f|lahf",
        "9e|sahf",
        "9c|pushf",
        "9d|popf",
        "f5|cmc",
        "f8|clc",
        "f9|stc",
        "49f7e0|mul r8",
    };

    private static X86Instruction decode(String hex) {
        byte[] bytes = HexFormat.of().parseHex(hex);
        return X86Decoder.decode(bytes, 0, RIP);
    }

    @Test
    void lengthsAndTextMatchTheAssembler() {
        for (String entry : CASES) {
            String[] parts = entry.split("\\|");
            byte[] bytes = HexFormat.of().parseHex(parts[0]);
            X86Disassembler.Disassembly d = X86Disassembler.disassemble(bytes, 0, 0);
            assertEquals(bytes.length, d.length(), "length of " + parts[1]);
            assertEquals(parts[1], d.text(), "text of " + parts[0]);
        }
    }

    @Test
    void operandsOfAScaledIndexedAccess() {
        X86Instruction i = decode("478b64b5f0"); // mov r12d, [r13+r14*4-0x10]
        assertTrue(i.isValid());
        assertEquals(0x8B, i.opcode());
        assertEquals(4, i.operandSize());
        assertEquals(X86Reg.R12, i.reg());
        assertEquals(X86Reg.R13, i.base());
        assertEquals(X86Reg.R14, i.index());
        assertEquals(2, i.scaleShift());
        assertEquals(-0x10, i.displacement());
    }

    @Test
    void ripRelativeIsResolvedAgainstTheNextInstruction() {
        X86Instruction i = decode("8b0500010000"); // mov eax, [rip+0x100]
        assertTrue(i.ripRelative());
        assertEquals(RIP + 6 + 0x100, i.displacement());
    }

    @Test
    void prefixesAndSegments() {
        X86Instruction fs = decode("644889042528000000");
        assertEquals(X86Segment.FS, fs.segment());
        assertEquals(8, fs.operandSize());
        X86Instruction word = decode("66c7003412");
        assertEquals(2, word.operandSize());
        assertEquals(0x1234, word.immediate());
        X86Instruction rep = decode("f348ab");
        assertTrue(rep.hasPrefix(X86Instruction.PREFIX_REP));
        X86Instruction addr32 = decode("678b00"); // mov eax, [eax]
        assertEquals(4, addr32.addressSize());
        X86Instruction rexIgnored = decode("4866" + "89c0"); // REX before a legacy prefix does not count
        assertEquals(2, rexIgnored.operandSize());
    }

    @Test
    void movabsTakesAnEightByteImmediate() {
        X86Instruction i = decode("48b88877665544332211");
        assertEquals(10, i.length());
        assertEquals(0x1122334455667788L, i.immediate());
    }

    @ParameterizedTest
    @ValueSource(strings = {"06", "07", "0e", "16", "17", "1e", "1f", "27", "2f", "37", "3f", "60", "61", "62c0", "82c001",
        "9a", "c4", "c5", "ce", "d40a", "d50a", "d6", "ea", "0f04", "8dc0", "fe10", "ff38", "ffd8", "c6c800", "8fc8",
        "f03800", "f001c0", "f08b00", "f0f600", "f0ffe0", "0fba1805", "f0480fa3c8", "f00fb6c0"})
    void invalidEncodingsRaiseUndefinedOpcode(String hex) {
        X86Instruction i = decode(hex + "0000000000000000");
        assertNotNull(i.fault(), hex);
        assertEquals(X86Fault.UD, i.fault().vector(), hex);
    }

    @Test
    void lockIsAllowedOnLockableMemoryForms() {
        for (String hex : new String[] {"f0480107", "f0480fb116", "f00fc108", "f0ff00", "f0f618", "f0480fba2f05", "f083000f", "f0860f"}) {
            assertNull(decode(hex).fault(), hex);
        }
    }

    @Test
    void instructionsLongerThanFifteenBytesRaiseGeneralProtection() {
        X86Instruction i = decode("666666666666666666666666666666" + "9090");
        assertEquals(X86Fault.GP, i.fault().vector());
        assertTrue(i.fault().hasErrorCode());
        assertEquals(0, i.fault().errorCode());
        assertNull(decode("666666666666666666666666" + "0f1f00").fault(), "exactly 15 bytes is fine");
    }

    @Test
    void fetchBeyondTheCodeRaisesAPageFaultWithTheFetchBit() {
        X86Instruction i = decode("48b8887766"); // movabs cut short
        assertEquals(X86Fault.PF, i.fault().vector());
        assertTrue((i.fault().errorCode() & X86Fault.PF_FETCH) != 0);
        assertEquals(RIP + 5, i.fault().faultAddress());
    }

    @Test
    void randomBytesNeverThrow() {
        Random random = new Random(42);
        byte[] bytes = new byte[32];
        for (int n = 0; n < 200_000; n++) {
            random.nextBytes(bytes);
            int length = 1 + random.nextInt(20);
            byte[] code = java.util.Arrays.copyOf(bytes, length);
            X86Instruction i = X86Decoder.decode(code, 0, random.nextLong());
            assertTrue(i.length() <= X86Decoder.MAX_LENGTH);
            X86Disassembler.Disassembly d = X86Disassembler.disassemble(code, 0, 0);
            assertNotNull(d.text());
        }
    }
}
