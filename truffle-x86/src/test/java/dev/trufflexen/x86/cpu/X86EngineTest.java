package dev.trufflexen.x86.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.testing.X86TestMachine;

class X86EngineTest {
    @Test
    void interpreterOnlyEngineRunsGuestsAndRunIsRecallable() {
        try (X86Engine engine = X86Engine.create(true, false);
                X86TestMachine m = new X86TestMachine(engine, false)) {
            // recursive fib(20), as in X86ExecutionTest
            m.code("bf14000000e801000000f44883ff02721d5357488d7fffe8efffffff4889c35f488d7ffee8e2ffffff4801d85bc34889f8c3");
            assertEquals("halt", m.run());
            assertEquals(6765L, m.reg(X86Reg.RAX));
            assertEquals(0, m.cpu.recentRips().length, "tracing off");
            m.cpu.setRip(X86TestMachine.CODE);
            assertEquals("halt", m.run());
            assertEquals(6765L, m.reg(X86Reg.RAX));
        }
    }

    @Test
    void aThreadThatEnteredForGoodRunsCpusAndTheEngineClosesAfterItLeft() throws Exception {
        X86Engine engine = X86Engine.create(false, false);
        try (X86TestMachine first = new X86TestMachine(engine, false); X86TestMachine second = new X86TestMachine(engine, false)) {
            first.code("b807000000f4"); // mov eax,7; hlt
            second.code("b809000000f4"); // mov eax,9; hlt
            Thread worker = new Thread(() -> {
                engine.enterThread();
                engine.enterThread(); // once is enough: a second call changes nothing
                try {
                    for (int i = 0; i < 3; i++) {
                        first.cpu.setRip(X86TestMachine.CODE);
                        second.cpu.setRip(X86TestMachine.CODE);
                        assertEquals("halt", first.run());
                        assertEquals("halt", second.run());
                    }
                } finally {
                    engine.leaveThread();
                    engine.leaveThread();
                }
            });
            worker.start();
            worker.join();
            assertEquals(7L, first.reg(X86Reg.RAX));
            assertEquals(9L, second.reg(X86Reg.RAX));
            assertEquals("halt", first.run(), "a thread that never entered still runs CPUs");
        }
        engine.close(); // the worker left: nothing holds the context
    }
}
