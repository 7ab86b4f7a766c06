package dev.trufflexen.xen.builder.image;

import dev.trufflexen.xen.domain.DomainBuildException;

/** The one-line errors of this package: the file's name, then what is wrong with it. */
final class ImageError {
    private ImageError() {
    }

    static DomainBuildException of(String fileName, String message) {
        return new DomainBuildException(fileName + ": " + message);
    }

    /** The payload decompressed to {@code actual} bytes where its size field declares {@code declared}. */
    static DomainBuildException sizeMismatch(String fileName, String what, long actual, long declared) {
        return of(fileName, what + " decompresses to " + actual + " bytes, not the " + declared
                + " its size field declares");
    }

    /** The payload goes on past the {@code declared} bytes of its size field: decompression stopped there. */
    static DomainBuildException moreThanDeclared(String fileName, String what, long declared) {
        return of(fileName, what + " decompresses to more than the " + declared + " bytes its size field declares");
    }

    static String mib(long bytes) {
        return (bytes >> 20) + " MiB";
    }
}
