package dev.trufflexen.launcher.gdb;

import java.util.ArrayList;
import java.util.List;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86FpuState;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.cpu.X86Segment;

/**
 * The registers the stub shows gdb, in the order of its target description: the x86-64 general
 * registers, RIP, EFLAGS and the segment selectors, the x87 stack and its control registers,
 * XMM0-15 and MXCSR, then the FS and GS bases (gdb's i386 core, sse and segments features).
 * Values are little-endian hex, as gdb's {@code g}, {@code G}, {@code p} and {@code P} carry
 * them. The x87 and SSE registers are read and written through the CPU's FXSAVE image.
 */
final class GdbRegisters {
    private enum Kind { GENERAL, RIP, EFLAGS, SEGMENT, ST, X87_CONTROL, XMM, MXCSR, FS_BASE, GS_BASE }

    private record Register(String name, int bits, String type, String feature, Kind kind, int index) {
    }

    private static final int[] GENERAL_ORDER = {X86Reg.RAX, X86Reg.RBX, X86Reg.RCX, X86Reg.RDX, X86Reg.RSI,
        X86Reg.RDI, X86Reg.RBP, X86Reg.RSP, 8, 9, 10, 11, 12, 13, 14, 15};
    private static final String[] GENERAL_NAMES = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
        "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"};
    private static final int[] SEGMENT_ORDER = {X86Segment.CS, X86Segment.SS, X86Segment.DS, X86Segment.ES,
        X86Segment.FS, X86Segment.GS};
    private static final String[] X87_CONTROL = {"fctrl", "fstat", "ftag", "fiseg", "fioff", "foseg", "fooff", "fop"};
    private static final String CORE = "org.gnu.gdb.i386.core";
    private static final String SSE = "org.gnu.gdb.i386.sse";
    private static final String SEGMENTS = "org.gnu.gdb.i386.segments";
    static final List<Register> ALL = layout();

    private GdbRegisters() {
    }

    private static List<Register> layout() {
        List<Register> all = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            String type = GENERAL_NAMES[i].equals("rbp") || GENERAL_NAMES[i].equals("rsp") ? "data_ptr" : "int64";
            all.add(new Register(GENERAL_NAMES[i], 64, type, CORE, Kind.GENERAL, GENERAL_ORDER[i]));
        }
        all.add(new Register("rip", 64, "code_ptr", CORE, Kind.RIP, 0));
        all.add(new Register("eflags", 32, "int32", CORE, Kind.EFLAGS, 0));
        String[] segmentNames = {"cs", "ss", "ds", "es", "fs", "gs"};
        for (int i = 0; i < 6; i++) {
            all.add(new Register(segmentNames[i], 32, "int32", CORE, Kind.SEGMENT, SEGMENT_ORDER[i]));
        }
        for (int i = 0; i < 8; i++) {
            all.add(new Register("st" + i, 80, "i387_ext", CORE, Kind.ST, i));
        }
        for (int i = 0; i < X87_CONTROL.length; i++) {
            all.add(new Register(X87_CONTROL[i], 32, "int", CORE, Kind.X87_CONTROL, i));
        }
        for (int i = 0; i < 16; i++) {
            all.add(new Register("xmm" + i, 128, "vec128", SSE, Kind.XMM, i));
        }
        all.add(new Register("mxcsr", 32, "int", SSE, Kind.MXCSR, 0));
        all.add(new Register("fs_base", 64, "int", SEGMENTS, Kind.FS_BASE, 0));
        all.add(new Register("gs_base", 64, "int", SEGMENTS, Kind.GS_BASE, 0));
        return all;
    }

    /** The target description gdb reads with qXfer:features:read:target.xml. */
    static String targetXml() {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
                + "<target version=\"1.0\">\n<architecture>i386:x86-64</architecture>\n");
        String feature = null;
        for (int n = 0; n < ALL.size(); n++) {
            Register r = ALL.get(n);
            if (!r.feature().equals(feature)) {
                if (feature != null) {
                    xml.append("</feature>\n");
                }
                feature = r.feature();
                xml.append("<feature name=\"").append(feature).append("\">\n");
                if (feature.equals(SSE)) {
                    xml.append("<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>\n"
                            + "<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>\n"
                            + "<vector id=\"v16i8\" type=\"int8\" count=\"16\"/>\n"
                            + "<vector id=\"v8i16\" type=\"int16\" count=\"8\"/>\n"
                            + "<vector id=\"v4i32\" type=\"int32\" count=\"4\"/>\n"
                            + "<vector id=\"v2i64\" type=\"int64\" count=\"2\"/>\n"
                            + "<union id=\"vec128\"><field name=\"v4_float\" type=\"v4f\"/>"
                            + "<field name=\"v2_double\" type=\"v2d\"/><field name=\"v16_int8\" type=\"v16i8\"/>"
                            + "<field name=\"v8_int16\" type=\"v8i16\"/><field name=\"v4_int32\" type=\"v4i32\"/>"
                            + "<field name=\"v2_int64\" type=\"v2i64\"/><field name=\"uint128\" type=\"uint128\"/></union>\n");
                }
            }
            xml.append("<reg name=\"").append(r.name()).append("\" bitsize=\"").append(r.bits())
                    .append("\" type=\"").append(r.type()).append("\" regnum=\"").append(n).append("\"");
            if (r.kind() == Kind.ST || r.kind() == Kind.X87_CONTROL) {
                xml.append(" group=\"float\"");
            } else if (r.kind() == Kind.XMM || r.kind() == Kind.MXCSR) {
                xml.append(" group=\"vector\"");
            }
            xml.append("/>\n");
        }
        return xml.append("</feature>\n</target>\n").toString();
    }

    static int count() {
        return ALL.size();
    }

    /** All registers as gdb's {@code g} reply. */
    static String readAll(X86Cpu cpu) {
        byte[] fx = fxsave(cpu);
        StringBuilder hex = new StringBuilder();
        for (int n = 0; n < ALL.size(); n++) {
            hex.append(GdbHex.bytes(read(cpu, fx, n)));
        }
        return hex.toString();
    }

    /** Register {@code n} as gdb's {@code p} reply; null when there is no such register. */
    static String readOne(X86Cpu cpu, int n) {
        return n < 0 || n >= ALL.size() ? null : GdbHex.bytes(read(cpu, fxsave(cpu), n));
    }

    /** Writes every register from a {@code G} packet's hex; false when it is too short. */
    static boolean writeAll(X86Cpu cpu, String hex) {
        byte[] data = GdbHex.parseBytes(hex);
        byte[] fx = fxsave(cpu);
        int at = 0;
        for (int n = 0; n < ALL.size(); n++) {
            int size = ALL.get(n).bits() / 8;
            if (at + size > data.length) {
                return false;
            }
            write(cpu, fx, n, java.util.Arrays.copyOfRange(data, at, at + size));
            at += size;
        }
        cpu.fpu().loadFxsave(fx, 0);
        return true;
    }

    /** Writes register {@code n} from a {@code P} packet's hex; false when there is no such register or size. */
    static boolean writeOne(X86Cpu cpu, int n, String hex) {
        if (n < 0 || n >= ALL.size()) {
            return false;
        }
        byte[] value = GdbHex.parseBytes(hex);
        if (value.length != ALL.get(n).bits() / 8) {
            return false;
        }
        byte[] fx = fxsave(cpu);
        write(cpu, fx, n, value);
        cpu.fpu().loadFxsave(fx, 0);
        return true;
    }

    private static byte[] fxsave(X86Cpu cpu) {
        byte[] fx = new byte[X86FpuState.FXSAVE_SIZE];
        cpu.fpu().saveFxsave(fx, 0);
        return fx;
    }

    private static byte[] read(X86Cpu cpu, byte[] fx, int n) {
        Register r = ALL.get(n);
        return switch (r.kind()) {
            case GENERAL -> GdbHex.le(cpu.reg(r.index()), 8);
            case RIP -> GdbHex.le(cpu.rip(), 8);
            case EFLAGS -> GdbHex.le(cpu.rflags(), 4);
            case SEGMENT -> GdbHex.le(cpu.segment(r.index()), 4);
            case ST -> java.util.Arrays.copyOfRange(fx, 32 + 16 * r.index(), 42 + 16 * r.index());
            case X87_CONTROL -> GdbHex.le(x87Control(cpu, fx, r.index()), 4);
            case XMM -> java.util.Arrays.copyOfRange(fx, 160 + 16 * r.index(), 176 + 16 * r.index());
            case MXCSR -> java.util.Arrays.copyOfRange(fx, 24, 28);
            case FS_BASE -> GdbHex.le(cpu.fsBase(), 8);
            case GS_BASE -> GdbHex.le(cpu.gsBase(), 8);
        };
    }

    private static long x87Control(X86Cpu cpu, byte[] fx, int index) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(fx).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        return switch (index) {
            case 0 -> Short.toUnsignedInt(b.getShort(0));
            case 1 -> Short.toUnsignedInt(b.getShort(2));
            case 2 -> cpu.fpu().tagWord();
            case 3 -> Short.toUnsignedInt(b.getShort(12));
            case 4 -> Integer.toUnsignedLong(b.getInt(8));
            case 5 -> Short.toUnsignedInt(b.getShort(20));
            case 6 -> Integer.toUnsignedLong(b.getInt(16));
            default -> Short.toUnsignedInt(b.getShort(6));
        };
    }

    private static void write(X86Cpu cpu, byte[] fx, int n, byte[] value) {
        Register r = ALL.get(n);
        long v = GdbHex.fromLe(value);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(fx).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        switch (r.kind()) {
            case GENERAL -> cpu.setReg(r.index(), v);
            case RIP -> cpu.setRip(v);
            case EFLAGS -> cpu.setRflags(v & 0xFFFF_FFFFL);
            case SEGMENT -> {
                // PV guests run with Xen's flat selectors; only a change is refused.
                if ((int) v != cpu.segment(r.index())) {
                    return;
                }
            }
            case ST -> System.arraycopy(value, 0, fx, 32 + 16 * r.index(), 10);
            case X87_CONTROL -> {
                switch (r.index()) {
                    case 0 -> b.putShort(0, (short) v);
                    case 1 -> b.putShort(2, (short) v);
                    case 7 -> b.putShort(6, (short) v);
                    default -> {
                        // the tag word and the last-instruction pointers follow the x87's own work
                    }
                }
            }
            case XMM -> System.arraycopy(value, 0, fx, 160 + 16 * r.index(), 16);
            case MXCSR -> b.putInt(24, (int) v & X86FpuState.MXCSR_WRITABLE);
            case FS_BASE -> cpu.setFsBase(v);
            case GS_BASE -> cpu.setGsBase(v);
        }
    }
}
