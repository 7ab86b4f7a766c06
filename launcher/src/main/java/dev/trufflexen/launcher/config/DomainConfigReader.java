package dev.trufflexen.launcher.config;

import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.regex.Pattern;

import dev.trufflexen.xen.mm.FramePool;

/**
 * Gives xl.cfg settings their meaning and checks them, producing a {@link DomainConfig}.
 *
 * <p>Settings are taken in the order xl takes them: the file, then the command-line
 * {@code key=value} arguments, the last setting of a key winning. Every key is checked against
 * {@link ConfigKey} first, so a typo is reported even if it would be overridden; values are
 * checked only where they take effect. The first problem found is thrown; nothing is built
 * from a configuration with a problem.
 */
public final class DomainConfigReader {
    static final long MAX_MEMORY_MIB = 65536;
    /** Long enough for any real name; short enough that NAME.log is a valid file name. */
    static final int MAX_NAME_LENGTH = 128;
    static final int MAX_VCPUS = 128;
    static final long DEFAULT_MEMORY_MIB = 128;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern UUID_TEXT = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /** A setting that takes effect, with the directory its relative paths resolve against. */
    private record Effective(ConfigSetting setting, Path baseDirectory) {
        ConfigValue value() {
            return setting.value();
        }
    }

    private final String fileName;
    private final HostLimits limits;
    private final Map<String, Effective> settings = new LinkedHashMap<>();
    private final List<String> warnings = new ArrayList<>();

    private DomainConfigReader(String fileName, HostLimits limits) {
        this.fileName = fileName;
        this.limits = limits;
    }

    /**
     * Reads a configuration file and applies command-line overrides.
     *
     * @param configFile the file, relative to {@code workingDirectory} unless absolute
     * @param displayName how messages name the file (what the user typed)
     * @param overrides {@code key=value} arguments, applied after the file
     * @param workingDirectory what relative command-line paths resolve against
     */
    public static DomainConfig read(Path configFile, String displayName, List<String> overrides, Path workingDirectory)
            throws ConfigException {
        return read(configFile, displayName, overrides, workingDirectory, HostLimits.probe());
    }

    /** As {@link #read(Path, String, List, Path)}, checking memory and images against {@code limits}. */
    public static DomainConfig read(Path configFile, String displayName, List<String> overrides, Path workingDirectory,
            HostLimits limits) throws ConfigException {
        Path file = workingDirectory.resolve(configFile);
        String text = ConfigFileText.read(file, displayName);
        List<ConfigSetting> fileSettings = XlConfigParser.parse(text, displayName);
        List<ConfigSetting> overrideSettings = new ArrayList<>();
        for (String override : overrides) {
            overrideSettings.add(XlConfigParser.parseOverride(override));
        }
        return fromSettings(displayName, fileSettings, ConfigSource.file(displayName, file),
                overrideSettings, ConfigSource.commandLine(workingDirectory), limits);
    }

    /** Builds a configuration from parsed settings; the file's settings come first. */
    static DomainConfig fromSettings(String fileName, List<ConfigSetting> fileSettings, ConfigSource file,
            List<ConfigSetting> overrideSettings, ConfigSource commandLine, HostLimits limits) throws ConfigException {
        DomainConfigReader reader = new DomainConfigReader(fileName, limits);
        reader.add(fileSettings, file.baseDirectory());
        reader.add(overrideSettings, commandLine.baseDirectory());
        return reader.build();
    }

    private void add(List<ConfigSetting> list, Path baseDirectory) throws ConfigException {
        for (ConfigSetting setting : list) {
            if (ConfigKey.byName(setting.key()).isEmpty()) {
                String hint = ConfigKey.closest(setting.key())
                        .map(known -> "unknown key; did you mean " + known + "?")
                        .orElse("unknown key; known keys are " + String.join(", ", ConfigKey.names()));
                ConfigSource.Position where = setting.keyPosition();
                String token = where.line() == 0 ? setting.written() : setting.key();
                throw ConfigException.at(where, token, hint);
            }
            settings.remove(setting.key()); // keep the order of last settings, for warnings
            settings.put(setting.key(), new Effective(setting, baseDirectory));
        }
    }

