package dev.trufflexen.launcher.config;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Every key txl accepts in a domain configuration, with a line of help. This is the list that
 * decides "unknown key" and that {@code txl help create} prints; {@link DomainConfigReader}
 * gives each key its meaning.
 */
public enum ConfigKey {
    NAME("name", "domain name: letters, digits, '.', '_', '-' (required)"),
    TYPE("type", "domain type; only \"pv\" (the default)"),
    KERNEL("kernel", "guest kernel, relative to the file's directory (required)"),
    RAMDISK("ramdisk", "initial ramdisk, relative to the file's directory"),
    MEMORY("memory", "initial memory in MiB, 1 to 65536 (default 128)"),
    MAXMEM("maxmem", "maximum memory in MiB, at least memory"),
    VCPUS("vcpus", "number of virtual CPUs, 1 to 128 (default 1)"),
    CMDLINE("cmdline", "guest kernel command line"),
    ROOT("root", "without cmdline, the command line is \"root=<root> <extra>\""),
    EXTRA("extra", "without cmdline, the command line (after root=<root>)"),
    ON_POWEROFF("on_poweroff", "action when the guest powers off (default destroy)"),
    ON_REBOOT("on_reboot", "action when the guest reboots (default restart)"),
    ON_CRASH("on_crash", "action when the guest crashes (default destroy)"),
    ON_WATCHDOG("on_watchdog", "action when the watchdog fires (default destroy)"),
    UUID("uuid", "domain handle, xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"),
    VIF("vif", "network interfaces [ \"...\" ] (accepted, not connected yet)"),
    DISK("disk", "disks [ \"...\" ] (accepted, not connected yet)"),
    VFB("vfb", "framebuffers [ \"...\" ] (accepted and ignored)"),
    VKB("vkb", "keyboards [ \"...\" ] (accepted and ignored)"),
    CHANNEL("channel", "channels [ \"...\" ] (accepted and ignored)");

    private final String key;
    private final String help;

    ConfigKey(String key, String help) {
        this.key = key;
        this.help = help;
    }

    public String key() {
        return key;
    }

    public String help() {
        return help;
    }

    public static Optional<ConfigKey> byName(String key) {
        return Arrays.stream(values()).filter(k -> k.key.equals(key)).findFirst();
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(ConfigKey::key).toList();
    }

    /** The known key closest to a misspelt one, if it is close enough to be a typo. */
    static Optional<String> closest(String unknown) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String known : names()) {
            int distance = editDistance(unknown.toLowerCase(java.util.Locale.ROOT), known);
            if (distance < bestDistance) {
                best = known;
                bestDistance = distance;
            }
        }
        return bestDistance <= Math.max(1, Math.min(2, unknown.length() / 3)) ? Optional.of(best) : Optional.empty();
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
