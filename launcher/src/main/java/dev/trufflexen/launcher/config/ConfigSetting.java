package dev.trufflexen.launcher.config;

/**
 * One {@code key = value} statement.
 *
 * @param key the key as written
 * @param keyPosition where the key starts
 * @param value the parsed value
 * @param written the statement as messages quote it: {@code memory = "lots"} for a file,
 *     the whole argument for the command line
 */
public record ConfigSetting(String key, ConfigSource.Position keyPosition, ConfigValue value, String written) {
    /** Where messages about this setting point: its line (the column would only mark the key). */
    public ConfigSource.Position position() {
        return keyPosition.lineOnly();
    }
}
