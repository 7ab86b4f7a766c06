package dev.trufflexen.xen;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import dev.trufflexen.xen.sched.SchedulerConfig;

/**
 * A hypervisor for each test, closed after it: {@code @RegisterExtension final TestHypervisor xen
 * = new TestHypervisor(256);} then {@code xen.get()}.
 */
public final class TestHypervisor implements BeforeEachCallback, AfterEachCallback {
    private final long machineMemoryMiB;
    private final SchedulerConfig scheduling;
    private XenHypervisor xen;

    public TestHypervisor(long machineMemoryMiB) {
        this(machineMemoryMiB, SchedulerConfig.defaults());
    }

    /** A hypervisor whose vCPUs share {@code scheduling.pcpus()} workers under its scheduler. */
    public TestHypervisor(long machineMemoryMiB, SchedulerConfig scheduling) {
        this.machineMemoryMiB = machineMemoryMiB;
        this.scheduling = scheduling;
    }

    public XenHypervisor get() {
        return xen;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        xen = XenHypervisor.create(new XenHypervisor.Options(false, false, null, machineMemoryMiB, scheduling));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        xen.close();
    }
}
