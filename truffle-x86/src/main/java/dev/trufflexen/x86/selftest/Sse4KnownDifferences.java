package dev.trufflexen.x86.selftest;

import java.util.Map;

/**
 * The known differences on the 0F38 and 0F3A maps (see {@link KnownDifferences}): SSSE3, SSE4.1
 * and SSE4.2, CRC32 and MOVBE are implemented; listed here are the MMX forms of SSSE3 and the
 * other extensions of these maps that the host has and TruffleXen does not (it raises #UD).
 */
final class Sse4KnownDifferences {
    private static final String MMX = "MMX form of an SSSE3 instruction: MMX not implemented/advertised (#UD)";

    private Sse4KnownDifferences() {
    }

    static void addTo(Map<String, String> reasons) {
        for (int op : new int[] {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x1C, 0x1D, 0x1E}) {
            reasons.put(String.format("0F 38 %02X", op), MMX);
        }
        reasons.put("0F 3A 0F", MMX);
        for (int op = 0xC8; op <= 0xCD; op++) {
            reasons.put(String.format("0F 38 %02X", op), "SHA extensions are not implemented (#UD)");
        }
        reasons.put("0F 3A CC", "SHA1RNDS4 (SHA extensions) is not implemented (#UD)");
        for (int op = 0xDB; op <= 0xDF; op++) {
            reasons.put(String.format("66 0F 38 %02X", op), "AES-NI is not implemented (#UD)");
        }
        reasons.put("66 0F 3A DF", "AESKEYGENASSIST (AES-NI) is not implemented (#UD)");
        reasons.put("66 0F 3A 44", "PCLMULQDQ is not implemented (#UD)");
        reasons.put("66 0F 38 CF", "GFNI is not implemented (#UD)");
        reasons.put("66 0F 3A CE", "GFNI is not implemented (#UD)");
        reasons.put("66 0F 3A CF", "GFNI is not implemented (#UD)");
        reasons.put("66 0F 38 F6", "ADCX (ADX) is not implemented (#UD)");
        reasons.put("F3 0F 38 F6", "ADOX (ADX) is not implemented (#UD)");
        reasons.put("66 F3 0F 38 F6", "ADOX (ADX) is not implemented (#UD)");
        reasons.put("0F 38 F9", "MOVDIRI is not implemented (#UD)");
        reasons.put("66 0F 38 F8", "MOVDIR64B is not implemented (#UD)");
    }
}
