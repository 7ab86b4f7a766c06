package dev.trufflexen.xen.abi;

import static dev.trufflexen.xen.abi.AbiType.U16;
import static dev.trufflexen.xen.abi.AbiType.ULONG;

/** callback_op commands, callback types and flags ({@code callback.h}). */
public final class CallbackOp {
    public static final int CALLBACKTYPE_event = 0;
    public static final int CALLBACKTYPE_failsafe = 1;
    public static final int CALLBACKTYPE_syscall = 2;
    public static final int CALLBACKTYPE_sysenter_deprecated = 3;
    public static final int CALLBACKTYPE_nmi = 4;
    public static final int CALLBACKTYPE_sysenter = 5;
    public static final int CALLBACKTYPE_syscall32 = 7;
    public static final int _CALLBACKF_mask_events = 0;
    public static final int CALLBACKF_mask_events = 1 << _CALLBACKF_mask_events;
    public static final int CALLBACKOP_register = 0;
    public static final int CALLBACKOP_unregister = 1;

    /** struct callback_register: type, flags, then the 64-bit callback address. */
    public static final AbiStruct REGISTER_LAYOUT = new AbiStruct("struct callback_register", 16);
    public static final AbiField REGISTER_TYPE = REGISTER_LAYOUT.in(U16, "type", 0);
    public static final AbiField REGISTER_FLAGS = REGISTER_LAYOUT.in(U16, "flags", 2);
    public static final AbiField REGISTER_ADDRESS = REGISTER_LAYOUT.in(ULONG, "address", 8);

    /** struct callback_unregister. */
    public static final AbiStruct UNREGISTER_LAYOUT = new AbiStruct("struct callback_unregister", 4);
    public static final AbiField UNREGISTER_TYPE = UNREGISTER_LAYOUT.in(U16, "type", 0);

    private CallbackOp() {
    }
}
