package dev.trufflexen.xen.pv;

import dev.trufflexen.xen.abi.Hypercalls;
import dev.trufflexen.xen.hypercall.Hypercall;
import dev.trufflexen.xen.hypercall.HypercallContext;

/**
 * {@code fpu_taskswitch(int set)}: a PV kernel's lazy FPU switching. A non-zero {@code set}
 * sets the vCPU's CR0.TS, so its next x87/MMX/SSE instruction raises #NM; zero clears it (the
 * guest's CLTS). Always succeeds, as in Xen.
 */
public final class FpuTaskswitchHypercall implements Hypercall {
    @Override
    public int number() {
        return Hypercalls.__HYPERVISOR_fpu_taskswitch;
    }

    @Override
    public long invoke(HypercallContext context) {
        context.cpu().setTaskSwitched(context.intArg(0) != 0);
        return 0;
    }
}
