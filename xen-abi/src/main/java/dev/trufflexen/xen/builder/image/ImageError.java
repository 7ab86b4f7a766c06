package dev.trufflexen.xen.builder.image;

import dev.trufflexen.xen.core.DomainBuildException;

/** The one-line errors of this package: the file's name, then what is wrong with it. */
final class ImageError {
    private ImageError() {
    }

    static DomainBuildException of(String fileName, String message) {
        return new DomainBuildException(fileName + ": " + message);
    }

    static String mib(long bytes) {
        return (bytes >> 20) + " MiB";
    }
}
