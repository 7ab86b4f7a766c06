package dev.trufflexen.launcher;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded fuzzer of kernel images: the guests' real ELF images from guest-images, mutated where
 * the loader looks (ELF header, program headers, section headers, Xen notes) with flipped bits
 * and extreme field values, truncated, extended, spliced and gzip-wrapped, each given to
 * {@code txl create} in-process and built on the real Xen core. Every case must end with 0 (the
 * builder accepted the image; the domain is released unrun) or 65 with one printable line, in
 * bounded time, with no machine frame left held (see {@link FrontDoorFuzzer}).
 *
 * <p>{@code -Dfuzz.seed=N -Dfuzz.cases=M} run other cases; the default is fixed so the suite is
 * repeatable.
 */
class KernelImageFuzzTest {
    private static final long[] EXTREMES = {0, 1, 2, 0x7f, 0x80, 0xff, 0xfff, 0x1000, 0xffff, 0x7fff_ffffL,
        0x8000_0000L, 0xffff_ffffL, 0x1_0000_0000L, Long.MAX_VALUE, Long.MIN_VALUE, -1, -4096, 0xffff_8000_0000_0000L,
        0xffff_ffff_8000_0000L, 0x0000_8000_0000_0000L};

    @TempDir
    Path dir;

    @Test
    void mutatedKernelImagesGetACleanAnswer() throws IOException {
        List<byte[]> images = realImages();
        Path work = Files.createDirectories(dir.resolve("work"));
        Path kernel = dir.resolve("kernel.img");
        Path config = Files.writeString(dir.resolve("fuzz.cfg"),
                "name = \"fuzz\"\nkernel = \"kernel.img\"\nmemory = 32\ncmdline = \"reason=0\"\n");
        try (FrontDoorFuzzer fuzzer = new FrontDoorFuzzer(Set.of(0, ExitStatus.BAD_CONFIG), work)) {
            fuzzer.fuzz("kernel image fuzzer", 0x1a6e_2026L, 300, images,
                    (input, random, description) -> mutate(input, images, random, description), kernel, config);
        }
    }

    private static List<byte[]> realImages() throws IOException {
        List<byte[]> images = new ArrayList<>();
        try (Stream<Path> files = Files.walk(FrontDoorFuzzer.GUESTS.resolve("build"), 3)) {
            for (Path elf : files.filter(p -> p.toString().endsWith(".elf")).sorted().toList()) {
                images.add(Files.readAllBytes(elf));
            }
        }
        assertTrue(images.size() >= 4, "the guest images are not built under " + FrontDoorFuzzer.GUESTS);
        return images;
    }

    /** Offsets of the structures the loader reads, taken from the unmutated-looking header where sane. */
    private static List<int[]> regions(byte[] image) {
        List<int[]> regions = new ArrayList<>();
        regions.add(new int[] {0, Math.min(64, image.length)});
        if (image.length < 64) {
            return regions;
        }
        ByteBuffer elf = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        long phoff = elf.getLong(32);
        long shoff = elf.getLong(40);
        int phnum = elf.getShort(56) & 0xffff;
        int shnum = elf.getShort(60) & 0xffff;
        addRegion(regions, image, phoff, phnum * 56L);
        addRegion(regions, image, shoff, shnum * 64L);
        for (int i = 0; i < phnum && phoff >= 0 && phoff <= image.length && phoff + (i + 1) * 56L <= image.length; i++) {
            int ph = (int) (phoff + i * 56L);
            if (elf.getInt(ph) == 4) { // PT_NOTE: the Xen notes
                addRegion(regions, image, elf.getLong(ph + 8), elf.getLong(ph + 32));
            }
        }
        return regions;
    }

    private static void addRegion(List<int[]> regions, byte[] image, long offset, long length) {
        if (offset > 0 && length > 0 && offset < image.length) {
            regions.add(new int[] {(int) offset, (int) Math.min(image.length, offset + Math.min(length, image.length))});
        }
    }

    private static byte[] mutate(byte[] image, List<byte[]> images, Random random, StringBuilder description)
            throws IOException {
        List<int[]> regions = regions(image);
        int[] region = regions.get(random.nextInt(regions.size()));
        switch (random.nextInt(8)) {
            case 0, 1 -> {
                byte[] bytes = image.clone();
                int flips = 1 + random.nextInt(6);
                description.append(" flip ").append(flips).append(" bits in ").append(region[0]).append("..")
                        .append(region[1]);
                for (int k = 0; k < flips && region[1] > region[0]; k++) {
                    bytes[region[0] + random.nextInt(region[1] - region[0])] ^= (byte) (1 << random.nextInt(8));
                }
                return bytes;
            }
            case 2, 3 -> {
                int width = new int[] {2, 4, 8}[random.nextInt(3)];
                if (region[1] - region[0] < width) {
                    return image;
                }
                int at = region[0] + random.nextInt((region[1] - region[0]) / width) * width;
                long value = random.nextInt(4) == 0 ? random.nextLong() : EXTREMES[random.nextInt(EXTREMES.length)];
                description.append(" set ").append(width).append(" bytes at ").append(at).append(" to ")
                        .append(Long.toHexString(value));
                byte[] bytes = image.clone();
                ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
                switch (width) {
                    case 2 -> buffer.putShort(at, (short) value);
                    case 4 -> buffer.putInt(at, (int) value);
                    default -> buffer.putLong(at, value);
                }
                return bytes;
            }
            case 4 -> {
                int length = random.nextBoolean() ? random.nextInt(Math.min(image.length, 4096) + 1)
                        : random.nextInt(image.length + 1);
                description.append(" truncate to ").append(length);
                return Arrays.copyOf(image, length);
            }
            case 5 -> {
                byte[] other = images.get(random.nextInt(images.size()));
                int at = random.nextInt(Math.min(image.length, other.length) + 1);
                int length = Math.min(4096, Math.min(image.length, other.length) - at);
                description.append(" splice ").append(length).append(" bytes of another image at ").append(at);
                byte[] bytes = image.clone();
                System.arraycopy(other, at, bytes, at, length);
                return bytes;
            }
            case 6 -> {
                description.append(" gzip");
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
                    gzip.write(image);
                }
                byte[] packed = out.toByteArray();
                return random.nextBoolean() ? packed : Arrays.copyOf(packed, random.nextInt(packed.length + 1));
            }
            default -> {
                int extra = random.nextInt(8192);
                description.append(" append ").append(extra).append(" random bytes");
                byte[] bytes = Arrays.copyOf(image, image.length + extra);
                byte[] tail = new byte[extra];
                random.nextBytes(tail);
                System.arraycopy(tail, 0, bytes, image.length, extra);
                return bytes;
            }
        }
    }
}
