package dev.trufflexen.launcher.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * A checked domain configuration: every field is present, in range and typed. Built only by
 * {@link DomainConfigReader}, which rejects a configuration as a whole rather than produce a
 * partial one.
 *
 * @param name the domain name, {@code [A-Za-z0-9._-]+}
 * @param type the domain type; only {@code "pv"} for now
 * @param kernel an existing, readable regular file (absolute, normalized)
 * @param ramdisk like kernel, when given
 * @param memoryMiB the initial allocation, 1 to 65536 MiB, default 128
 * @param maxmemMiB the ceiling for ballooning up, at least memoryMiB, when given
 * @param vcpus 1 to 128, default 1
 * @param cmdline the guest kernel command line, built from {@code root} and {@code extra} when
 *     {@code cmdline} is absent, as xl does; empty when none of them is set
 * @param uuid the domain handle, when given
 * @param vif the {@code vif} list as written, not interpreted yet
 * @param disk the {@code disk} list as written, not interpreted yet
 * @param warnings things the user should know that do not stop the domain, each a full
 *     {@code where: what} line
 */
public record DomainConfig(
        String name,
        String type,
        Path kernel,
        Optional<Path> ramdisk,
        long memoryMiB,
        OptionalLong maxmemMiB,
        int vcpus,
        String cmdline,
        LifecycleAction onPoweroff,
        LifecycleAction onReboot,
        LifecycleAction onCrash,
        LifecycleAction onWatchdog,
        Optional<UUID> uuid,
        List<String> vif,
        List<String> disk,
        List<String> warnings) {

    public DomainConfig {
        vif = List.copyOf(vif);
        disk = List.copyOf(disk);
        warnings = List.copyOf(warnings);
    }
}
