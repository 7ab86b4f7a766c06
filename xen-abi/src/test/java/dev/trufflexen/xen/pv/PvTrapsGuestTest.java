package dev.trufflexen.xen.pv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.trufflexen.xen.TestHypervisor;
import dev.trufflexen.xen.GuestImages;
import dev.trufflexen.xen.KtestResults;
import dev.trufflexen.xen.XenHypervisor;
import dev.trufflexen.xen.abi.CallbackOp;
import dev.trufflexen.xen.abi.SharedInfo;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.ShutdownReason;

/**
 * The pvtraps guest: set_trap_table, exception delivery with Xen's bounce frame, iret,
 * callback_op/set_callbacks, segment-base MSRs, set_segment_base and privileged instructions,
 * one "ok"/"not ok" line per case, run through the real path (image, builder, CPU, hypercall
 * page). The runner parses those lines, then checks from the host what the guest cannot see:
 * {@code vcpu_info.arch.cr2} and the callbacks stored on the vCPU. With {@code fatal=<case>}
 * the guest runs one case that must crash the domain, and the crash report must say why.
 */
class PvTrapsGuestTest {
    @RegisterExtension
    final TestHypervisor hypervisor = new TestHypervisor(128);

    private XenHypervisor xen() {
        return hypervisor.get();
    }

    private Domain create(String cmdline) {
        return GuestImages.createGuest(xen(), "pvtraps", cmdline);
    }

    @Test
    void everyCasePasses() {
        Domain domain = create("");
        ShutdownReason reason = domain.run();
        List<String> lines = GuestImages.consoleIoLines(xen(), domain.id());
        String all = GuestImages.transcript(xen(), domain);
        assertEquals(ShutdownReason.POWEROFF, reason, all);

        KtestResults results = KtestResults.parse(lines);
        results.assertAllPassed(500, all);

        long cr2 = domain.frames().read64(domain.sharedInfoMfn(), SharedInfo.vcpuInfo(0) + SharedInfo.VCPU_OFF_ARCH_CR2);
        assertEquals(results.value("last_cr2"), cr2, "vcpu_info.arch.cr2 holds the last #PF address");
        PvVcpu pv = xen().pvEntry(domain).pvVcpu();
        assertEquals(results.value("event_callback"), pv.callback(CallbackOp.CALLBACKTYPE_event));
        assertEquals(results.value("syscall_callback"), pv.callback(CallbackOp.CALLBACKTYPE_syscall));
        assertEquals(false, pv.callbackMasksEvents(CallbackOp.CALLBACKTYPE_syscall), "set_callbacks registers without CALLBACKF_mask_events");
        assertEquals(results.value("failsafe_callback"), pv.callback(CallbackOp.CALLBACKTYPE_failsafe), "a non-canonical set_callbacks address is skipped");
        assertEquals(true, pv.callbackMasksEvents(CallbackOp.CALLBACKTYPE_failsafe), "the skipped failsafe keeps its flag");
        assertEquals(results.value("nmi_callback"), pv.nmiCallback());
        assertEquals(true, pv.trapMasksEvents(2), "the NMI callback is entered with events masked");
        assertEquals(results.value("kernel_sp"), pv.kernelSp(), "stack_switch's kernel stack pointer");
        assertEquals(results.value("kernel_ss"), pv.kernelSs(), "stack_switch raises the selector's RPL to 3");
        assertEquals(0, pv.descriptorTables().gdtEntries(), "the stopped domain's GDT pages were released");
    }

    /** Exception round trips (bounce to the guest's int3 handler, iret back), timed by the guest; printed, not judged. */
    @Test
    void int3RoundTripsRunAndAreTimed() {
        Domain domain = create("bench=200000");
        assertEquals(ShutdownReason.POWEROFF, domain.run());
        List<String> lines = GuestImages.consoleIoLines(xen(), domain.id());
        String result = lines.stream().filter(l -> l.startsWith("bench: 200000 int3 round trips")).findFirst().orElse(null);
        assertNotNull(result, String.join("\n", lines));
        System.out.println(result);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "nohandler    | unhandled #UD: no handler for vector 6 in the trap table",
        "badstack     | fault while delivering #UD: guest stack pointer 0xffff800000000108 is in the hypervisor's range",
        "rostack      | fault while delivering #UD: its frame at",
        "ireturn-user | iret: guest switching to user mode with no user page tables",
        "iret-compat  | iret to the 32-bit code selector 0xe023: compatibility mode is not implemented",
        "iretq-compat | iret instruction to the 32-bit code selector 0xe023 at 0x1000: compatibility mode is not supported",
        "ljmp-compat  | far transfer to the 32-bit code segment 0x43:0x1000: compatibility mode is not implemented",
        "user-stack-hypervisor | fault while delivering syscall from guest user mode: guest stack pointer 0xffff800000001000 is in the hypervisor's range",
        "user-stack-noncanonical | fault while delivering syscall from guest user mode: its frame at 0x7fffffffffffffc8 (guest RSP 0x8000000000000000) is not writable",
        "sysenter-kernel | fault while delivering #GP error 0x0: its frame at 0xffffffffffffffc0",
        "iret-hypervisor-stack | iret: fault while reading the iret context from the guest stack at 0xffff800000000000",
    })
    void fatalCasesCrashTheDomainWithAReport(String fatalCase, String expected) {
        Domain domain = create("fatal=" + fatalCase);
        assertEquals(ShutdownReason.CRASH, domain.run(), String.join("\n", GuestImages.consoleIoLines(xen(), domain.id())));
        String report = domain.crashReport().text();
        assertTrue(report.contains(expected), report);
        assertTrue(GuestImages.consoleIoLines(xen(), domain.id()).contains("fatal case " + fatalCase));
    }
}
