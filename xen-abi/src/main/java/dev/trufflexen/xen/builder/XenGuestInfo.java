package dev.trufflexen.xen.builder;

/**
 * The legacy {@code __xen_guest} section, read as libelf's {@code elf_xen_parse_guest_info}
 * reads it: {@code KEY=VALUE} pairs separated by commas (keys up to 31 characters, values up to
 * 127), setting the same parameters as the notes. HYPERCALL_PAGE is a page number, relative to
 * VIRT_BASE when VIRT_BASE is given.
 */
final class XenGuestInfo {
    private static final int NAME_MAX = 31;
    private static final int VALUE_MAX = 127;

    private final GuestParameters params;
    private final ElfImage elf;

    XenGuestInfo(GuestParameters params, ElfImage elf) {
        this.params = params;
        this.elf = elf;
    }

    void parse(String info) {
        params.hasXenNotes = true;
        int h = 0;
        while (h < info.length()) {
            StringBuilder name = new StringBuilder();
            StringBuilder value = new StringBuilder();
            for (int len = 0; len < NAME_MAX && h < info.length(); len++) {
                char c = info.charAt(h);
                if (c == ',') {
                    h++;
                    break;
                }
                if (c == '=') {
                    h++;
                    for (int vlen = 0; vlen < VALUE_MAX && h < info.length(); vlen++) {
                        char v = info.charAt(h);
                        h++;
                        if (v == ',') {
                            break;
                        }
                        value.append(v);
                    }
                    break;
                }
                name.append(c);
                h++;
            }
            apply(name.toString(), value.toString());
        }
        if (params.virtBase != GuestParameters.UNSET && params.hypercallPage != GuestParameters.UNSET) {
            params.hypercallPage += params.virtBase;
        }
    }

    private void apply(String name, String value) {
        switch (name) {
            case "LOADER" -> params.loader = value;
            case "GUEST_OS" -> params.guestOs = value;
            case "GUEST_VER" -> params.guestVersion = value;
            case "XEN_VER" -> params.xenVersion = value;
            case "PAE" -> params.paeMode = value;
            case "VIRT_BASE" -> params.virtBase = number(value);
            case "VIRT_ENTRY" -> params.virtEntry = number(value);
            case "ELF_PADDR_OFFSET" -> params.paddrOffset = number(value);
            case "HYPERCALL_PAGE" -> params.hypercallPage = number(value) << 12;
            case "FEATURES" -> params.parseFeatures(elf, value);
            default -> {
                // BSD_SYMTAB and unknown keys: nothing the 64-bit PV builder uses.
            }
        }
    }

    /** C's strtoull(value, NULL, 0): decimal, 0x hexadecimal or 0 octal prefix; stops at the first bad digit. */
    static long number(String text) {
        String s = text.strip();
        int radix = 10;
        int i = 0;
        if (s.startsWith("0x") || s.startsWith("0X")) {
            radix = 16;
            i = 2;
        } else if (s.startsWith("0") && s.length() > 1) {
            radix = 8;
            i = 1;
        }
        long value = 0;
        for (; i < s.length(); i++) {
            int digit = Character.digit(s.charAt(i), radix);
            if (digit < 0) {
                break;
            }
            value = value * radix + digit;
        }
        return value;
    }
}
