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

    private VcpuOp() {
    }
}
