package dev.trufflexen.xen.domain;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything needed to build and run one PV domain, already validated by the toolstack
 * (the launcher's xl.cfg parser produces it).
 */
public record DomainSpec(String name, Path kernel, Optional<Path> ramdisk, long memoryMiB, int vcpus, String cmdline,
        ShutdownAction onPoweroff, ShutdownAction onReboot, ShutdownAction onCrash) {
    public DomainSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(ramdisk, "ramdisk");
        Objects.requireNonNull(cmdline, "cmdline");
        if (memoryMiB <= 0) {
            throw new IllegalArgumentException("memory must be positive, not " + memoryMiB + " MiB");
        }
        if (vcpus <= 0) {
            throw new IllegalArgumentException("vcpus must be positive, not " + vcpus);
        }
    }

    /** A spec with xl's default shutdown actions (destroy, restart, destroy). */
    public static DomainSpec of(String name, Path kernel, long memoryMiB, String cmdline) {
        return new DomainSpec(name, kernel, Optional.empty(), memoryMiB, 1, cmdline,
                ShutdownAction.DESTROY, ShutdownAction.RESTART, ShutdownAction.DESTROY);
    }
}
