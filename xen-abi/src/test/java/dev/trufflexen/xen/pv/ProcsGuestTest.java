package dev.trufflexen.xen.pv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.xen.TestHypervisor;
import dev.trufflexen.xen.GuestImages;
import dev.trufflexen.xen.KtestResults;
import dev.trufflexen.xen.XenHypervisor;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.ShutdownReason;

/**
 * The procs guest: a small process kernel on the validated PV MMU. Two user processes with their
 * own pinned L4s switch through the syscall and iret paths (MMUEXT_NEW_USER_BASEPTR at every
 * switch) and fill their memory through the kernel's own #PF handler; processes that touch the
 * kernel or the shared user text are killed; a parent forks and waits for children that share its
 * memory copy-on-write, then exit and have their tables unpinned and frames freed. The guest
 * yields with the audit mark between groups and every few switches while processes are alive;
 * the MMU invariant checker must find nothing there, and nothing after the domain is released.
 */
class ProcsGuestTest {
    /** The argument of the guest's yields that ask for an audit (procs.c). */
    private static final long AUDIT_MARK = 0x415544495400L;
    @RegisterExtension
    final TestHypervisor hypervisor = new TestHypervisor(128);

    private XenHypervisor xen() {
        return hypervisor.get();
    }

    @Test
    void processesKeepTheirOwnMemoryAndForkCopiesOnWrite() {
        Domain domain = GuestImages.createGuest(xen(), "procs", "forks=20");
        List<String> violations = new ArrayList<>();
        int[] audits = {0};
        domain.onYield(() -> {
            if (domain.vcpu0().cpu().reg(X86Reg.RSI) != AUDIT_MARK) {
                return;
            }
            audits[0]++;
            for (String v : xen().auditMmu(domain)) {
                violations.add("audit " + audits[0] + ": " + v);
            }
        });
        ShutdownReason reason = domain.run();
        List<String> lines = GuestImages.consoleIoLines(xen(), domain.id());
        String all = GuestImages.transcript(xen(), domain);
        assertEquals(ShutdownReason.POWEROFF, reason, all);
        KtestResults.parse(lines).assertAllPassed(17, all);
        assertTrue(audits[0] >= 8, "the checker ran between groups and while processes ran: " + audits[0]);
        assertEquals(List.of(), violations);
        int domid = domain.id();
        domain.release();
        assertEquals(List.of(), xen().auditReleased(domid));
    }
}
