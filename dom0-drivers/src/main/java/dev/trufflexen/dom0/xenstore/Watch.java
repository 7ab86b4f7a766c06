package dev.trufflexen.dom0.xenstore;

/**
 * A connection's watch: the absolute path (or special {@code @name}) it covers, the client's
 * token, and the prefix to strip from event paths when the client gave a relative path.
 */
record Watch(String path, String token, String relativeBase) {
    /** The path an event at {@code changed} is reported under, or null when the watch does not cover it. */
    String eventPath(Change change) {
        String changed = change.path();
        String hit;
        if (XsPath.isWithin(changed, path)) {
            hit = changed;
        } else if (change.removed() && XsPath.isWithin(path, changed)) {
            hit = path;
        } else {
            return null;
        }
        return clientPath(hit);
    }

    String clientPath(String absolute) {
        if (relativeBase != null && absolute.startsWith(relativeBase + "/")) {
            return absolute.substring(relativeBase.length() + 1);
        }
        return absolute;
    }
}
