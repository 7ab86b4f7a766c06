package dev.trufflexen.xen.abi;

import static dev.trufflexen.xen.abi.AbiType.U32;
import static dev.trufflexen.xen.abi.AbiType.bytes;

/** {@code struct xencons_interface} ({@code io/console.h}): the PV console ring page. */
public final class ConsoleInterface {
    public static final int IN_SIZE = 1024;
    public static final int OUT_SIZE = 2048;
    public static final int OFF_IN = 0;
    public static final int OFF_OUT = 1024;
    public static final int OFF_IN_CONS = 3072;
    public static final int OFF_IN_PROD = 3076;
    public static final int OFF_OUT_CONS = 3080;
    public static final int OFF_OUT_PROD = 3084;
    public static final int SIZE = 3088;

    public static final AbiStruct LAYOUT = new AbiStruct("struct xencons_interface", SIZE);
    public static final AbiField IN = LAYOUT.out(bytes(IN_SIZE), "in", OFF_IN);
    public static final AbiField OUT = LAYOUT.in(bytes(OUT_SIZE), "out", OFF_OUT);
    public static final AbiField IN_CONS = LAYOUT.in(U32, "in_cons", OFF_IN_CONS);
    public static final AbiField IN_PROD = LAYOUT.out(U32, "in_prod", OFF_IN_PROD);
    public static final AbiField OUT_CONS = LAYOUT.out(U32, "out_cons", OFF_OUT_CONS);
    public static final AbiField OUT_PROD = LAYOUT.in(U32, "out_prod", OFF_OUT_PROD);

    private ConsoleInterface() {
    }
}
