package dev.trufflexen.launcher.config;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What happens to a domain when it stops: the values of xl's {@code on_poweroff},
 * {@code on_reboot}, {@code on_crash} and {@code on_watchdog}.
 *
 * <p>The constant names are those of {@code ShutdownAction} in the Xen core, so the launcher
 * maps one to the other by name; the xl spellings are what configuration files use.
 */
public enum LifecycleAction {
    DESTROY("destroy"),
    RESTART("restart"),
    PRESERVE("preserve"),
    COREDUMP_DESTROY("coredump-destroy"),
    COREDUMP_RESTART("coredump-restart"),
    RENAME_RESTART("rename-restart"),
    SOFT_RESET("soft-reset");

    private final String xlName;

    LifecycleAction(String xlName) {
        this.xlName = xlName;
    }

    /** The spelling in xl.cfg, e.g. {@code coredump-destroy}. */
    public String xlName() {
        return xlName;
    }

    public static Optional<LifecycleAction> fromXlName(String name) {
        return Arrays.stream(values()).filter(action -> action.xlName.equals(name)).findFirst();
    }

    /** "destroy, restart, ..." for messages. */
    static String allXlNames() {
        return Arrays.stream(values()).map(LifecycleAction::xlName).collect(Collectors.joining(", "));
    }
}
