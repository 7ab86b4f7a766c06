package dev.trufflexen.xen.abi;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every structure layout and every named constant of the Java ABI, with the C spelling the guest
 * SDK's header uses. A test turns this catalog into {@code _Static_assert}s and compiles them
 * against {@code guest-images/sdk/include}, so the C and Java sides cannot drift apart.
 */
public final class AbiCatalog {
    /** Constant classes whose public static final fields are spelled exactly as in C. */
    private static final List<Class<?>> SAME_SPELLING = List.of(Hypercalls.class, SchedOp.class, XenVersionOp.class,
            ConsoleIo.class, XenElfNotes.class, XenFeatures.class, EventChannelOp.class, StartInfo.class, X86Pv.class);

    /** Prefixes of the C constants that the catalog covers. */
    private static final List<String> C_PREFIXES = List.of("__HYPERVISOR_", "SCHEDOP_", "SHUTDOWN_", "XENVER_",
            "CONSOLEIO_", "XEN_ELFNOTE_", "XENFEAT_", "EVTCHNOP_", "SIF_", "FLAT_", "HYPERVISOR_VIRT_",
            "MACH2PHYS_VIRT_");

    private AbiCatalog() {
    }

    public static List<AbiStruct> structs() {
        return List.of(StartInfo.LAYOUT, SharedInfo.LAYOUT, SharedInfo.VCPU_INFO_LAYOUT, SharedInfo.TIME_INFO_LAYOUT,
                ConsoleInterface.LAYOUT, SchedOp.SHUTDOWN_LAYOUT, SchedOp.REMOTE_SHUTDOWN_LAYOUT,
                XenVersionOp.COMPILE_INFO_LAYOUT, XenVersionOp.PLATFORM_PARAMETERS_LAYOUT,
                XenVersionOp.FEATURE_INFO_LAYOUT);
    }

    /** C constant name to value: hypercall numbers, sub-commands, notes, flags, errno (as XEN_Exxx). */
    public static Map<String, Long> constants() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Class<?> type : SAME_SPELLING) {
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
        if (!Modifier.isStatic(field.getModifiers())) {
            throw new IllegalStateException(field + " is not static");
        }
        try {
            return field.getType() == long.class ? field.getLong(null) : field.getInt(null);
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
            for (AbiStruct.Field field : struct.fields()) {
                lines.add(String.format("_Static_assert(offsetof(%s, %s) == %d, \"offsetof(%s, %s) == %d\");",
                        struct.cName(), field.member(), field.offset(), struct.cName(), field.member(), field.offset()));
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
