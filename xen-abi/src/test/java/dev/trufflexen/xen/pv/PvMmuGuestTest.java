package dev.trufflexen.xen.pv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.xen.TestHypervisor;
import dev.trufflexen.xen.GuestImages;
import dev.trufflexen.xen.KtestResults;
import dev.trufflexen.xen.XenHypervisor;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.DomainSpec;
import dev.trufflexen.xen.domain.ShutdownAction;
import dev.trufflexen.xen.domain.ShutdownReason;

/**
 * The pvmmu guest: mmu_update, mmuext_op, update_va_mapping(_otherdomain) and vm_assist case by
 * case against Xen's rules, hostile cases included, through the real path. The guest yields
 * after every group of cases (and after each hostile one); at each yield the invariant checker
 * audits its frames, counts and TLB from the vCPU's own thread. After the domain is released
 * every frame must be back in the pool.
 */
class PvMmuGuestTest {
    /** The argument of the guest's yields that ask for an audit (pvmmu.h). */
    private static final long AUDIT_MARK = 0x415544495400L;
    @RegisterExtension
    final TestHypervisor hypervisor = new TestHypervisor(128);

    private XenHypervisor xen() {
        return hypervisor.get();
    }

    private Domain create(String cmdline) {
        return GuestImages.createGuest(xen(), "pvmmu", cmdline);
    }

    @Test
    void everyCasePassesAndTheInvariantsHoldAfterEachGroup() {
        Domain domain = create("domid=1");
        assertEquals(1, domain.id(), "the guest is told its id on its command line");
        List<String> violations = new ArrayList<>();
        int[] audits = {0};
        long[] auditNanos = {0};
        long started = System.nanoTime();
        domain.onYield(() -> {
            if (domain.vcpu0().cpu().reg(X86Reg.RSI) != AUDIT_MARK) {
                return;
            }
            long t0 = System.nanoTime();
            audits[0]++;
            for (String v : xen().auditMmu(domain)) {
                violations.add("audit " + audits[0] + ": " + v);
            }
            auditNanos[0] += System.nanoTime() - t0;
        });
        ShutdownReason reason = domain.run();
        System.out.printf("pvmmu: %d audits, %d ms auditing, %d ms in all%n", audits[0], auditNanos[0] / 1_000_000,
                (System.nanoTime() - started) / 1_000_000);
        List<String> lines = GuestImages.consoleIoLines(xen(), domain.id());
        String all = GuestImages.transcript(xen(), domain);
        assertEquals(ShutdownReason.POWEROFF, reason, all);
        KtestResults.parse(lines).assertAllPassed(320, all);
        assertTrue(audits[0] >= 10, "the checker ran after every group: " + audits[0]);
        assertEquals(List.of(), violations);
        int domid = domain.id();
        domain.release();
        assertEquals(List.of(), xen().auditReleased(domid));
    }

    /** mmu_update in batches of 1, 16 and 512 entries and update_va_mapping with INVLPG, timed by the guest; printed. */
    @Test
    void mmuHypercallsRunAndAreTimed() {
        for (String bench : List.of("mmu1,2000", "mmu16,200", "mmu512,10", "uvm,2000")) {
            XenHypervisor.Options options = new XenHypervisor.Options(false, false, null, 128);
            try (XenHypervisor x = XenHypervisor.create(options)) {
                Domain domain = x.createDomain(new DomainSpec("pvmmu", GuestImages.kernel("pvmmu"), Optional.empty(), 32, 1,
                        "bench=" + bench, ShutdownAction.DESTROY, ShutdownAction.DESTROY, ShutdownAction.DESTROY));
                assertEquals(ShutdownReason.POWEROFF, domain.run());
                List<String> lines = GuestImages.consoleIoLines(x, domain.id());
                String timing = lines.stream().filter(l -> l.startsWith("bench:")).findFirst().orElse("");
                assertTrue(timing.contains(" ns"), String.join("\n", lines));
                System.out.println(timing);
                int domid = domain.id();
                domain.release();
                assertEquals(List.of(), x.auditReleased(domid));
            }
        }
    }
}
