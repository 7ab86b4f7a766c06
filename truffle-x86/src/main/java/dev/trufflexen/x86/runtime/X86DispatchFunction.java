package dev.trufflexen.x86.runtime;

import com.oracle.truffle.api.CallTarget;
import com.oracle.truffle.api.dsl.Cached;
import com.oracle.truffle.api.interop.InteropLibrary;
import com.oracle.truffle.api.interop.TruffleObject;
import com.oracle.truffle.api.library.ExportLibrary;
import com.oracle.truffle.api.library.ExportMessage;
import com.oracle.truffle.api.nodes.IndirectCallNode;

/** The executable value {@code eval("x86", "dispatch")} returns: calls the dispatcher root. */
@ExportLibrary(InteropLibrary.class)
final class X86DispatchFunction implements TruffleObject {
    final CallTarget dispatcher;

    X86DispatchFunction(CallTarget dispatcher) {
        this.dispatcher = dispatcher;
    }

    @ExportMessage
    boolean isExecutable() {
        return true;
    }

    @ExportMessage
    Object execute(Object[] arguments, @Cached IndirectCallNode callNode) {
        return callNode.call(dispatcher, arguments);
    }
}
