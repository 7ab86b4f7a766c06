package dev.trufflexen.xen.abi;

/** Virtual interrupts a guest binds to event channels with EVTCHNOP_bind_virq ({@code xen.h}). */
public final class Virq {
    public static final int VIRQ_TIMER = 0;
    public static final int VIRQ_DEBUG = 1;
    public static final int VIRQ_CONSOLE = 2;
    public static final int VIRQ_DOM_EXC = 3;
    public static final int VIRQ_TBUF = 4;
    public static final int VIRQ_DEBUGGER = 6;
    public static final int VIRQ_XENOPROF = 7;
    public static final int VIRQ_CON_RING = 8;
    public static final int VIRQ_PCPU_STATE = 9;
    public static final int VIRQ_MEM_EVENT = 10;
    public static final int VIRQ_ARGO = 11;
    public static final int VIRQ_ENOMEM = 12;
    public static final int VIRQ_XENPMU = 13;
    public static final int VIRQ_ARCH_0 = 16;
    public static final int VIRQ_ARCH_1 = 17;
    public static final int VIRQ_ARCH_2 = 18;
    public static final int VIRQ_ARCH_3 = 19;
    public static final int VIRQ_ARCH_4 = 20;
    public static final int VIRQ_ARCH_5 = 21;
    public static final int VIRQ_ARCH_6 = 22;
    public static final int VIRQ_ARCH_7 = 23;
    public static final int NR_VIRQS = 24;

    private Virq() {
    }
}
