package dev.trufflexen.launcher.gdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.trufflexen.launcher.ExitStatus;
import dev.trufflexen.launcher.InProcessTxl;
import dev.trufflexen.launcher.debug.ElfSymbols;

/**
 * The stub's remote protocol byte by byte, hostile input included: acknowledgements and no-ack
 * mode, a bad checksum, the target description, registers, memory that does not translate,
 * malformed and unknown packets (errors or empty replies, never a dead stub), threads, vCont,
 * breakpoints by Z/z, and detach.
 */
class GdbProtocolTest {
    @TempDir
    Path dir;

    @Test
    void theStubAnswersEveryPacketAndSurvivesBadOnes() throws Exception {
        InProcessTxl txl = new InProcessTxl(dir);
        CompletableFuture<Integer> status = txl.start("create", "--gdb", "0", InProcessTxl.config("debugee"));
        int port = GdbStubTest.port(txl);
        ElfSymbols symbols = ElfSymbols.read(Path.of(InProcessTxl.elf("debugee")));
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(30_000);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            out.write("$qSupported:swbreak+;hwbreak+#00".getBytes(StandardCharsets.ISO_8859_1));
            assertEquals('-', in.read(), "a bad checksum is refused");
            String supported = exchange(in, out, "qSupported:swbreak+;hwbreak+", true);
            assertTrue(supported.contains("swbreak+") && supported.contains("qXfer:features:read+"), supported);
            assertEquals("OK", exchange(in, out, "QStartNoAckMode", true));
            String xml = exchange(in, out, "qXfer:features:read:target.xml:0,3fff", false);
            assertTrue(xml.startsWith("l") && xml.contains("i386:x86-64") && xml.contains("fs_base")
                    && xml.contains("xmm15") && xml.contains("st7"), xml);
            assertTrue(exchange(in, out, "?", false).startsWith("T"), "a stop reply");
            String registers = exchange(in, out, "g", false);
            // 16 + rip + fs_base + gs_base 64-bit, 8 x87 80-bit, 16 XMM 128-bit, the rest 32-bit (6 + 1 + 8 + 1).
            assertEquals(2 * (19 * 8 + 8 * 10 + 16 * 16 + 16 * 4), registers.length(), registers);
            assertEquals(littleEndian(symbols.named("_start").orElseThrow().address()), exchange(in, out, "p10", false),
                    "rip is at the entry point");
            assertEquals("E14", exchange(in, out, "m0,8", false), "unmapped memory");
            assertEquals("E01", exchange(in, out, "mzz,8", false), "a malformed address");
            assertEquals("E01", exchange(in, out, "p999", false));
            assertEquals("E01", exchange(in, out, "Z0,", false));
            assertEquals("", exchange(in, out, "qNoSuchThing", false));
            assertEquals("", exchange(in, out, "j", false));
            assertEquals("m1", exchange(in, out, "qfThreadInfo", false));
            assertEquals("l", exchange(in, out, "qsThreadInfo", false));
            assertEquals("OK", exchange(in, out, "Hg1", false));
            assertEquals("E01", exchange(in, out, "Hg7", false), "no such vCPU");
            assertEquals("vCont;c;C;s;S", exchange(in, out, "vCont?", false));
            assertTrue(exchange(in, out, "vCont;s:1", false).startsWith("T05thread:1;"));
            String checkpoint = Long.toHexString(symbols.named("checkpoint").orElseThrow().address());
            assertEquals("OK", exchange(in, out, "Z0," + checkpoint + ",1", false));
            assertEquals("OK", exchange(in, out, "z0," + checkpoint + ",1", false));
            String misaligned = Long.toHexString(symbols.named("watched_counter").orElseThrow().address() + 1);
            assertEquals("E02", exchange(in, out, "Z2," + misaligned + ",8", false), "a misaligned watchpoint");
            assertEquals("OK", exchange(in, out, "D", false));
        }
        assertEquals(ExitStatus.GUEST_POWEROFF, status.get(60, TimeUnit.SECONDS), txl.err());
    }

    private static String littleEndian(long value) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            hex.append(String.format("%02x", value >>> (8 * i) & 0xFF));
        }
        return hex.toString();
    }

    private static String exchange(InputStream in, OutputStream out, String packet, boolean acks) throws IOException {
        int sum = 0;
        for (char c : packet.toCharArray()) {
            sum += c;
        }
        out.write(("$" + packet + "#" + String.format("%02x", sum & 0xFF)).getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        int c = in.read();
        if (acks) {
            assertEquals('+', c, "acknowledged");
            c = in.read();
        }
        while (c != '$') {
            c = in.read();
            if (c < 0) {
                throw new IOException("closed");
            }
        }
        StringBuilder reply = new StringBuilder();
        while ((c = in.read()) != '#') {
            reply.append((char) c);
        }
        in.read();
        in.read();
        if (acks) {
            out.write('+');
        }
        return reply.toString();
    }
}
