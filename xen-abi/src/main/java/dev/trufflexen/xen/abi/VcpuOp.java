package dev.trufflexen.xen.abi;

/** vcpu_op commands ({@code vcpu.h}). */
public final class VcpuOp {
    public static final int VCPUOP_initialise = 0;
    public static final int VCPUOP_up = 1;
    public static final int VCPUOP_down = 2;
    public static final int VCPUOP_is_up = 3;
    public static final int VCPUOP_get_runstate_info = 4;
    public static final int VCPUOP_register_runstate_memory_area = 5;
    public static final int VCPUOP_set_periodic_timer = 6;
    public static final int VCPUOP_stop_periodic_timer = 7;
    public static final int VCPUOP_set_singleshot_timer = 8;
    public static final int VCPUOP_stop_singleshot_timer = 9;
    public static final int VCPUOP_register_vcpu_info = 10;
    public static final int VCPUOP_send_nmi = 11;
    public static final int VCPUOP_get_physid = 12;
    public static final int VCPUOP_register_vcpu_time_memory_area = 13;
    public static final int VCPUOP_register_runstate_phys_area = 14;
    public static final int VCPUOP_register_vcpu_time_phys_area = 15;

    /** vcpu_runstate_info.state. */
    public static final int RUNSTATE_running = 0;
    public static final int RUNSTATE_runnable = 1;
    public static final int RUNSTATE_blocked = 2;
    public static final int RUNSTATE_offline = 3;
    /** vcpu_set_singleshot_timer.flags: fail with -ETIME when the timeout is already past. */
    public static final int _VCPU_SSHOTTMR_future = 0;
    public static final int VCPU_SSHOTTMR_future = 1 << _VCPU_SSHOTTMR_future;

    /** struct vcpu_runstate_info { int state; uint64_t state_entry_time; uint64_t time[4]; }. */
    public static final AbiStruct RUNSTATE_INFO_LAYOUT = new AbiStruct("struct vcpu_runstate_info", 48);
    public static final AbiField RUNSTATE_STATE = RUNSTATE_INFO_LAYOUT.out(AbiType.S32, "state", 0);
    public static final AbiField RUNSTATE_STATE_ENTRY_TIME = RUNSTATE_INFO_LAYOUT.out(AbiType.U64, "state_entry_time", 8);
    public static final AbiField RUNSTATE_TIME_RUNNING = RUNSTATE_INFO_LAYOUT.out(AbiType.U64, "time[0]", 16);
    public static final AbiField RUNSTATE_TIME_RUNNABLE = RUNSTATE_INFO_LAYOUT.out(AbiType.U64, "time[1]", 24);
    public static final AbiField RUNSTATE_TIME_BLOCKED = RUNSTATE_INFO_LAYOUT.out(AbiType.U64, "time[2]", 32);
    public static final AbiField RUNSTATE_TIME_OFFLINE = RUNSTATE_INFO_LAYOUT.out(AbiType.U64, "time[3]", 40);

    /** struct vcpu_register_runstate_memory_area { union { handle h; uint64_t p; } addr; }. */
    public static final AbiStruct RUNSTATE_AREA_LAYOUT = new AbiStruct("struct vcpu_register_runstate_memory_area", 8);
    public static final AbiField RUNSTATE_AREA_ADDR = RUNSTATE_AREA_LAYOUT.in(AbiType.U64, "addr.p", 0);

    /** struct vcpu_register_time_memory_area { union { vcpu_time_info_t *h; uint64_t p; } addr; }. */
    public static final AbiStruct TIME_AREA_LAYOUT = new AbiStruct("struct vcpu_register_time_memory_area", 8);
    public static final AbiField TIME_AREA_ADDR = TIME_AREA_LAYOUT.in(AbiType.U64, "addr.p", 0);

    /** struct vcpu_set_periodic_timer { uint64_t period_ns; }. */
    public static final AbiStruct PERIODIC_TIMER_LAYOUT = new AbiStruct("struct vcpu_set_periodic_timer", 8);
    public static final AbiField PERIODIC_TIMER_PERIOD_NS = PERIODIC_TIMER_LAYOUT.in(AbiType.U64, "period_ns", 0);

    /** struct vcpu_set_singleshot_timer { uint64_t timeout_abs_ns; uint32_t flags; }. */
    public static final AbiStruct SINGLESHOT_TIMER_LAYOUT = new AbiStruct("struct vcpu_set_singleshot_timer", 16);
    public static final AbiField SINGLESHOT_TIMER_TIMEOUT_ABS_NS = SINGLESHOT_TIMER_LAYOUT.in(AbiType.U64, "timeout_abs_ns", 0);
    public static final AbiField SINGLESHOT_TIMER_FLAGS = SINGLESHOT_TIMER_LAYOUT.in(AbiType.U32, "flags", 8);

    /** struct vcpu_register_vcpu_info { uint64_t mfn; uint32_t offset; uint32_t rsvd; }. */
    public static final AbiStruct REGISTER_VCPU_INFO_LAYOUT = new AbiStruct("struct vcpu_register_vcpu_info", 16);
    public static final AbiField REGISTER_VCPU_INFO_MFN = REGISTER_VCPU_INFO_LAYOUT.in(AbiType.U64, "mfn", 0);
    public static final AbiField REGISTER_VCPU_INFO_OFFSET = REGISTER_VCPU_INFO_LAYOUT.in(AbiType.U32, "offset", 8);
    public static final AbiField REGISTER_VCPU_INFO_RSVD = REGISTER_VCPU_INFO_LAYOUT.in(AbiType.U32, "rsvd", 12);

    private VcpuOp() {
    }
}
