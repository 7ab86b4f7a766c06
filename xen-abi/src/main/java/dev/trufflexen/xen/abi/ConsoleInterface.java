package dev.trufflexen.xen.abi;

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

    public static final AbiStruct LAYOUT = new AbiStruct("struct xencons_interface", SIZE)
            .field("in", OFF_IN)
            .field("out", OFF_OUT)
            .field("in_cons", OFF_IN_CONS)
            .field("in_prod", OFF_IN_PROD)
            .field("out_cons", OFF_OUT_CONS)
            .field("out_prod", OFF_OUT_PROD);

    private ConsoleInterface() {
    }
}
