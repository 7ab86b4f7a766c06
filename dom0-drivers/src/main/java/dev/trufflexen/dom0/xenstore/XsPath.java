package dev.trufflexen.dom0.xenstore;

import dev.trufflexen.xen.abi.XsWire;

/**
 * Xenstore paths: {@code /}-separated, of ASCII alphanumerics and {@code -/_@}, no doubled or
 * trailing slash, at most {@link XsWire#XENSTORE_ABS_PATH_MAX} bytes absolute. A path without a
 * leading slash is relative to the caller's {@code /local/domain/N}. Paths starting with
 * {@code @} name special watches only.
 */
final class XsPath {
    private XsPath() {
    }

    static String domainPath(int domid) {
        return "/local/domain/" + domid;
    }

    /** The absolute path of {@code path} as {@code domid} wrote it; EINVAL if it is not a valid node path. */
    static String canonical(int domid, String path) throws XsError {
        if (path.startsWith("@")) {
            throw XsError.invalid("special path " + printable(path) + " names no node");
        }
        String absolute;
        if (path.startsWith("/")) {
            absolute = path;
        } else {
            if (path.length() > XsWire.XENSTORE_REL_PATH_MAX) {
                throw XsError.invalid("relative path longer than " + XsWire.XENSTORE_REL_PATH_MAX);
            }
            absolute = domainPath(domid) + "/" + path;
        }
        check(absolute);
        return absolute;
    }

    /** A watch's path: a node path, or a special {@code @name}. */
    static String canonicalWatch(int domid, String path) throws XsError {
        if (path.startsWith("@")) {
            if (path.length() > XsWire.XENSTORE_ABS_PATH_MAX || !validChars(path)) {
                throw XsError.invalid("bad special watch path");
            }
            return path;
        }
        return canonical(domid, path);
    }

    private static void check(String absolute) throws XsError {
        if (absolute.length() > XsWire.XENSTORE_ABS_PATH_MAX) {
            throw XsError.invalid("path longer than " + XsWire.XENSTORE_ABS_PATH_MAX);
        }
        if (!validChars(absolute)) {
            throw XsError.invalid("path " + printable(absolute) + " has a character outside [A-Za-z0-9-/_@]");
        }
        if (absolute.contains("//") || (absolute.length() > 1 && absolute.endsWith("/"))) {
            throw XsError.invalid("path " + printable(absolute) + " has an empty element");
        }
    }

    private static boolean validChars(String path) {
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
                    || c == '/' || c == '_' || c == '@';
            if (!ok) {
                return false;
            }
        }
        return !path.isEmpty();
    }

    /** The parent of an absolute path other than {@code /}. */
    static String parent(String absolute) {
        int slash = absolute.lastIndexOf('/');
        return slash == 0 ? "/" : absolute.substring(0, slash);
    }

    static String leaf(String absolute) {
        return absolute.substring(absolute.lastIndexOf('/') + 1);
    }

    static String child(String parent, String leaf) {
        return parent.equals("/") ? "/" + leaf : parent + "/" + leaf;
    }

    /** Whether {@code path} is {@code ancestor} or below it. */
    static boolean isWithin(String path, String ancestor) {
        return path.equals(ancestor) || ancestor.equals("/") && path.startsWith("/")
                || path.startsWith(ancestor) && path.length() > ancestor.length() && path.charAt(ancestor.length()) == '/';
    }

    /** A path for a log line: at most 80 characters, control characters shown as '?'. */
    static String printable(String path) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(path.length(), 80); i++) {
            char c = path.charAt(i);
            out.append(c < 0x20 || c > 0x7e ? '?' : c);
        }
        return out.length() < path.length() ? out + "..." : out.toString();
    }
}
