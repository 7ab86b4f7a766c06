package dev.trufflexen.xen.abi;

/**
 * {@code struct vcpu_guest_context} of a 64-bit PV guest ({@code arch-x86/xen.h} with
 * {@code struct cpu_user_regs} of {@code arch-x86/xen-x86_64.h}): what VCPUOP_initialise takes.
 * Byte offsets; every field is 8 bytes unless noted.
 */
public final class VcpuGuestContext {
    public static final int SIZE = 5168;

    /** FXSAVE image of the FPU/SSE state (valid with VGCF_i387_valid). */
    public static final int OFF_FPU_CTXT = 0;
    public static final int FPU_CTXT_SIZE = 512;
    public static final int OFF_FLAGS = 512;

    public static final int _VGCF_i387_valid = 0;
    public static final int VGCF_i387_valid = 1 << _VGCF_i387_valid;
    public static final int _VGCF_in_kernel = 2;
    public static final int VGCF_in_kernel = 1 << _VGCF_in_kernel;
    public static final int _VGCF_failsafe_disables_events = 3;
    public static final int VGCF_failsafe_disables_events = 1 << _VGCF_failsafe_disables_events;
    public static final int _VGCF_syscall_disables_events = 4;
    public static final int VGCF_syscall_disables_events = 1 << _VGCF_syscall_disables_events;
    public static final int _VGCF_online = 5;
    public static final int VGCF_online = 1 << _VGCF_online;

    /** struct cpu_user_regs user_regs (200 bytes). */
    public static final int OFF_USER_REGS = 520;
    public static final int REGS_R15 = 0;
    public static final int REGS_R14 = 8;
    public static final int REGS_R13 = 16;
    public static final int REGS_R12 = 24;
    public static final int REGS_RBP = 32;
    public static final int REGS_RBX = 40;
    public static final int REGS_R11 = 48;
    public static final int REGS_R10 = 56;
    public static final int REGS_R9 = 64;
    public static final int REGS_R8 = 72;
    public static final int REGS_RAX = 80;
    public static final int REGS_RCX = 88;
    public static final int REGS_RDX = 96;
    public static final int REGS_RSI = 104;
    public static final int REGS_RDI = 112;
    public static final int REGS_RIP = 128;
    /** uint16_t. */
    public static final int REGS_CS = 136;
    public static final int REGS_RFLAGS = 144;
    public static final int REGS_RSP = 152;
    /** uint16_t each. */
    public static final int REGS_SS = 160;
    public static final int REGS_ES = 168;
    public static final int REGS_DS = 176;
    public static final int REGS_FS = 184;
    public static final int REGS_GS = 192;

    /** struct trap_info trap_ctxt[256], 16 bytes each (the virtual IDT, indexed by vector). */
    public static final int OFF_TRAP_CTXT = 720;
    public static final int OFF_LDT_BASE = 4816;
    public static final int OFF_LDT_ENTS = 4824;
    /** unsigned long gdt_frames[16]. */
    public static final int OFF_GDT_FRAMES = 4832;
    public static final int GDT_FRAMES = 16;
    public static final int OFF_GDT_ENTS = 4960;
    public static final int OFF_KERNEL_SS = 4968;
    public static final int OFF_KERNEL_SP = 4976;
    /** unsigned long ctrlreg[8]: CR3 is the kernel L4 (xen_pfn_to_cr3), ctrlreg[1] the user L4. */
    public static final int OFF_CTRLREG = 4984;
    /** unsigned long debugreg[8]. */
    public static final int OFF_DEBUGREG = 5048;
    public static final int OFF_EVENT_CALLBACK_EIP = 5112;
    public static final int OFF_FAILSAFE_CALLBACK_EIP = 5120;
    public static final int OFF_SYSCALL_CALLBACK_EIP = 5128;
    public static final int OFF_VM_ASSIST = 5136;
    public static final int OFF_FS_BASE = 5144;
    public static final int OFF_GS_BASE_KERNEL = 5152;
    public static final int OFF_GS_BASE_USER = 5160;

