package dev.trufflexen.x86.nodes.control;

import com.oracle.truffle.api.Assumption;
import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.runtime.X86ExitException;

/**
 * An x87, MMX or SSE instruction's device-not-available check: with CR0.TS set, the instruction
 * raises #NM at itself (an operating system switching FPU state lazily takes the fault and
 * restores the state). Until some vCPU of the engine sets TS, an engine-wide assumption folds
 * the check away in compiled code.
 */
public final class X86DeviceAvailableNode extends X86InstructionNode {
    @Child private X86InstructionNode instruction;
    private final Assumption noTaskSwitch;

    public X86DeviceAvailableNode(X86InstructionNode instruction, Assumption noTaskSwitch) {
        super(instruction.rip(), instruction.length());
        this.instruction = instruction;
        this.noTaskSwitch = noTaskSwitch;
    }

    /** The x87, MMX or SSE instruction itself. */
    public X86InstructionNode instruction() {
        return instruction;
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        if (!noTaskSwitch.isValid() && cpu.taskSwitched()) {
            throw X86ExitException.fault(X86Fault.NM);
        }
        instruction.execute(frame, cpu);
    }
}
