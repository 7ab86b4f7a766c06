package dev.trufflexen.xen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.xen.abi.CallbackOp;
import dev.trufflexen.xen.abi.ConsoleIo;
import dev.trufflexen.xen.abi.EventChannelOp;
import dev.trufflexen.xen.abi.Hypercalls;
import dev.trufflexen.xen.abi.MemoryOp;
import dev.trufflexen.xen.abi.PhysdevOp;
import dev.trufflexen.xen.abi.SchedOp;
import dev.trufflexen.xen.abi.SharedInfo;
import dev.trufflexen.xen.abi.VcpuOp;
import dev.trufflexen.xen.abi.X86Pv;
import dev.trufflexen.xen.abi.XenErrno;
import dev.trufflexen.xen.abi.XenVersionOp;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.DomainSpec;
import dev.trufflexen.xen.domain.ShutdownReason;
import dev.trufflexen.xen.hypercall.Hypercall;
import dev.trufflexen.xen.hypercall.HypercallTable;
import dev.trufflexen.xen.pv.PhysdevOpHypercall;

/**
 * Every hypercall number of the 64-entry table and every sub-operation of the multiplexed ones,
 * each handled or "-ENOSYS because ...": TruffleXen's own hypercall-defs. The list is checked
 * against the table and against what the handlers declare, and every -ENOSYS entry is made
 * through the real dispatch path and must answer -ENOSYS.
 */
class HypercallCoverageTest {
    private static final String HANDLED = Hypercall.HANDLED;
    private static final String NONE = "-ENOSYS because Xen defines no hypercall with this number";

    /** __HYPERVISOR_* number to its status, 0..63. */
    static Map<Integer, String> hypercalls() {
        Map<Integer, String> m = new TreeMap<>();
        for (int n = 0; n < Hypercalls.NR_hypercalls; n++) {
            m.put(n, NONE);
        }
        m.put(Hypercalls.__HYPERVISOR_set_trap_table, HANDLED);
        m.put(Hypercalls.__HYPERVISOR_mmu_update, HANDLED);
        m.put(Hypercalls.__HYPERVISOR_set_gdt, HANDLED);
        m.put(Hypercalls.__HYPERVISOR_stack_switch, HANDLED);
        m.put(Hypercalls.__HYPERVISOR_set_callbacks, HANDLED);
        m.put(Hypercalls.__HYPERVISOR_fpu_taskswitch, HANDLED);
        m.put(Hypercalls.__HYPERVISOR_sched_op_compat, "-ENOSYS because the pre-3.0.2 sched_op ABI is not offered; guests use sched_op");
        m.put(Hypercalls.__HYPERVISOR_platform_op, "-ENOSYS because platform_op is for the control domain, which TruffleXen does not run as a guest");
        m.put(Hypercalls.__HYPERVISOR_set_debugreg, HANDLED);
        m.put(Hypercalls.__HYPERVISOR_get_debugreg, HANDLED);
        m.put(Hypercalls.__HYPERVISOR_update_descriptor, HANDLED);
        m.put(Hypercalls.__HYPERVISOR_memory_op, HANDLED);
        m.put(Hypercalls.__HYPERVISOR_multicall, HANDLED);
        m.put(Hypercalls.__HYPERVISOR_update_va_mapping, HANDLED);
        m.put(Hypercalls.__HYPERVISOR_set_timer_op, HANDLED);
        m.put(Hypercalls.__HYPERVISOR_event_channel_op_compat, "-ENOSYS because the pre-3.0.2 event channel ABI is not offered");
        m.put(Hypercalls.__HYPERVISOR_xen_version, HANDLED);
        m.put(Hypercalls.__HYPERVISOR_console_io, HANDLED);
        m.put(Hypercalls.__HYPERVISOR_physdev_op_compat, "-ENOSYS because the pre-3.0.2 physdev ABI is not offered");
        m.put(Hypercalls.__HYPERVISOR_grant_table_op, "-ENOSYS because grant tables arrive with the grant table issue");
        m.put(Hypercalls.__HYPERVISOR_vm_assist, HANDLED);
        m.put(Hypercalls.__HYPERVISOR_update_va_mapping_otherdomain, HANDLED);
        m.put(Hypercalls.__HYPERVISOR_iret, HANDLED);
        m.put(Hypercalls.__HYPERVISOR_vcpu_op, HANDLED);
        m.put(Hypercalls.__HYPERVISOR_set_segment_base, HANDLED);
        m.put(Hypercalls.__HYPERVISOR_mmuext_op, HANDLED);
        m.put(Hypercalls.__HYPERVISOR_xsm_op, "-ENOSYS because TruffleXen has no XSM module (Xen without CONFIG_XSM)");
        m.put(Hypercalls.__HYPERVISOR_nmi_op, "-ENOSYS because the legacy nmi_op is not implemented yet; callback_op registers NMI callbacks");
        m.put(Hypercalls.__HYPERVISOR_sched_op, HANDLED);
        m.put(Hypercalls.__HYPERVISOR_callback_op, HANDLED);
        m.put(Hypercalls.__HYPERVISOR_xenoprof_op, "-ENOSYS because there is no profiler (Xen without oprofile)");
        m.put(Hypercalls.__HYPERVISOR_event_channel_op, HANDLED);
        m.put(Hypercalls.__HYPERVISOR_physdev_op, HANDLED);
        m.put(Hypercalls.__HYPERVISOR_hvm_op, "-ENOSYS because TruffleXen runs PV guests only");
        m.put(Hypercalls.__HYPERVISOR_sysctl, "-ENOSYS because the toolstack is Java in this process, not a dom0 making sysctls");
        m.put(Hypercalls.__HYPERVISOR_domctl, "-ENOSYS because the toolstack is Java in this process, not a dom0 making domctls");
        m.put(Hypercalls.__HYPERVISOR_kexec_op, "-ENOSYS because kexec is for the hardware domain (Xen without CONFIG_KEXEC)");
        m.put(Hypercalls.__HYPERVISOR_tmem_op, "-ENOSYS because Xen removed tmem");
        m.put(Hypercalls.__HYPERVISOR_argo_op, "-ENOSYS because there is no Argo (Xen without CONFIG_ARGO)");
        m.put(Hypercalls.__HYPERVISOR_xenpmu_op, "-ENOSYS because there is no virtual PMU");
        m.put(Hypercalls.__HYPERVISOR_dm_op, "-ENOSYS because there are no device models (PV only)");
        m.put(Hypercalls.__HYPERVISOR_hypfs_op, "-ENOSYS because there is no hypervisor file system (Xen without CONFIG_HYPFS)");
        m.put(Hypercalls.__HYPERVISOR_arch_0, "-ENOSYS because machine-check (mca) is for the hardware domain");
        m.put(Hypercalls.__HYPERVISOR_arch_1, "-ENOSYS because paging_domctl_cont continues a domctl, which guests cannot make");
        for (int n = Hypercalls.__HYPERVISOR_arch_2; n <= Hypercalls.__HYPERVISOR_arch_7; n++) {
            m.put(n, "-ENOSYS because x86 defines no hypercall at __HYPERVISOR_arch_" + (n - Hypercalls.__HYPERVISOR_arch_0));
        }
        return m;
    }

