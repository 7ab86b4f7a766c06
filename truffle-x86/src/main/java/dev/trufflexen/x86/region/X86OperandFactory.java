package dev.trufflexen.x86.region;

import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.decoder.X86Instruction;
import dev.trufflexen.x86.nodes.X86AddressNode;
import dev.trufflexen.x86.nodes.X86FrameLayout;
import dev.trufflexen.x86.nodes.X86ImmediateOperandNode;
import dev.trufflexen.x86.nodes.X86MemoryOperandNode;
import dev.trufflexen.x86.nodes.X86MemorySite;
import dev.trufflexen.x86.nodes.X86OperandNode;
import dev.trufflexen.x86.nodes.X86RegisterOperandNode;

/**
 * Builds operand nodes for one region and records which general registers the region touches,
 * so the region root copies only those between {@link dev.trufflexen.x86.cpu.X86Cpu} and its
 * frame. Every register a node reads or writes must pass through here (explicit operands do so
 * automatically; translators call {@link #touch} for implicit ones such as RSP or RAX:RDX).
 */
final class X86OperandFactory {
    /** One cache per base register, one for operands without a base (absolute, RIP-relative). */
    private static final int NO_BASE_CACHE = X86Reg.COUNT;

    private int touchedRegisters;
    /** The caches handed out so far, by base register; 0 = none yet. */
    private final int[] cacheSlots = new int[X86Reg.COUNT + 1];
    /** RBP-based operands through the stack segment (no FS/GS override) have a cache of their own. */
    private int stackFrameCacheSlot;
    private int nextSlot = X86FrameLayout.FIRST_SITE;

    /**
     * Whether the operands translated next get frame caches: only inside tight loops, where a
     * site or two keep hitting one page and the cached translation stays in a register. Elsewhere
     * a cache costs more than it saves (two loop-carried values per site, a miss path that
     * refills it), so operands there use the CPU's TLB inline.
     */
    private boolean cacheSites;

    void setCacheSites(boolean cacheSites) {
        this.cacheSites = cacheSites;
    }

    int touchedMask() {
        return touchedRegisters;
    }

    /** Frame slots the region needs: the fixed ones plus its memory sites' caches. */
    int frameSlotCount() {
        return nextSlot;
    }

    /**
     * The translation cache for a memory operand. Operands with the same base register share
     * one (a base register usually walks one object, so its accesses tend to stay on a page);
     * RSP-based operands share the stack's. Sharing keeps the number of cached translations a
     * loop carries in registers small, which matters more than the odd extra miss.
     */
    X86MemorySite memorySite(X86AddressNode address) {
        if (!cacheSites) {
            return address.isStackSegment() ? X86MemorySite.UNCACHED_STACK_SEGMENT : X86MemorySite.UNCACHED;
        }
        if (address.isStackSegment()) {
            if (address.base() == X86Reg.RSP) {
                return X86MemorySite.STACK;
            }
            if (stackFrameCacheSlot == 0) {
                stackFrameCacheSlot = allocateCache();
            }
            return new X86MemorySite(stackFrameCacheSlot, true);
        }
        int key = address.base() == X86AddressNode.NO_REGISTER ? NO_BASE_CACHE : address.base();
        if (cacheSlots[key] == 0) {
            cacheSlots[key] = allocateCache();
        }
        return new X86MemorySite(cacheSlots[key], false);
    }

    private int allocateCache() {
        int slot = nextSlot;
        nextSlot += X86MemorySite.SLOTS;
        return slot;
    }

    int touch(int reg) {
        touchedRegisters |= 1 << reg;
        return reg;
    }

    void touch(int... regs) {
        for (int reg : regs) {
            touch(reg);
        }
    }

    /** A general register of {@code size}; byte registers 4..7 without REX are AH, CH, DH, BH. */
    X86OperandNode register(int reg, int size, boolean rex) {
        if (size == 1 && !rex && reg >= 4 && reg < 8) {
            return new X86RegisterOperandNode(touch(reg - 4), 1, true);
        }
        return new X86RegisterOperandNode(touch(reg), size, false);
    }

    /** ModRM.reg as a register operand. */
    X86OperandNode reg(X86Instruction insn, int size) {
        return register(insn.reg(), size, insn.hasRex());
    }

    /** ModRM.rm: register or memory. */
    X86OperandNode rm(X86Instruction insn, int size) {
        if (!insn.hasMemory()) {
            return register(insn.rm(), size, insn.hasRex());
        }
        X86AddressNode address = address(insn);
        return new X86MemoryOperandNode(address, size, memorySite(address));
    }

    X86AddressNode address(X86Instruction insn) {
        int base = insn.base() == X86Instruction.NO_REGISTER ? X86AddressNode.NO_REGISTER : touch(insn.base());
        int index = insn.index() == X86Instruction.NO_REGISTER ? X86AddressNode.NO_REGISTER : touch(insn.index());
        return new X86AddressNode(base, index, insn.scaleShift(), insn.displacement(), insn.segment(), insn.addressSize() == 4);
    }

    /** An absolute address (MOV moffs) with the instruction's segment override. */
    X86OperandNode absolute(X86Instruction insn, long address, int size) {
        X86AddressNode node = new X86AddressNode(X86AddressNode.NO_REGISTER, X86AddressNode.NO_REGISTER, 0, address, insn.segment(),
                insn.addressSize() == 4);
        return new X86MemoryOperandNode(node, size, memorySite(node));
    }

    X86OperandNode immediate(long value, int size) {
        return new X86ImmediateOperandNode(value, size);
    }

    X86OperandNode accumulator(int size) {
        return new X86RegisterOperandNode(touch(X86Reg.RAX), size, false);
    }
}
