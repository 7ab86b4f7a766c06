package dev.trufflexen.xen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.trufflexen.xen.builder.TinyGuest;

import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.xen.abi.Hypercalls;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.DomainSpec;
import dev.trufflexen.xen.domain.ShutdownAction;
import dev.trufflexen.xen.domain.ShutdownReason;
import dev.trufflexen.xen.hypercall.HypercallContext;

/**
 * The hypercall machinery through real guest code: continuations of a long hypercall, the
 * pending-work hook after every hypercall, XenError logging, and a host failure in hypercall
 * processing crashing only its domain.
 */
class HypercallPathTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final TestHypervisor hypervisor = new TestHypervisor(128);

    private Domain build(TinyGuest guest, String name) throws Exception {
        return hypervisor.get().createDomain(new DomainSpec(name, guest.writeImage(dir, name), Optional.empty(), 8, 1, "",
                ShutdownAction.DESTROY, ShutdownAction.DESTROY, ShutdownAction.DESTROY));
    }

    /** console_io(CONSOLEIO_write, text.length, text); poweroff when it returned 0, else crash. */
    private static TinyGuest consoleWriter(byte[] text) {
        return new TinyGuest()
                .movEax(Hypercalls.__HYPERVISOR_console_io).movEdi(0).movEsi(text.length).leaRdx("text").syscall()
                .jnzRax("failed")
                .shutdown("poweroff")
                .label("failed").shutdown("crash")
                .label("poweroff").int32(0)
                .label("crash").int32(3)
                .label("text").data(text);
    }

    private static byte[] lines(int count) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < count; i++) {
            sb.append(String.format("line %05d of a long console write%n", i));
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void aLongHypercallIsContinuedWithItsArgumentsAdvancedAndCompletes() throws Exception {
        byte[] text = lines(1000);
        Domain domain = build(consoleWriter(text), "longwrite");
        long textAddress = TinyGuest.VIRT_BASE + textOffset();
        List<long[]> pieces = new ArrayList<>();
        hypervisor.get().afterEveryHypercall(context -> {
            if (context.isContinuation()) {
                pieces.add(new long[] {context.cpu().reg(X86Reg.RSI), context.cpu().reg(X86Reg.RDX),
                        context.cpu().rip(), context.cpu().reg(X86Reg.RAX)});
            }
        });
        assertEquals(ShutdownReason.POWEROFF, domain.run(), String.join("\n", hypervisor.get().console().lines()));

        List<String> expected = new String(text, StandardCharsets.US_ASCII).lines().toList();
        assertEquals(expected, GuestImages.consoleIoLines(hypervisor.get(), domain.id()));
        int chunksPerPiece = HypercallContext.WORK_BUDGET;
        int expectedPieces = (text.length + 127 * chunksPerPiece - 1) / (127 * chunksPerPiece);
        assertEquals(expectedPieces - 1, pieces.size(), "continuations of a " + text.length + "-byte write");
        assertEquals(pieces.size(), hypervisor.get().pvEntry(domain).hypercallContext().continuations());
        long previousCount = text.length;
        for (long[] piece : pieces) {
            long count = piece[0];
            assertTrue(count < previousCount && count > 0, "count goes down: " + count);
            assertEquals(textAddress + (text.length - count), piece[1], "the buffer advances with the count");
            assertEquals(TinyGuest.VIRT_BASE + 22, piece[2], "RIP is rewound onto the syscall");
            assertEquals(Hypercalls.__HYPERVISOR_console_io, piece[3], "RAX holds the hypercall number again");
            previousCount = count;
        }
    }

    /** Where the text sits in the image: after the code and the two reason words. */
    private static int textOffset() {
        return consoleWriter(new byte[0]).assemble().length;
    }

    @Test
    void pendingWorkRunsOnceAfterEveryHypercallAndEveryPiece() throws Exception {
        Domain domain = build(consoleWriter(lines(600)), "pending");
        AtomicInteger runs = new AtomicInteger();
        hypervisor.get().afterEveryHypercall(context -> runs.incrementAndGet());
        assertEquals(ShutdownReason.POWEROFF, domain.run());
        long continuations = hypervisor.get().pvEntry(domain).hypercallContext().continuations();
        assertTrue(continuations > 0);
        assertEquals(continuations + 2, runs.get(), "console_io pieces, then shutdown");
    }

    @Test
    void aXenErrorGivesTheGuestTheErrnoAndTheLogOneLine() throws Exception {
        TinyGuest guest = new TinyGuest()
                .movEax(Hypercalls.__HYPERVISOR_xen_version).movEdi(1).movEsi(0x1000).syscall()
                .bytes(0x48, 0x83, 0xF8, 0xF2) // cmp rax, -14
                .jne("failed")
                .shutdown("poweroff")
                .label("failed").shutdown("crash")
                .label("poweroff").int32(0)
                .label("crash").int32(3);
        Domain domain = build(guest, "efault");
        assertEquals(ShutdownReason.POWEROFF, domain.run(), "the guest saw -EFAULT");
        String line = String.format("(XEN) d%dv0: xen_version(1) at rip %#x: bad guest address 0x1000 (16 bytes)",
                domain.id(), TinyGuest.VIRT_BASE + 15);
        assertEquals(1, hypervisor.get().console().lines().stream().filter(line::equals).count(), String.join("\n", hypervisor.get().console().lines()));
    }

    @Test
    void aHostFailureAfterAHypercallCrashesOnlyThatDomain() throws Exception {
        Domain victim = build(consoleWriter(lines(3)), "victim");
        hypervisor.get().afterEveryHypercall(context -> {
            if (context.domain() == victim) {
                throw new IllegalStateException("host bug reached by a guest");
            }
        });
        assertEquals(ShutdownReason.CRASH, victim.run());
        assertNotNull(victim.crashReport());
        assertTrue(victim.crashReport().text().contains("internal error in hypercall console_io"), victim.crashReport().text());

        Domain bystander = build(consoleWriter(lines(3)), "bystander");
        assertEquals(ShutdownReason.POWEROFF, bystander.run());
        assertEquals(3, GuestImages.consoleIoLines(hypervisor.get(), bystander.id()).size());
    }
}