    private DomainConfig build() throws ConfigException {
        String name = requiredString(ConfigKey.NAME, "name = \"hello\"");
        if (name.length() > MAX_NAME_LENGTH) {
            throw valueError(ConfigKey.NAME, "a domain name may be at most " + MAX_NAME_LENGTH + " characters, not "
                    + name.length());
        }
        if (!NAME.matcher(name).matches()) {
            throw valueError(ConfigKey.NAME, "a domain name may only contain letters, digits, '.', '_' and '-'");
        }
        String type = optionalString(ConfigKey.TYPE).orElse("pv");
        if (!type.equals("pv")) {
            String problem = type.equals("pvh") || type.equals("hvm")
                    ? "only type = \"pv\" domains are supported"
                    : "unknown domain type; the only type supported is \"pv\"";
            throw valueError(ConfigKey.TYPE, problem);
        }
        requiredString(ConfigKey.KERNEL, "kernel = \"hello.elf\"");
        Path kernel = imagePath(ConfigKey.KERNEL, "kernel image").orElseThrow();
        Optional<Path> ramdisk = imagePath(ConfigKey.RAMDISK, "ramdisk image");
        long memory = integer(ConfigKey.MEMORY, "an integer number of MiB", 1, MAX_MEMORY_MIB, " MiB")
                .orElse(DEFAULT_MEMORY_MIB);
        checkHostMemory(memory);
        checkImageSizes(kernel, ramdisk, memory);
        OptionalLong maxmem = integer(ConfigKey.MAXMEM, "an integer number of MiB", 1, MAX_MEMORY_MIB, " MiB");
        if (maxmem.isPresent() && maxmem.getAsLong() < memory) {
            throw valueError(ConfigKey.MAXMEM, "must be at least memory (" + memory + " MiB)");
        }
        int vcpus = (int) integer(ConfigKey.VCPUS, "an integer number of vCPUs", 1, MAX_VCPUS, "").orElse(1);
        String cmdline = cmdline();
        LifecycleAction onPoweroff = action(ConfigKey.ON_POWEROFF, LifecycleAction.DESTROY);
        LifecycleAction onReboot = action(ConfigKey.ON_REBOOT, LifecycleAction.RESTART);
        LifecycleAction onCrash = action(ConfigKey.ON_CRASH, LifecycleAction.DESTROY);
        LifecycleAction onWatchdog = action(ConfigKey.ON_WATCHDOG, LifecycleAction.DESTROY);
        Optional<String> uuid = optionalString(ConfigKey.UUID);
        if (uuid.isPresent() && !UUID_TEXT.matcher(uuid.get()).matches()) {
            throw valueError(ConfigKey.UUID, "expected a UUID like 6f1c2e1a-58c4-4c1f-9b0e-3d2a7c9e4b10");
        }
        List<String> vif = stringList(ConfigKey.VIF, "not connected yet: the domain gets no network interfaces");
        List<String> disk = stringList(ConfigKey.DISK, "not connected yet: the domain gets no disks");
        stringList(ConfigKey.VFB, "ignored: TruffleXen domains have no framebuffer");
        stringList(ConfigKey.VKB, "ignored: TruffleXen domains have no virtual keyboard");
        stringList(ConfigKey.CHANNEL, "ignored: TruffleXen domains have no channels yet");
        return new DomainConfig(name, type, kernel, ramdisk, memory, maxmem, vcpus, cmdline,
                onPoweroff, onReboot, onCrash, onWatchdog, uuid.map(UUID::fromString), vif, disk, warnings);
    }

    /**
     * xl's rule: {@code cmdline} wins; without it the command line is {@code root=<root> <extra>},
     * either part alone, or empty. Setting {@code root} or {@code extra} next to {@code cmdline}
     * draws a warning, as in xl, since they are then ignored.
     */
    private String cmdline() throws ConfigException {
        Optional<String> cmdline = optionalString(ConfigKey.CMDLINE);
        Optional<String> root = optionalString(ConfigKey.ROOT);
        Optional<String> extra = optionalString(ConfigKey.EXTRA);
        if (cmdline.isPresent()) {
            for (ConfigKey legacy : List.of(ConfigKey.ROOT, ConfigKey.EXTRA)) {
                Effective ignored = settings.get(legacy.key());
                if (ignored != null) {
                    warn(ignored.setting(), "ignored in favour of cmdline (as xl does); put it in cmdline");
                }
            }
            return cmdline.get();
        }
        if (root.isPresent() && extra.isPresent()) {
            return "root=" + root.get() + " " + extra.get();
        }
        return root.map(r -> "root=" + r).orElse(extra.orElse(""));
    }