    /** struct cpu_user_regs: the registers part. */
    public static final AbiStruct USER_REGS_LAYOUT = new AbiStruct("struct cpu_user_regs", 200);
    public static final AbiField USER_REGS_R15 = USER_REGS_LAYOUT.in(AbiType.U64, "r15", REGS_R15);
    public static final AbiField USER_REGS_RBX = USER_REGS_LAYOUT.in(AbiType.U64, "rbx", REGS_RBX);
    public static final AbiField USER_REGS_RAX = USER_REGS_LAYOUT.in(AbiType.U64, "rax", REGS_RAX);
    public static final AbiField USER_REGS_RDI = USER_REGS_LAYOUT.in(AbiType.U64, "rdi", REGS_RDI);
    public static final AbiField USER_REGS_RIP = USER_REGS_LAYOUT.in(AbiType.U64, "rip", REGS_RIP);
    public static final AbiField USER_REGS_CS = USER_REGS_LAYOUT.in(AbiType.U16, "cs", REGS_CS);
    public static final AbiField USER_REGS_RFLAGS = USER_REGS_LAYOUT.in(AbiType.U64, "rflags", REGS_RFLAGS);
    public static final AbiField USER_REGS_RSP = USER_REGS_LAYOUT.in(AbiType.U64, "rsp", REGS_RSP);
    public static final AbiField USER_REGS_SS = USER_REGS_LAYOUT.in(AbiType.U16, "ss", REGS_SS);
    public static final AbiField USER_REGS_GS = USER_REGS_LAYOUT.in(AbiType.U16, "gs", REGS_GS);

    /** struct vcpu_guest_context. */
    public static final AbiStruct LAYOUT = new AbiStruct("struct vcpu_guest_context", SIZE);
    public static final AbiField FPU_CTXT = LAYOUT.in(AbiType.bytes(FPU_CTXT_SIZE), "fpu_ctxt", OFF_FPU_CTXT);
    public static final AbiField FLAGS = LAYOUT.in(AbiType.ULONG, "flags", OFF_FLAGS);
    public static final AbiField USER_REGS = LAYOUT.in(AbiType.bytes(200), "user_regs", OFF_USER_REGS);
    public static final AbiField TRAP_CTXT = LAYOUT.in(AbiType.bytes(256 * 16), "trap_ctxt", OFF_TRAP_CTXT);
    public static final AbiField LDT_BASE = LAYOUT.in(AbiType.ULONG, "ldt_base", OFF_LDT_BASE);
    public static final AbiField LDT_ENTS = LAYOUT.in(AbiType.ULONG, "ldt_ents", OFF_LDT_ENTS);
    public static final AbiField GDT_FRAMES_FIELD = LAYOUT.in(AbiType.bytes(GDT_FRAMES * 8), "gdt_frames", OFF_GDT_FRAMES);
    public static final AbiField GDT_ENTS = LAYOUT.in(AbiType.ULONG, "gdt_ents", OFF_GDT_ENTS);
    public static final AbiField KERNEL_SS = LAYOUT.in(AbiType.ULONG, "kernel_ss", OFF_KERNEL_SS);
    public static final AbiField KERNEL_SP = LAYOUT.in(AbiType.ULONG, "kernel_sp", OFF_KERNEL_SP);
    public static final AbiField CTRLREG = LAYOUT.in(AbiType.bytes(64), "ctrlreg", OFF_CTRLREG);
    public static final AbiField DEBUGREG = LAYOUT.in(AbiType.bytes(64), "debugreg", OFF_DEBUGREG);
    public static final AbiField EVENT_CALLBACK_EIP = LAYOUT.in(AbiType.ULONG, "event_callback_eip", OFF_EVENT_CALLBACK_EIP);
    public static final AbiField FAILSAFE_CALLBACK_EIP = LAYOUT.in(AbiType.ULONG, "failsafe_callback_eip",
            OFF_FAILSAFE_CALLBACK_EIP);
    public static final AbiField SYSCALL_CALLBACK_EIP = LAYOUT.in(AbiType.ULONG, "syscall_callback_eip",
            OFF_SYSCALL_CALLBACK_EIP);
    public static final AbiField VM_ASSIST = LAYOUT.in(AbiType.ULONG, "vm_assist", OFF_VM_ASSIST);
    public static final AbiField FS_BASE = LAYOUT.in(AbiType.U64, "fs_base", OFF_FS_BASE);
    public static final AbiField GS_BASE_KERNEL = LAYOUT.in(AbiType.U64, "gs_base_kernel", OFF_GS_BASE_KERNEL);
    public static final AbiField GS_BASE_USER = LAYOUT.in(AbiType.U64, "gs_base_user", OFF_GS_BASE_USER);

    private VcpuGuestContext() {
    }
}
