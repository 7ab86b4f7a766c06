package dev.trufflexen.x86.selftest;

import java.util.Map;

/**
 * The known differences on the 0F38 and 0F3A maps (see {@link KnownDifferences}): SSSE3, SSE4.1
 * and SSE4.2 (with the MMX forms of SSSE3), CRC32 and MOVBE are implemented; listed here are the
 * other extensions of these maps that the host has and TruffleXen does not (it raises #UD).
 */
final class Sse4KnownDifferences {
    private Sse4KnownDifferences() {
    }

    static void addTo(Map<String, String> reasons) {
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
