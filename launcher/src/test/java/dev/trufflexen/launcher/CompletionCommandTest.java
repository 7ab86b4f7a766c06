package dev.trufflexen.launcher;

import static dev.trufflexen.launcher.HostTxl.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.trufflexen.launcher.host.HostedDomain;

/**
 * {@code txl completion}'s script in a real bash: command names, sub-commands, options, and the
 * running host's domain names where a command takes a domain, asked through {@code bin/txl list}
 * against a host in this JVM.
 */
class CompletionCommandTest {
    @TempDir
    Path state;
    @TempDir
    Path workingDirectory;

    private HostTxl txl;
    private Path script;

    @BeforeEach
    void hostWithAPreservedDomain() throws Exception {
        BinTxlTest.assumeBuilt();
        txl = new HostTxl(state, workingDirectory);
        assertEquals(0, txl.run("completion"), txl.err());
        script = workingDirectory.resolve("txl-completion.bash");
        Files.writeString(script, txl.out());
        assertEquals(0, txl.run("create", config("ticker"), "name=\"kept\"", "cmdline=\"ticks=2 period_ms=1\"",
                "on_poweroff=\"preserve\""), txl.err());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (txl.domain("kept").life() != HostedDomain.Life.PRESERVED) {
            assertTrue(System.nanoTime() < deadline, "kept did not shut down");
            Thread.sleep(10);
        }
    }

    @AfterEach
    void stopTheHost() throws Exception {
        if (txl != null) {
            txl.close();
        }
    }

    /** What bash completes for the words, the last one being the word under the cursor. */
    private List<String> complete(String... words) throws IOException, InterruptedException {
        StringBuilder array = new StringBuilder("COMP_WORDS=(" + quote(BinTxlTest.SCRIPT.toString()));
        for (String word : words) {
            array.append(' ').append(quote(word));
        }
        array.append("); COMP_CWORD=").append(words.length).append(';');
        ProcessBuilder bash = new ProcessBuilder("bash", "-c", "source " + quote(script.toString()) + "; " + array
                + " _txl; printf '%s\\n' \"${COMPREPLY[@]}\"");
        bash.environment().put("TXL_STATE_DIR", state.toString());
        bash.environment().remove("JAVA_HOME");
        bash.environment().remove("TXL_JAVA_OPTS");
        bash.redirectErrorStream(true);
        Process process = bash.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "bash did not finish");
        assertEquals(0, process.exitValue(), output);
        List<String> replies = new ArrayList<>(output.lines().filter(line -> !line.isEmpty()).toList());
        return replies;
    }

    private static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    @Test
    void commandsOptionsAndDomainNames() throws Exception {
        assertEquals(List.of("destroy"), complete("des"));
        assertEquals(List.of("dump-core"), complete("dum"));
        assertEquals(List.of("start", "status", "stop"), complete("host", "st").stream().sorted().toList());
        assertEquals(List.of("kept"), complete("destroy", ""));
        assertEquals(List.of("kept"), complete("destroy", "k"));
        assertEquals(List.of(), complete("destroy", "x"));
        assertEquals(List.of("kept"), complete("monitor", "-e", "info regions", ""), "-e takes a value: DOMAIN is next");
        assertEquals(List.of("kept"), complete("sched-credit", "-d", ""));
        assertEquals(List.of(), complete("dump-core", "kept", ""), "FILE: left to bash's file names");
        assertEquals(List.of("--help"), complete("create", "--he"));
        assertEquals(List.of("kept"), complete("pause", ""));
        assertEquals(List.of("kept"), complete("vcpu-pin", ""));
    }
}
