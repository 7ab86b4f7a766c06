package dev.trufflexen.xen.builder.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

import com.github.luben.zstd.Zstd;

import dev.trufflexen.xen.domain.DomainBuildException;
import dev.trufflexen.xen.domain.DomainSpec;
import dev.trufflexen.xen.GuestImages;
import dev.trufflexen.xen.XenHypervisor;

/**
 * Hostile kernel files made from the real shapes (guest-images/build/shapes): truncated files and
 * payloads, lying header and size fields, decompression bombs, corrupt streams. Each one, given to
 * the hypervisor as a domain's kernel, ends in one clean line naming the file, and nothing is
 * built: every frame is still free.
 */
class HostileKernelImagesTest {
    private static final long DOMAIN_MIB = 32;
    private static final int PAYLOAD_LENGTH = 0x24c;
    private static final int PAYLOAD_OFFSET = 0x248;
    private static XenHypervisor xen;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        xen = XenHypervisor.create(new XenHypervisor.Options(false, false, null, 256));
    }

    @AfterAll
    static void stop() {
        xen.close();
    }

    /** Builds a domain from {@code image}; returns the one-line error, after checking nothing was kept. */
    private String refused(String name, byte[] image) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, image);
        long free = xen.framePool().freeFrames();
        DomainBuildException e = assertThrows(DomainBuildException.class,
                () -> xen.createDomain(DomainSpec.of("hostile", file, DOMAIN_MIB, "")));
        String message = e.getMessage();
        System.out.println(message);
        assertTrue(message.startsWith(file + ": "), message);
        assertTrue(message.chars().allMatch(c -> c >= 0x20 && c < 0x7f), "one printable line: " + message);
        assertTrue(message.length() < 400, message);
        assertEquals(free, xen.framePool().freeFrames(), "nothing built: " + message);
        return message;
    }

    private static byte[] shape(String file) throws IOException {
        return Files.readAllBytes(GuestImages.shape(file));
    }

    private static int payloadStart(byte[] bz) {
        return ((bz[0x1f1] & 0xff) + 1) * 512 + le32(bz, PAYLOAD_OFFSET);
    }

    private static int le32(byte[] data, int at) {
        return ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).getInt(at);
    }

    private static void putLe32(byte[] data, int at, int value) {
        ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).putInt(at, value);
    }

    /** The bzImage {@code bz} with its payload replaced (the header's payload_length follows). */
    private static byte[] withPayload(byte[] bz, byte[] payload) {
        int start = payloadStart(bz);
        byte[] out = Arrays.copyOf(bz, start + payload.length + 0x80);
        System.arraycopy(payload, 0, out, start, payload.length);
        putLe32(out, PAYLOAD_LENGTH, payload.length);
        return out;
    }

    private static byte[] payloadOf(byte[] bz) {
        int start = payloadStart(bz);
        return Arrays.copyOfRange(bz, start, start + le32(bz, PAYLOAD_LENGTH));
    }

    private static byte[] sizeAppended(byte[] compressed, int size) {
        byte[] out = Arrays.copyOf(compressed, compressed.length + 4);
        putLe32(out, compressed.length, size);
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "bzip2", "xz", "lzma", "lzo", "lz4", "zstd"})
    void truncatedPayloadWithAnHonestSizeWord(String compressor) throws IOException {
        byte[] bz = shape("hello.bz-" + compressor);
        byte[] payload = payloadOf(bz);
        int size = le32(payload, payload.length - 4);
        byte[] cut = Arrays.copyOf(payload, payload.length / 2);
        String message = refused("cut-" + compressor, withPayload(bz, sizeAppended(cut, size)));
        assertTrue(message.contains("bzImage " + compressor + " payload"), message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "bzip2", "xz", "lzma", "lzo", "lz4", "zstd"})
    void sizeWordsThatLie(String compressor) throws IOException {
        byte[] bz = shape("hello.bz-" + compressor);
        byte[] payload = payloadOf(bz);
        int size = le32(payload, payload.length - 4);
        for (int lie : new int[] {size - 1, size + 4096, 1, -1}) {
            byte[] lying = payload.clone();
            putLe32(lying, lying.length - 4, lie);
            String message = refused("lie-" + compressor, withPayload(bz, lying));
            assertTrue(message.contains(compressor + " payload"), message);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "bzip2", "xz", "lzma", "lzo", "lz4", "zstd"})
    void corruptPayloadsNeverEscapeAsAnotherFailure(String compressor) throws IOException {
        byte[] bz = shape("hello.bz-" + compressor);
        int start = payloadStart(bz);
        int length = le32(bz, PAYLOAD_LENGTH);
        Random random = new Random(compressor.hashCode());
        for (int round = 0; round < 25; round++) {
            byte[] corrupt = bz.clone();
            for (int flips = 1 + random.nextInt(8); flips > 0; flips--) {
                // Leave the magic alone so the right decompressor sees the damage.
                corrupt[start + 6 + random.nextInt(length - 10)] ^= (byte) (1 + random.nextInt(255));
            }
            Path file = dir.resolve("corrupt-" + compressor + "-" + round);
            Files.write(file, corrupt);
            long free = xen.framePool().freeFrames();
            try {
                // lz4 and lzo blocks carry no checksum: damage may still decode to a loadable image.
                var domain = xen.createDomain(DomainSpec.of("corrupt", file, DOMAIN_MIB, ""));
                domain.destroy();
                domain.release();
            } catch (DomainBuildException e) {
                assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
                assertEquals(free, xen.framePool().freeFrames(), e.getMessage());
            }
        }
    }

    @Test
    void headerFieldsThatLie() throws IOException {
        byte[] bz = shape("hello.bz-xz");
        byte[] longer = bz.clone();
        putLe32(longer, PAYLOAD_LENGTH, bz.length);
        assertTrue(refused("length", longer).contains("payload_length"));
        byte[] past = bz.clone();
        putLe32(past, PAYLOAD_OFFSET, 0x7fff_fff0);
        assertTrue(refused("offset", past).contains("past the end"));
        byte[] old = bz.clone();
        old[0x206] = 0x07;
        assertTrue(refused("old", old).contains("boot protocol 2.07 is too old"));
        byte[] unknown = bz.clone();
        unknown[payloadStart(bz)] = 0x42;
        unknown[payloadStart(bz) + 1] = 0x42;
        assertTrue(refused("unknown", unknown).contains("unknown compression format"));
        byte[] truncatedFile = Arrays.copyOf(bz, payloadStart(bz) + 100);
        assertTrue(refused("truncated", truncatedFile).contains("runs past the end"));
    }

    @Test
    void truncatedGzipKernel() throws IOException {
        byte[] gz = shape("hello.elf.gz");
        for (int length : new int[] {gz.length - 1, gz.length / 2, 12}) {
            assertTrue(refused("hello.elf.gz", Arrays.copyOf(gz, length)).contains("gzip-compressed image"));
        }
    }

    private static final int BOMB_BYTES = 64 << 20;

    private static byte[] compress(OutputStreamFactory factory) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream compressor = factory.open(out)) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < BOMB_BYTES / zeros.length; i++) {
                compressor.write(zeros);
            }
        }
        return out.toByteArray();
    }

    private interface OutputStreamFactory {
        OutputStream open(OutputStream out) throws IOException;
    }

    @Test
    void decompressionBombsAreBoundedByTheDomainsMemory() throws IOException {
        byte[] bz = shape("hello.bz-xz");
        byte[] gzip = compress(GzipCompressorOutputStream::new);
        byte[] bzip2 = compress(BZip2CompressorOutputStream::new);
        byte[] xz = compress(out -> new XZOutputStream(out, new LZMA2Options(1)));
        byte[] zstd = Zstd.compress(new byte[BOMB_BYTES], 3);
        // A gzip file carries its own (here honest) size: 64 MiB, more than the domain's 32 MiB.
        assertTrue(refused("bomb.gz", gzip).contains("more than the 32 MiB it may take"));
        String[] names = {"gzip", "bzip2", "xz", "zstd"};
        byte[][] bombs = {gzip, sizeAppended(bzip2, BOMB_BYTES), sizeAppended(xz, BOMB_BYTES),
            sizeAppended(zstd, BOMB_BYTES)};
        for (int i = 0; i < bombs.length; i++) {
            String honest = refused("bomb-" + names[i], withPayload(bz, bombs[i]));
            assertTrue(honest.contains("declares 67108864 bytes uncompressed, more than the 32 MiB"), honest);
            // The same bomb claiming 1 MiB: decompression stops after the claimed size.
            byte[] lying = bombs[i].clone();
            putLe32(lying, lying.length - 4, 1 << 20);
            String stopped = refused("bomb-lying-" + names[i], withPayload(bz, lying));
            assertTrue(stopped.contains("payload"), stopped);
        }
    }
}
