package dev.trufflexen.xen.hypercall;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.xen.GuestImages;
import dev.trufflexen.xen.XenHypervisor;
import dev.trufflexen.xen.abi.AbiField;
import dev.trufflexen.xen.abi.AbiStruct;
import dev.trufflexen.xen.abi.AbiType;
import dev.trufflexen.xen.abi.XenErrno;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.DomainSpec;

/**
 * Guest structures through a real vCPU's hypercall context: typed reads (zero- and sign-extended
 * to the C type), copy-in into a zeroed buffer, and copy-out of the OUT fields only, so the
 * guest's input fields and the structure's padding are never written; a bad address is EFAULT
 * with nothing written.
 */
class GuestStructTest {
    /** 16 bytes: an IN word, an OUT halfword, two bytes of padding, an OUT quadword. */
    private static final AbiStruct LAYOUT = new AbiStruct("struct test_padded", 16);
    private static final AbiField IN_WORD = LAYOUT.in(AbiType.U32, "in_word", 0);
    private static final AbiField OUT_HALF = LAYOUT.out(AbiType.U16, "out_half", 4);
    private static final AbiField OUT_QUAD = LAYOUT.out(AbiType.U64, "out_quad", 8);
    private static final AbiStruct SIGNED = new AbiStruct("struct test_signed", 8);
    private static final AbiField S8_FIELD = SIGNED.in(AbiType.S8, "s8", 0);
    private static final AbiField S32_FIELD = SIGNED.in(AbiType.S32, "s32", 4);

    private XenHypervisor xen;
    private X86Cpu cpu;
    private HypercallContext context;
    private long scratch;

    @BeforeEach
    void start() {
        xen = XenHypervisor.create(new XenHypervisor.Options(false, false, null, 64));
        Domain domain = xen.createDomain(DomainSpec.of("structs", GuestImages.kernel("hello"), 16, ""));
        cpu = domain.vcpu0().cpu();
        context = new HypercallContext(domain.vcpu0());
        cpu.setReg(X86Reg.RAX, 17);
        cpu.setRip(cpu.rip() + 2);
        context.begin(cpu);
        scratch = xen.bootImage(domain).stackTop() - 256;
    }

    @AfterEach
    void stop() {
        xen.close();
    }

    private byte[] guestBytes(int length) {
        byte[] bytes = new byte[length];
        assertEquals(true, cpu.copyFromGuest(scratch, bytes, 0, length));
        return bytes;
    }

    @Test
    void copyOutWritesOnlyTheOutFieldsNeverInputsOrPadding() {
        byte[] pattern = new byte[16];
        Arrays.fill(pattern, (byte) 0xAA);
        cpu.copyToGuest(scratch, pattern, 0, pattern.length);
        GuestStruct struct = context.copyIn(scratch, LAYOUT);
        assertEquals(0xAAAAAAAAL, struct.get(IN_WORD), "unsigned fields zero-extend");
        struct.set(IN_WORD, 0x11111111).set(OUT_HALF, 0x2222).set(OUT_QUAD, 0x3333333333333333L);
        context.copyOut(scratch, struct);
        byte[] expected = pattern.clone();
        expected[4] = 0x22;
        expected[5] = 0x22;
        Arrays.fill(expected, 8, 16, (byte) 0x33);
        assertArrayEquals(expected, guestBytes(16), "IN word and padding (bytes 6-7) keep the guest's bytes");
    }

    @Test
    void aBlankStructureIsZeroedEvenAfterEarlierUse() {
        GuestStruct first = context.blank(LAYOUT).set(OUT_HALF, 0xFFFF).set(OUT_QUAD, -1);
        assertEquals(0xFFFF, first.get(OUT_HALF));
        GuestStruct again = context.blank(LAYOUT);
        assertEquals(0, again.get(OUT_HALF));
        assertEquals(0, again.get(OUT_QUAD));
        assertEquals(0, again.get(IN_WORD));
    }

    @Test
    void signedFieldsSignExtend() {
        byte[] bytes = {(byte) 0xFE, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
        cpu.copyToGuest(scratch, bytes, 0, bytes.length);
        GuestStruct struct = context.copyIn(scratch, SIGNED);
        assertEquals(-2, struct.get(S8_FIELD));
        assertEquals(-1, struct.get(S32_FIELD));
    }

    @Test
    void badAddressesAreEfaultAndWriteNothing() {
        XenError in = assertThrows(XenError.class, () -> context.copyIn(0x1000, LAYOUT));
        assertEquals(XenErrno.EFAULT, in.errno());
        GuestStruct struct = context.blank(LAYOUT).set(OUT_QUAD, 7);
        XenError out = assertThrows(XenError.class, () -> context.copyOut(0x8000_0000_0000_0000L, struct));
        assertEquals(XenErrno.EFAULT, out.errno());
        assertEquals(XenErrno.EFAULT, assertThrows(XenError.class, () -> context.copyOut(0x1000, struct)).errno());
    }

    @Test
    void argumentsAreTruncatedToTheirCTypes() {
        cpu.setReg(X86Reg.RDI, 0xFFFF_FFFF_0000_0005L);
        cpu.setReg(X86Reg.RSI, 0x1234_5678_FFFF_FFFEL);
        cpu.setReg(X86Reg.RDX, 0xFFFF_8000_0000_1000L);
        context.begin(cpu);
        assertEquals(5, context.intArg(0));
        assertEquals(0xFFFF_FFFEL, context.uintArg(1));
        assertEquals(-2, context.intArg(1));
        assertEquals(0xFFFF_8000_0000_1000L, context.handleArg(2));
    }
}
