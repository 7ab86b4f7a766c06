package dev.trufflexen.xen.abi;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every structure layout and every named constant of the Java ABI, with the C spelling the guest
 * SDK's headers use, found by reflection over the ABI classes. A test checks both ways: the
 * catalog becomes {@code _Static_assert}s compiled against {@code guest-images/sdk/include}, and
 * every {@code #define} and {@code struct} of those headers must be in the catalog or in
 * {@link #C_ONLY} with the reason it has no Java twin.
 */
public final class AbiCatalog {
    /** The classes holding Xen's public headers in Java. */
    public static final List<Class<?>> ABI_CLASSES = List.of(Hypercalls.class, SchedOp.class, XenVersionOp.class,
            ConsoleIo.class, ConsoleInterface.class, XenElfNotes.class, XenFeatures.class, EventChannelOp.class,
            StartInfo.class, SharedInfo.class, X86Pv.class, Mmu.class, Virq.class, DomainIds.class, VmAssist.class,
            CallbackOp.class, VcpuOp.class, VcpuGuestContext.class, MemoryOp.class, PhysdevOp.class, XsWire.class);

    /** Prefixes (or whole names) of fields spelled exactly as the C constant. */
    private static final List<String> C_PREFIXES = List.of("__HYPERVISOR_", "SCHEDOP_", "SHUTDOWN_", "XENVER_",
            "CONSOLEIO_", "XEN_ELFNOTE_", "XENFEAT_", "EVTCHNOP_", "EVTCHNSTAT_", "RUNSTATE_", "VCPU_SSHOTTMR_", "_VCPU_SSHOTTMR_", "SIF_", "FLAT_", "HYPERVISOR_VIRT_",
            "MACH2PHYS_", "MMU_", "MMUEXT_", "UVMF_", "VIRQ_", "NR_VIRQS", "DOMID_", "VMASST_", "MAX_VMASST_TYPE",
            "CALLBACKTYPE_", "CALLBACKOP_", "CALLBACKF_", "_CALLBACKF_", "VCPUOP_", "XENMEM_", "XENMEMF_",
            "XENMAPSPACE_", "PHYSDEVOP_", "SEGBASE_", "_VGCF_", "VGCF_", "XEN_LEGACY_MAX_VCPUS", "MAX_VIRT_CPUS",
            "XEN_PVCLOCK_", "EVTCHN_2L_NR_CHANNELS", "EVTCHN_FIFO_", "MAX_GUEST_CMDLINE", "XEN_EXTRAVERSION_LEN",
            "XEN_CAPABILITIES_INFO_LEN", "XEN_CHANGESET_INFO_LEN", "XS_", "XENSTORE_");

    /** Definitions of the SDK's C headers that have no Java twin, each with the reason. */
    public static final Map<String, String> C_ONLY = Map.of(
            "__HYPERVISOR_VIRT_START", "assembly spelling of HYPERVISOR_VIRT_START (same value, no UL suffix)",
            "__HYPERVISOR_VIRT_END", "assembly spelling of HYPERVISOR_VIRT_END",
            "__MACH2PHYS_VIRT_START", "assembly spelling of MACH2PHYS_VIRT_START",
            "__MACH2PHYS_VIRT_END", "assembly spelling of MACH2PHYS_VIRT_END",
            "XEN_EMULATE_PREFIX", "a string of assembler directives; Java has the bytes in ArchX86Cpuid",
            "XEN_CPUID", "a string of assembler directives (the prefix, then cpuid)");

    private AbiCatalog() {
    }

    /** Every layout declared in the ABI classes, in declaration order. */
    public static List<AbiStruct> structs() {
        List<AbiStruct> out = new ArrayList<>();
        for (Class<?> type : ABI_CLASSES) {
            for (Field field : type.getFields()) {
                if (field.getType() == AbiStruct.class && Modifier.isStatic(field.getModifiers())) {
                    out.add((AbiStruct) read(field));
                }
            }
        }
        return out;
    }

    /** C constant name to value: hypercall numbers, sub-commands, notes, flags, errno (as XEN_Exxx). */
    public static Map<String, Long> constants() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Class<?> type : ABI_CLASSES) {
            for (Field field : type.getFields()) {
                boolean numeric = field.getType() == int.class || field.getType() == long.class;
                if (numeric && C_PREFIXES.stream().anyMatch(field.getName()::startsWith)) {
                    out.put(field.getName(), value(field));
                }
            }
        }
        for (Field field : XenErrno.class.getFields()) {
            out.put("XEN_" + field.getName(), value(field));
        }
        return out;
    }

    private static long value(Field field) {
        Object value = read(field);
        return value instanceof Long l ? l : (Integer) value;
    }

    private static Object read(Field field) {
        if (!Modifier.isStatic(field.getModifiers())) {
            throw new IllegalStateException(field + " is not static");
        }
        try {
            return field.get(null);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A C translation unit asserting the whole catalog, given the headers to include. */
    public static String staticAssertions(List<String> includes) {
        StringBuilder c = new StringBuilder("/* Generated from the Java ABI (AbiCatalog). */\n");
        c.append("#include <stddef.h>\n");
        for (String include : includes) {
            c.append("#include <").append(include).append(">\n");
        }
        List<String> lines = new ArrayList<>();
        for (AbiStruct struct : structs()) {
            lines.add(String.format("_Static_assert(sizeof(%s) == %d, \"sizeof(%s) == %d\");", struct.cName(),
                    struct.size(), struct.cName(), struct.size()));
            for (AbiField field : struct.fields()) {
                lines.add(String.format("_Static_assert(offsetof(%s, %s) == %d, \"offsetof(%s, %s) == %d\");",
                        struct.cName(), field.member(), field.offset(), struct.cName(), field.member(), field.offset()));
                lines.add(String.format("_Static_assert(sizeof(((%s *)0)->%s) == %d, \"sizeof %s.%s == %d\");",
                        struct.cName(), field.member(), field.size(), struct.cName(), field.member(), field.size()));
            }
        }
        for (Map.Entry<String, Long> constant : constants().entrySet()) {
            lines.add(String.format("_Static_assert((unsigned long long)(%s) == %dULL, \"%s == %d\");",
                    constant.getKey(), constant.getValue(), constant.getKey(), constant.getValue()));
        }
        lines.forEach(line -> c.append(line).append('\n'));
        return c.toString();
    }
}
