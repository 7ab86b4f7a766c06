package dev.trufflexen.xen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.trufflexen.xen.builder.TinyGuest;

import dev.trufflexen.x86.memory.MachineMemory;
import dev.trufflexen.xen.abi.Hypercalls;
import dev.trufflexen.xen.abi.SchedOp;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.DomainSpec;
import dev.trufflexen.xen.domain.ShutdownAction;
import dev.trufflexen.xen.domain.ShutdownReason;

/**
 * A host write over code a guest is running (a backend filling a page, a restarted domain, a
 * reused frame) through {@code GuestFrames}: the guest executes the new code, because the write
 * invalidates the translated regions built from the old bytes. The same write straight into
 * machine memory leaves the stale translation running, which shows the test can tell.
 */
class HostWriteOverCodeTest {
    private static final int PATCH = 0x100;
    private static final int YIELDS_BEFORE_WRITE = 200;
    private static final int YIELDS_BEFORE_GIVING_UP = 20_000;

    @TempDir
    Path dir;

    @RegisterExtension
    final TestHypervisor hypervisor = new TestHypervisor(128);

    /** Yields forever: the loop jumps to a patch site that jumps back. */
    private static TinyGuest yieldLoop() {
        return new TinyGuest()
                .label("loop").movEax(Hypercalls.__HYPERVISOR_sched_op).movEdi(SchedOp.SCHEDOP_yield).movEsi(0).syscall()
                .jmp("patch")
                .at(PATCH).label("patch").jmp("loop")
                .at(PATCH + 0x40).label("poweroff").int32(0);
    }

    /** What the host writes at the patch site: shutdown(poweroff), reason word at the same place as before. */
    private static byte[] poweroffAtPatch() {
        byte[] whole = new TinyGuest().at(PATCH).shutdown("poweroff").at(PATCH + 0x40).label("poweroff").int32(0)
                .assemble();
        return java.util.Arrays.copyOfRange(whole, PATCH, PATCH + 0x40);
    }

    private ShutdownReason runAndPatch(boolean throughGuestFrames) throws Exception {
        Domain domain = hypervisor.get().createDomain(new DomainSpec("patched", yieldLoop().writeImage(dir, "patched"),
                Optional.empty(), 8, 1, "", ShutdownAction.DESTROY, ShutdownAction.DESTROY, ShutdownAction.DESTROY));
        long codeFrame = hypervisor.get().bootImage(domain).p2m()[0];
        byte[] newCode = poweroffAtPatch();
        AtomicInteger yields = new AtomicInteger();
        hypervisor.get().afterEveryHypercall(context -> {
            int n = yields.incrementAndGet();
            if (n == YIELDS_BEFORE_WRITE) {
                if (throughGuestFrames) {
                    hypervisor.get().guestFrames().copyIn(codeFrame, PATCH, newCode, 0, newCode.length);
                } else {
                    hypervisor.get().memory().copyIn((codeFrame << MachineMemory.PAGE_SHIFT) + PATCH, newCode, 0, newCode.length);
                }
            } else if (n == YIELDS_BEFORE_WRITE + YIELDS_BEFORE_GIVING_UP) {
                context.domain().crash(context.vcpu(), "still running the old code", null);
            }
        });
        return domain.run();
    }

    @Test
    void theGuestRunsWhatTheHostWroteOverItsCode() throws Exception {
        assertEquals(ShutdownReason.POWEROFF, runAndPatch(true), String.join("\n", hypervisor.get().console().lines()));
    }

    @Test
    void aWriteThatBypassesGuestFramesLeavesStaleCodeRunning() throws Exception {
        assertEquals(ShutdownReason.CRASH, runAndPatch(false));
    }
}
