package dev.trufflexen.x86.runtime;

import com.oracle.truffle.api.TruffleLanguage.ContextReference;
import com.oracle.truffle.api.TruffleLanguage.Env;
import com.oracle.truffle.api.nodes.Node;

/** Per-context state of the x86 language: only the Truffle environment (CPU state lives in X86Cpu). */
public final class X86Context {
    private static final ContextReference<X86Context> REFERENCE = ContextReference.create(X86Language.class);

    private final Env env;

    X86Context(Env env) {
        this.env = env;
    }

    public Env env() {
        return env;
    }

    public static X86Context get(Node node) {
        return REFERENCE.get(node);
    }
}
