package dev.trufflexen.launcher.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class BenchProgressTest {
    @Test
    void theLineShowsWorkloadPlatformRoundBarAndElapsedTime() {
        BenchProgress progress = new BenchProgress(null, 12, 3, 4);
        progress.platform("sieve", 2, "qemu", 1);
        progress.roundEnded(2);
        // 4 native rounds and 2 qemu rounds of 12: half the bar.
        assertEquals("txl: bench [3/12] sieve      qemu   round 3/4 [############------------] 1:05",
                progress.line(65_000_000_000L));
    }

    @Test
    void onATerminalItRedrawsOneLineAndClearsIt() {
        StringWriter text = new StringWriter();
        BenchProgress progress = new BenchProgress(new PrintWriter(text), 1, 2, 2);
        progress.platform("crc32", 0, "native", 0);
        progress.roundEnded(1);
        progress.finish();
        String drawn = text.toString();
        assertTrue(drawn.startsWith("\r\033[Ktxl: bench [1/1] crc32"), drawn);
        assertTrue(drawn.contains("round 2/2 [######------------------]"), drawn);
        assertTrue(drawn.endsWith("\r\033[K"), drawn);
        assertFalse(drawn.contains("\n"), "the status line never scrolls");
    }
}
