package dev.trufflexen.launcher.debug;

import java.io.IOException;
import java.io.OutputStream;

import dev.trufflexen.xen.XenHypervisor;
import dev.trufflexen.xen.domain.Domain;

/**
 * A domain being debugged in this process, as the monitor and the GDB stub see it: its hypervisor, the domain, its debugger, its
 * hypercall counts and the symbols loaded with {@code sym}.
 */
public final class DebuggedDomain {
    private final XenHypervisor xen;
    private final Domain domain;
    private final DomainDebugger debugger;
    private final HypercallCounts hypercalls;
    private volatile ElfSymbols symbols = ElfSymbols.none();
    private volatile OutputStream consoleView;
    private volatile CompilationTrace compilations;
    private volatile Destroyer destroyer = (domain, resumeDebugger) -> {
        domain.destroy();
        resumeDebugger.run();
    };

    /**
     * How {@code destroy} and {@code quit} end the domain: by default at once; a host destroys it
     * as {@code txl destroy} does (no xl.cfg action applies, the reply comes once it is released).
     * {@code resumeDebugger} lets a domain the debugger holds run on to its end.
     */
    @FunctionalInterface
    public interface Destroyer {
        void destroy(Domain domain, Runnable resumeDebugger) throws Exception;
    }

    private DebuggedDomain(XenHypervisor xen, Domain domain, DomainDebugger debugger, HypercallCounts hypercalls) {
        this.xen = xen;
        this.domain = domain;
        this.debugger = debugger;
        this.hypercalls = hypercalls;
    }

    /** Attaches a debugger and the hypercall counter to a built domain. */
    public static DebuggedDomain attach(XenHypervisor xen, Domain domain) {
        HypercallCounts counts = new HypercallCounts(domain.id());
        xen.afterEveryHypercall(counts);
        xen.timeEveryHypercall();
        return new DebuggedDomain(xen, domain, DomainDebugger.attach(domain), counts);
    }

    public XenHypervisor xen() {
        return xen;
    }

    public Domain domain() {
        return domain;
    }

    public void setDestroyer(Destroyer how) {
        this.destroyer = how;
    }

    /** Destroys the domain (xl destroy); a failure is a {@link DebugException} with its message. */
    public void destroy() {
        try {
            destroyer.destroy(domain, debugger::resume);
        } catch (DebugException e) {
            throw e;
        } catch (Exception e) {
            throw new DebugException(e.getMessage());
        }
    }

    public DomainDebugger debugger() {
        return debugger;
    }

    public HypercallCounts hypercalls() {
        return hypercalls;
    }

    public ElfSymbols symbols() {
        return symbols;
    }

    public void setSymbols(ElfSymbols loaded) {
        this.symbols = loaded;
    }

    /** The engine's compilation trace for this domain, or null when its engine does not trace compilations. */
    public CompilationTrace compilations() {
        return compilations;
    }

    public void setCompilations(CompilationTrace trace) {
        this.compilations = trace;
    }

    /**
     * The guest console's stream: everything goes to {@code log}, and also to the view set by
     * {@link #showConsoleOn} (the monitor's terminal, above its prompt).
     */
    public OutputStream consoleTee(OutputStream log) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                log.write(b);
                OutputStream view = consoleView;
                if (view != null) {
                    view.write(b);
                }
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                log.write(bytes, offset, length);
                OutputStream view = consoleView;
                if (view != null) {
                    view.write(bytes, offset, length);
                }
            }

            @Override
            public void flush() throws IOException {
                log.flush();
            }
        };
    }

    /** Shows the guest console on {@code view} too (null: the log alone). */
    public void showConsoleOn(OutputStream view) {
        this.consoleView = view;
    }

    /** {@code 0x...} followed by {@code <function+off>} when a symbol covers the address. */
    public String address(long address) {
        String symbol = symbols.describe(address);
        return String.format("0x%016x", address) + (symbol.isEmpty() ? "" : " <" + symbol + ">");
    }
}