    /** Sub-operations of each multiplexed hypercall: command to status. */
    static Map<Integer, Map<Integer, String>> subOps() {
        Map<Integer, String> evtchn = new TreeMap<>(constants(EventChannelOp.class, "EVTCHNOP_", HANDLED));
        Map<Integer, String> sched = new TreeMap<>(constants(SchedOp.class, "SCHEDOP_", HANDLED));
        Map<Integer, String> physdev = new TreeMap<>(constants(PhysdevOp.class, "PHYSDEVOP_", PhysdevOpHypercall.NO_DEVICES));
        physdev.put(PhysdevOp.PHYSDEVOP_set_iopl, HANDLED);
        physdev.put(PhysdevOp.PHYSDEVOP_set_iobitmap, HANDLED);
        Map<Integer, String> vcpu = new TreeMap<>(constants(VcpuOp.class, "VCPUOP_", HANDLED));
        vcpu.put(VcpuOp.VCPUOP_get_physid, "-ENOSYS: for the hardware domain");
        for (int cmd : new int[] {VcpuOp.VCPUOP_register_runstate_phys_area, VcpuOp.VCPUOP_register_vcpu_time_phys_area}) {
            vcpu.put(cmd, "-ENOSYS: not implemented");
        }
        Map<Integer, String> memory = new TreeMap<>(constants(MemoryOp.class, "XENMEM_", HANDLED));
        memory.put(MemoryOp.XENMEM_paging_op, "-ENOSYS because Xen answers it so without CONFIG_MEM_PAGING (its default)");
        memory.put(MemoryOp.XENMEM_sharing_op, "-ENOSYS because Xen answers it so without CONFIG_MEM_SHARING (its default)");
        return Map.of(
                Hypercalls.__HYPERVISOR_memory_op, memory,
                Hypercalls.__HYPERVISOR_physdev_op, physdev,
                Hypercalls.__HYPERVISOR_console_io, constants(ConsoleIo.class, "CONSOLEIO_", HANDLED),
                Hypercalls.__HYPERVISOR_xen_version, constants(XenVersionOp.class, "XENVER_", HANDLED),
                Hypercalls.__HYPERVISOR_sched_op, sched,
                Hypercalls.__HYPERVISOR_event_channel_op, evtchn,
                Hypercalls.__HYPERVISOR_vcpu_op, vcpu,
                Hypercalls.__HYPERVISOR_callback_op, constants(CallbackOp.class, "CALLBACKOP_", HANDLED),
                Hypercalls.__HYPERVISOR_set_segment_base, constants(X86Pv.class, "SEGBASE_", HANDLED));
    }

