package dev.trufflexen.launcher.monitor;

import java.util.ArrayList;
import java.util.List;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Reg;

/** The registers the monitor names: the 16 general ones, rip, rflags, fs_base, gs_base, cr2 and cr3 (read only). */
final class Registers {
    private static final String[] GENERAL = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
        "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"};

    private Registers() {
    }

    static List<String> names() {
        List<String> names = new ArrayList<>(List.of(GENERAL));
        names.addAll(List.of("rip", "rflags", "fs_base", "gs_base", "cr2", "cr3"));
        return names;
    }

    /** The value of register {@code name} (lower case), or null when there is none. */
    static Long read(X86Cpu cpu, String name) {
        for (int i = 0; i < GENERAL.length; i++) {
            if (GENERAL[i].equals(name)) {
                return cpu.reg(X86Reg.RAX + i);
            }
        }
        return switch (name) {
            case "rip", "pc" -> cpu.rip();
            case "rflags", "eflags" -> cpu.rflags();
            case "fs_base" -> cpu.fsBase();
            case "gs_base" -> cpu.gsBase();
            case "cr2" -> cpu.cr2();
            case "cr3" -> cpu.cr3();
            default -> null;
        };
    }

    /** Writes register {@code name}; false when it is not one the monitor may set. */
    static boolean write(X86Cpu cpu, String name, long value) {
        for (int i = 0; i < GENERAL.length; i++) {
            if (GENERAL[i].equals(name)) {
                cpu.setReg(X86Reg.RAX + i, value);
                return true;
            }
        }
        switch (name) {
            case "rip", "pc" -> cpu.setRip(value);
            case "rflags", "eflags" -> cpu.setRflags(value);
            case "fs_base" -> cpu.setFsBase(value);
            case "gs_base" -> cpu.setGsBase(value);
            case "cr2" -> cpu.setCr2(value);
            default -> {
                return false;
            }
        }
        return true;
    }
}