    private String requiredString(ConfigKey key, String example) throws ConfigException {
        return optionalString(key).orElseThrow(() -> new ConfigException(fileName, 0, 0, null,
                "missing required key " + key.key() + " (for example " + example + ")"));
    }

    private Optional<String> optionalString(ConfigKey key) throws ConfigException {
        Effective effective = settings.get(key.key());
        if (effective == null) {
            return Optional.empty();
        }
        return switch (effective.value()) {
            case ConfigValue.StringValue string -> Optional.of(string.text());
            case ConfigValue.WordValue word -> Optional.of(word.text());
            case ConfigValue.IntegerValue number ->
                    throw valueError(key, "expected a quoted string: " + key.key() + " = \"" + number.written() + "\"");
            case ConfigValue.ListValue list -> throw valueError(key, "expected a quoted string, not a list");
        };
    }

    private OptionalLong integer(ConfigKey key, String expected, long min, long max, String unit)
            throws ConfigException {
        Effective effective = settings.get(key.key());
        if (effective == null) {
            return OptionalLong.empty();
        }
        long value = switch (effective.value()) {
            case ConfigValue.IntegerValue number -> number.value();
            case ConfigValue.WordValue word -> XlConfigParser.parseInteger(word.text())
                    .orElseThrow(() -> valueError(key, "expected " + expected));
            case ConfigValue.StringValue string -> throw valueError(key, "expected " + expected
                    + (XlConfigParser.parseInteger(string.text()).isPresent() ? " (write it without quotes)" : ""));
            case ConfigValue.ListValue list -> throw valueError(key, "expected " + expected + ", not a list");
        };
        if (value < min || value > max) {
            throw valueError(key, "must be between " + min + " and " + max + unit);
        }
        return OptionalLong.of(value);
    }

    /**
     * A file the domain builder will read: it must exist, be a regular file and be readable. Its
     * type is read with {@code stat}, so a FIFO or a device is refused without being opened.
     */
    private Optional<Path> imagePath(ConfigKey key, String what) throws ConfigException {
        Optional<String> text = optionalString(key);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        if (text.get().isEmpty()) {
            throw valueError(key, "empty path");
        }
        int nul = text.get().indexOf('\0');
        if (nul >= 0) {
            throw valueError(key, "a path cannot contain a NUL character (\\0 at character " + (nul + 1) + ")");
        }
        Path path;
        try {
            path = settings.get(key.key()).baseDirectory().resolve(text.get()).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw valueError(key, "not a valid path: " + e.getReason());
        }
        String shown = Printable.path(path.toString());
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (java.nio.file.NoSuchFileException e) {
            throw valueError(key, "no such file: " + shown);
        } catch (IOException e) {
            throw valueError(key, "cannot read " + shown + ": " + Printable.token(String.valueOf(e.getMessage())));
        }
        if (attributes.isDirectory()) {
            throw valueError(key, "is a directory, not a " + what + ": " + shown);
        }
        if (!attributes.isRegularFile()) {
            throw valueError(key, "not a regular file (" + FileKind.describe(path, attributes) + "): " + shown);
        }
        if (!Files.isReadable(path)) {
            throw valueError(key, "cannot be read (permission denied): " + shown);
        }
        return Optional.of(path);
    }

    /**
     * The domain's memory is a limit, not a reservation (see {@link HostLimits}), but its guest may
     * touch all of it: it must fit in what the host has available now, or the host would swap or
     * kill once the guest used what it was given. Its machine memory's frame table must fit in
     * half the heap, since it is allocated when the hypervisor starts.
     */
    private void checkHostMemory(long memoryMiB) throws ConfigException {
        String problem = null;
        long machineMiB = HostLimits.machineMemoryMiB(memoryMiB);
        if (memoryMiB > limits.availableMemoryMiB()) {
            problem = "may use up to " + memoryMiB + " MiB of host memory (domain memory is taken from the host as "
                    + "the guest touches it), but this host has " + limits.availableMemoryMiB() + " MiB available ("
                    + limits.memorySource() + ")";
        } else if (!limits.heapHoldsFrameTable(machineMiB)) {
            problem = "needs a frame table of " + HostLimits.frameTableHeapMiB(machineMiB) + " MiB in the Java heap ("
                    + FramePool.HEAP_BYTES_PER_FRAME + " bytes per 4 KiB frame), more than half the maximum heap of "
                    + limits.maxHeapMiB() + " MiB (raise it with -Xmx in TXL_JAVA_OPTS)";
        }
        if (problem == null) {
            return;
        }
        if (settings.containsKey(ConfigKey.MEMORY.key())) {
            throw valueError(ConfigKey.MEMORY, problem);
        }
        throw new ConfigException(fileName, 0, 0, null, "the default memory of " + memoryMiB + " MiB " + problem);
    }

