package dev.trufflexen.xen.abi;

/** Hypercall numbers ({@code xen/include/public/xen.h}), spelled as Xen spells them. */
@SuppressWarnings("checkstyle:ConstantName")
public final class Hypercalls {
    public static final int __HYPERVISOR_set_trap_table = 0;
    public static final int __HYPERVISOR_mmu_update = 1;
    public static final int __HYPERVISOR_set_gdt = 2;
    public static final int __HYPERVISOR_stack_switch = 3;
    public static final int __HYPERVISOR_set_callbacks = 4;
    public static final int __HYPERVISOR_fpu_taskswitch = 5;
    public static final int __HYPERVISOR_sched_op_compat = 6;
    public static final int __HYPERVISOR_platform_op = 7;
    public static final int __HYPERVISOR_set_debugreg = 8;
    public static final int __HYPERVISOR_get_debugreg = 9;
    public static final int __HYPERVISOR_update_descriptor = 10;
    public static final int __HYPERVISOR_memory_op = 12;
    public static final int __HYPERVISOR_multicall = 13;
    public static final int __HYPERVISOR_update_va_mapping = 14;
    public static final int __HYPERVISOR_set_timer_op = 15;
    public static final int __HYPERVISOR_event_channel_op_compat = 16;
    public static final int __HYPERVISOR_xen_version = 17;
    public static final int __HYPERVISOR_console_io = 18;
    public static final int __HYPERVISOR_physdev_op_compat = 19;
    public static final int __HYPERVISOR_grant_table_op = 20;
    public static final int __HYPERVISOR_vm_assist = 21;
    public static final int __HYPERVISOR_update_va_mapping_otherdomain = 22;
    public static final int __HYPERVISOR_iret = 23;
    public static final int __HYPERVISOR_vcpu_op = 24;
    public static final int __HYPERVISOR_set_segment_base = 25;
    public static final int __HYPERVISOR_mmuext_op = 26;
    public static final int __HYPERVISOR_xsm_op = 27;
    public static final int __HYPERVISOR_nmi_op = 28;
    public static final int __HYPERVISOR_sched_op = 29;
    public static final int __HYPERVISOR_callback_op = 30;
    public static final int __HYPERVISOR_xenoprof_op = 31;
    public static final int __HYPERVISOR_event_channel_op = 32;
    public static final int __HYPERVISOR_physdev_op = 33;
    public static final int __HYPERVISOR_hvm_op = 34;
    public static final int __HYPERVISOR_sysctl = 35;
    public static final int __HYPERVISOR_domctl = 36;
    public static final int __HYPERVISOR_kexec_op = 37;
    public static final int __HYPERVISOR_tmem_op = 38;
    public static final int __HYPERVISOR_argo_op = 39;
    public static final int __HYPERVISOR_xenpmu_op = 40;
    public static final int __HYPERVISOR_dm_op = 41;
    public static final int __HYPERVISOR_hypfs_op = 42;
    public static final int __HYPERVISOR_arch_0 = 48;
    public static final int __HYPERVISOR_arch_1 = 49;
    public static final int __HYPERVISOR_arch_2 = 50;
    public static final int __HYPERVISOR_arch_3 = 51;
    public static final int __HYPERVISOR_arch_4 = 52;
    public static final int __HYPERVISOR_arch_5 = 53;
    public static final int __HYPERVISOR_arch_6 = 54;
    public static final int __HYPERVISOR_arch_7 = 55;

    /** struct multicall_entry: one call of a multicall batch. */
    public static final AbiStruct MULTICALL_ENTRY_LAYOUT = new AbiStruct("struct multicall_entry", 64);
    public static final AbiField MULTICALL_OP = MULTICALL_ENTRY_LAYOUT.in(AbiType.ULONG, "op", 0);
    public static final AbiField MULTICALL_RESULT = MULTICALL_ENTRY_LAYOUT.out(AbiType.ULONG, "result", 8);
    public static final AbiField MULTICALL_ARGS = MULTICALL_ENTRY_LAYOUT.in(AbiType.bytes(48), "args", 16);

    /** Size of the hypercall table and of the hypercall page in stubs (4096 / 32). */
    public static final int NR_hypercalls = 64;
    public static final int HYPERCALL_PAGE_STUBS = 128;
    public static final int HYPERCALL_STUB_SIZE = 32;

    private static final String[] NAMES = new String[NR_hypercalls];

    static {
        for (var field : Hypercalls.class.getFields()) {
            String name = field.getName();
            if (name.startsWith("__HYPERVISOR_")) {
                try {
                    NAMES[field.getInt(null)] = name.substring("__HYPERVISOR_".length());
                } catch (IllegalAccessException e) {
                    throw new ExceptionInInitializerError(e);
                }
            }
        }
    }

    private Hypercalls() {
    }

    /** Xen's name for a hypercall number, e.g. "console_io", or "#99" for an unknown one. */
    public static String name(long number) {
        if (number >= 0 && number < NR_hypercalls && NAMES[(int) number] != null) {
            return NAMES[(int) number];
        }
        return "#" + number;
    }
}
