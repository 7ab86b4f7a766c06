package dev.trufflexen.xen.hypercall;

import dev.trufflexen.xen.core.XenVcpu;

/**
 * {@code fpu_taskswitch(int set)}: a PV kernel's lazy FPU switching. A non-zero {@code set}
 * sets the vCPU's CR0.TS, so its next x87/MMX/SSE instruction raises #NM; zero clears it (the
 * guest's CLTS). Always succeeds, as in Xen.
 */
final class FpuTaskswitchHypercall implements Hypercall {
    @Override
    public long invoke(XenVcpu vcpu, long set, long unused2, long unused3, long unused4, long unused5) {
        vcpu.cpu().setTaskSwitched((int) set != 0);
        return 0;
    }
}
