package dev.trufflexen.xen.abi;

import static dev.trufflexen.xen.abi.AbiType.U32;
import static dev.trufflexen.xen.abi.AbiType.bytes;

/**
 * The xenstore wire protocol's numbers (Xen's public {@code io/xs_wire.h}): message types, the
 * 16-byte header, the payload and path limits, and the layout of the shared ring page
 * ({@code struct xenstore_domain_interface}) with its feature, connection and error words.
 */
public final class XsWire {
    private XsWire() {
    }

    // enum xsd_sockmsg_type (XS_DEBUG is CONTROL today)
    public static final int XS_CONTROL = 0;
    public static final int XS_DIRECTORY = 1;
    public static final int XS_READ = 2;
    public static final int XS_GET_PERMS = 3;
    public static final int XS_WATCH = 4;
    public static final int XS_UNWATCH = 5;
    public static final int XS_TRANSACTION_START = 6;
    public static final int XS_TRANSACTION_END = 7;
    public static final int XS_INTRODUCE = 8;
    public static final int XS_RELEASE = 9;
    public static final int XS_GET_DOMAIN_PATH = 10;
    public static final int XS_WRITE = 11;
    public static final int XS_MKDIR = 12;
    public static final int XS_RM = 13;
    public static final int XS_SET_PERMS = 14;
    public static final int XS_WATCH_EVENT = 15;
    public static final int XS_ERROR = 16;
    public static final int XS_IS_DOMAIN_INTRODUCED = 17;
    public static final int XS_RESUME = 18;
    public static final int XS_SET_TARGET = 19;
    // 20 was XS_RESTRICT, which Xen removed
    public static final int XS_RESET_WATCHES = 21;
    public static final int XS_DIRECTORY_PART = 22;

    /** struct xsd_sockmsg: type, req_id, tx_id, len (little-endian uint32 each). */
    public static final int HEADER_SIZE = 16;
    public static final AbiStruct SOCKMSG = new AbiStruct("struct xsd_sockmsg", HEADER_SIZE);
    public static final AbiField SOCKMSG_TYPE = SOCKMSG.inOut(U32, "type", 0);
    public static final AbiField SOCKMSG_REQ_ID = SOCKMSG.inOut(U32, "req_id", 4);
    public static final AbiField SOCKMSG_TX_ID = SOCKMSG.inOut(U32, "tx_id", 8);
    public static final AbiField SOCKMSG_LEN = SOCKMSG.inOut(U32, "len", 12);
    public static final int XENSTORE_PAYLOAD_MAX = 4096;
    public static final int XENSTORE_ABS_PATH_MAX = 3072;
    public static final int XENSTORE_REL_PATH_MAX = 2048;

    // struct xenstore_domain_interface
    public static final int XENSTORE_RING_SIZE = 1024;
    public static final int OFF_REQ = 0;
    public static final int OFF_RSP = 1024;
    public static final int OFF_REQ_CONS = 2048;
    public static final int OFF_REQ_PROD = 2052;
    public static final int OFF_RSP_CONS = 2056;
    public static final int OFF_RSP_PROD = 2060;
    public static final int OFF_SERVER_FEATURES = 2064;
    public static final int OFF_CONNECTION = 2068;
    public static final int OFF_ERROR = 2072;
    public static final int INTERFACE_SIZE = 2076;
    public static final AbiStruct INTERFACE = new AbiStruct("struct xenstore_domain_interface", INTERFACE_SIZE);
    public static final AbiField REQ = INTERFACE.out(bytes(XENSTORE_RING_SIZE), "req", OFF_REQ);
    public static final AbiField RSP = INTERFACE.in(bytes(XENSTORE_RING_SIZE), "rsp", OFF_RSP);
    public static final AbiField REQ_CONS = INTERFACE.in(U32, "req_cons", OFF_REQ_CONS);
    public static final AbiField REQ_PROD = INTERFACE.out(U32, "req_prod", OFF_REQ_PROD);
    public static final AbiField RSP_CONS = INTERFACE.out(U32, "rsp_cons", OFF_RSP_CONS);
    public static final AbiField RSP_PROD = INTERFACE.in(U32, "rsp_prod", OFF_RSP_PROD);
    public static final AbiField SERVER_FEATURES = INTERFACE.in(U32, "server_features", OFF_SERVER_FEATURES);
    public static final AbiField CONNECTION = INTERFACE.inOut(U32, "connection", OFF_CONNECTION);
    public static final AbiField ERROR = INTERFACE.in(U32, "error", OFF_ERROR);

    public static final int XENSTORE_SERVER_FEATURE_RECONNECTION = 1;
    public static final int XENSTORE_SERVER_FEATURE_ERROR = 2;
    public static final int XENSTORE_CONNECTED = 0;
    public static final int XENSTORE_RECONNECT = 1;
    public static final int XENSTORE_ERROR_NONE = 0;
    public static final int XENSTORE_ERROR_COMM = 1;
    public static final int XENSTORE_ERROR_RINGIDX = 2;
    public static final int XENSTORE_ERROR_PROTO = 3;

    private static final String[] NAMES = {"CONTROL", "DIRECTORY", "READ", "GET_PERMS", "WATCH", "UNWATCH",
        "TRANSACTION_START", "TRANSACTION_END", "INTRODUCE", "RELEASE", "GET_DOMAIN_PATH", "WRITE", "MKDIR", "RM",
        "SET_PERMS", "WATCH_EVENT", "ERROR", "IS_DOMAIN_INTRODUCED", "RESUME", "SET_TARGET", "RESTRICT (removed)",
        "RESET_WATCHES", "DIRECTORY_PART"};

    /** The type's name for log lines, e.g. {@code READ}. */
    public static String typeName(int type) {
        return type >= 0 && type < NAMES.length ? NAMES[type] : "type " + Integer.toUnsignedString(type);
    }
}