    /**
     * Images are read whole into the JVM's heap, and the ramdisk is loaded into the domain's
     * memory after the kernel: both must fit before anything is read.
     */
    private void checkImageSizes(Path kernel, Optional<Path> ramdisk, long memoryMiB) throws ConfigException {
        long kernelBytes = size(ConfigKey.KERNEL, kernel);
        checkReadable(ConfigKey.KERNEL, "kernel image", kernelBytes);
        if (ramdisk.isEmpty()) {
            return;
        }
        long ramdiskBytes = size(ConfigKey.RAMDISK, ramdisk.get());
        checkReadable(ConfigKey.RAMDISK, "ramdisk", ramdiskBytes);
        long memoryBytes = memoryMiB << 20;
        if (ramdiskBytes + kernelBytes > memoryBytes) {
            throw valueError(ConfigKey.RAMDISK, "ramdisk of " + describeBytes(ramdiskBytes) + " and kernel of "
                    + describeBytes(kernelBytes) + " do not fit in the domain's memory of " + memoryMiB
                    + " MiB; raise memory");
        }
    }

    private void checkReadable(ConfigKey key, String what, long bytes) throws ConfigException {
        if (bytes > limits.maxImageBytes()) {
            throw valueError(key, what + " of " + describeBytes(bytes) + " is larger than the "
                    + describeBytes(limits.maxImageBytes()) + " this JVM can read (half its maximum heap of "
                    + limits.maxHeapMiB() + " MiB, at most 2 GiB; TXL_JAVA_OPTS=-Xmx... raises the heap)");
        }
    }

    private long size(ConfigKey key, Path path) throws ConfigException {
        try {
            return Files.size(path);
        } catch (IOException e) {
            throw valueError(key, "cannot read the size of " + Printable.path(path.toString()));
        }
    }

    private static String describeBytes(long bytes) {
        return bytes >= (10L << 20) ? (bytes >> 20) + " MiB" : bytes + " bytes";
    }

    private LifecycleAction action(ConfigKey key, LifecycleAction defaultAction) throws ConfigException {
        Optional<String> text = optionalString(key);
        if (text.isEmpty()) {
            return defaultAction;
        }
        return LifecycleAction.fromXlName(text.get()).orElseThrow(
                () -> valueError(key, "expected one of " + LifecycleAction.allXlNames()));
    }

    /** A list of strings kept as written; a non-empty one draws {@code warning}. */
    private List<String> stringList(ConfigKey key, String warning) throws ConfigException {
        Effective effective = settings.get(key.key());
        if (effective == null) {
            return List.of();
        }
        if (!(effective.value() instanceof ConfigValue.ListValue list)) {
            throw valueError(key, "expected a list of strings: " + key.key() + " = [ \"...\" ]");
        }
        List<String> items = new ArrayList<>();
        for (ConfigValue item : list.items()) {
            if (!(item instanceof ConfigValue.StringValue string)) {
                String problem = "expected a quoted string in the " + key.key() + " list, not " + item.kind();
                ConfigSetting setting = effective.setting();
                if (setting.keyPosition().line() == 0) {
                    throw ConfigException.at(setting.keyPosition(), setting.written(), problem);
                }
                throw ConfigException.at(item.position(), item.written(), problem);
            }
            items.add(string.text());
        }
        if (!items.isEmpty()) {
            warn(effective.setting(), warning);
        }
        return items;
    }

    private void warn(ConfigSetting setting, String message) {
        ConfigSource.Position where = setting.position();
        String location = where.line() > 0 ? where.source() + ":" + where.line() : where.source();
        warnings.add(location + ": " + setting.key() + ": " + message);
    }

    private ConfigException valueError(ConfigKey key, String problem) {
        ConfigSetting setting = settings.get(key.key()).setting();
        return ConfigException.at(setting.position(), setting.written(), problem);
    }
}