    private static Map<Integer, String> constants(Class<?> type, String prefix, String status) {
        Map<Integer, String> m = new TreeMap<>();
        for (Field field : type.getFields()) {
            if (field.getName().startsWith(prefix) && field.getType() == int.class) {
                try {
                    m.put(field.getInt(null), status);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return m;
    }

    private XenHypervisor xen;

    @BeforeEach
    void start() {
        xen = XenHypervisor.create(new XenHypervisor.Options(false, false, null, 64));
    }

    @AfterEach
    void stop() {
        xen.close();
    }

    @Test
    void everyNumberIsHandledOrHasAReason() {
        HypercallTable table = xen.hypercallTable();
        List<String> wrong = new ArrayList<>();
        hypercalls().forEach((number, status) -> {
            assertTrue(status.equals(HANDLED) || status.startsWith("-ENOSYS because "), status);
            boolean handled = table.get(number) != null;
            if (handled != status.equals(HANDLED)) {
                wrong.add(Hypercalls.name(number) + ": list says '" + status + "', table " + (handled ? "has" : "lacks") + " a handler");
            }
        });
        assertEquals(List.of(), wrong);
        assertEquals(Hypercalls.NR_hypercalls, hypercalls().size());
    }

    @Test
    void everySubOperationIsDeclaredByItsHandlerAsListed() {
        HypercallTable table = xen.hypercallTable();
        for (int number : table.numbers()) {
            Map<Integer, String> listed = subOps().getOrDefault(number, Map.of());
            assertEquals(listed, new TreeMap<>(table.get(number).subOps()), "sub-operations of " + Hypercalls.name(number));
        }
        assertTrue(subOps().keySet().stream().allMatch(n -> table.get(n) != null), "sub-ops listed for unhandled hypercalls");
    }

    @Test
    void everyEnosysEntryAnswersEnosysThroughTheRealPath() {
        Domain domain = xen.createDomain(DomainSpec.of("probe", GuestImages.kernel("hello"), 16, ""));
        X86Cpu cpu = domain.vcpu0().cpu();
        hypercalls().forEach((number, status) -> {
            if (!status.equals(HANDLED)) {
                assertEquals(-XenErrno.ENOSYS, call(domain, cpu, number, 0), Hypercalls.name(number) + ": " + status);
            }
        });
        subOps().forEach((number, ops) -> ops.forEach((cmd, status) -> {
            if (number == Hypercalls.__HYPERVISOR_vcpu_op && cmd == VcpuOp.VCPUOP_down) {
                return; // probed last: it takes the domain's only vCPU down
            }
            long result = call(domain, cpu, number, cmd);
            String what = Hypercalls.name(number) + "(" + cmd + "): " + status;
            if (status.equals(HANDLED)) {
                assertNotEquals(-XenErrno.ENOSYS, result, what);
            } else {
                assertEquals(-XenErrno.ENOSYS, result, what);
            }
        }));
        assertNull(domain.shutdownReason(), "no probe may have stopped the domain");
        assertEquals(0, call(domain, cpu, Hypercalls.__HYPERVISOR_vcpu_op, VcpuOp.VCPUOP_down), "vcpu_op(down) of vCPU 0");
        assertEquals(ShutdownReason.POWEROFF, domain.shutdownReason(), "the last vCPU going down powers off, as in Xen");
    }

    /** Makes hypercall {@code number}(cmd, NULL, 0...) as the guest's syscall would; returns RAX. */
    private static long call(Domain domain, X86Cpu cpu, int number, int cmd) {
        // An event is pending, so a probe of SCHEDOP_block returns at once instead of sleeping.
        domain.frames().write8(domain.sharedInfoMfn(), SharedInfo.vcpuInfo(0) + SharedInfo.VCPU_OFF_EVTCHN_UPCALL_PENDING,
                (byte) 1);
        cpu.setReg(X86Reg.RAX, number);
        cpu.setReg(X86Reg.RDI, cmd);
        cpu.setReg(X86Reg.RSI, 0);
        cpu.setReg(X86Reg.RDX, 0);
        cpu.setRip(cpu.rip() + 2);
        cpu.platform().syscall(cpu);
        return cpu.reg(X86Reg.RAX);
    }
}
