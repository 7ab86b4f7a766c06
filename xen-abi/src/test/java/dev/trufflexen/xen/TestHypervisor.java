package dev.trufflexen.xen;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A hypervisor for each test, closed after it: {@code @RegisterExtension final TestHypervisor xen
 * = new TestHypervisor(256);} then {@code xen.get()}.
 */
public final class TestHypervisor implements BeforeEachCallback, AfterEachCallback {
    private final long machineMemoryMiB;
    private XenHypervisor xen;

    public TestHypervisor(long machineMemoryMiB) {
        this.machineMemoryMiB = machineMemoryMiB;
    }

    public XenHypervisor get() {
        return xen;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        xen = XenHypervisor.create(new XenHypervisor.Options(false, false, null, machineMemoryMiB));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        xen.close();
    }
}
