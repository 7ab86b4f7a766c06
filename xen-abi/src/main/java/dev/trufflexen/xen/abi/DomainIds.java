package dev.trufflexen.xen.abi;

/** Reserved domain ids ({@code xen.h}): ids at or above DOMID_FIRST_RESERVED name no ordinary domain. */
public final class DomainIds {
    public static final int DOMID_FIRST_RESERVED = 0x7FF0;
    public static final int DOMID_SELF = 0x7FF0;
    public static final int DOMID_IO = 0x7FF1;
    public static final int DOMID_XEN = 0x7FF2;
    public static final int DOMID_COW = 0x7FF3;
    public static final int DOMID_INVALID = 0x7FF4;
    public static final int DOMID_ANY = 0x7FF5;
    public static final int DOMID_IDLE = 0x7FFF;
    public static final int DOMID_MASK = 0x7FFF;

    private DomainIds() {
    }
}
