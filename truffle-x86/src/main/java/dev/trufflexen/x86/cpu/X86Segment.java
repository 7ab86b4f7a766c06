package dev.trufflexen.x86.cpu;

/** Segment register numbers, in the order of their x86 encoding. */
public final class X86Segment {
    public static final int ES = 0;
    public static final int CS = 1;
    public static final int SS = 2;
    public static final int DS = 3;
    public static final int FS = 4;
    public static final int GS = 5;
    public static final int COUNT = 6;

    private static final String[] NAMES = {"es", "cs", "ss", "ds", "fs", "gs"};

    private X86Segment() {
    }

    public static String name(int segment) {
        return NAMES[segment];
    }
}
