package dev.trufflexen.xen.builder;

import dev.trufflexen.xen.builder.image.KernelImages;

/**
 * An initial ramdisk as libxenguest hands it to the guest ({@code xc_dom_build_module}): a
 * gzip-compressed file is decompressed when it can be (into a region sized by the larger of its
 * compressed and declared sizes), and handed over as it is when it cannot; the region is whole
 * pages, and start_info's mod_len is the region's length.
 *
 * @param name how messages name the file
 * @param content the bytes written at the start of the region
 * @param regionBytes the region's length, a multiple of the page size (0 without a ramdisk)
 * @param shape "gzip-compressed, decompressed" or "as it is", for the log
 */
public record Ramdisk(String name, byte[] content, long regionBytes, String shape) {
    public static final Ramdisk NONE = new Ramdisk("", new byte[0], 0, "none");

    /**
     * @param bound the most bytes the decompressed ramdisk may have (the domain's memory)
     */
    public static Ramdisk of(String name, byte[] file, long bound) {
        if (file.length == 0) {
            return NONE;
        }
        long declared = KernelImages.gzipDeclaredSize(file);
        if (declared > 0 && declared <= bound) {
            byte[] unzipped = KernelImages.tryGunzip(name, file, bound);
            if (unzipped != null) {
                return new Ramdisk(name, unzipped, pageAligned(Math.max(declared, file.length)),
                        "gzip-compressed, decompressed");
            }
        }
        return new Ramdisk(name, file, pageAligned(file.length), "as it is");
    }

    private static long pageAligned(long bytes) {
        return (bytes + BootLayout.PAGE_SIZE - 1) & -BootLayout.PAGE_SIZE;
    }
}
