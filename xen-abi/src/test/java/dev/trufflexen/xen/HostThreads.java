package dev.trufflexen.xen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** This process's threads as the host sees them ({@code /proc/self/task}). */
public final class HostThreads {
    private HostThreads() {
    }

    /**
     * "NAME=SLACK" for each thread of this process with one of {@code names}, in the order asked:
     * its timer slack in ns, which the host shows per thread at {@code /proc/TID/timerslack_ns}.
     */
    public static List<String> timerSlackOf(String... names) throws IOException {
        Map<String, List<String>> byName = new LinkedHashMap<>();
        for (String name : names) {
            byName.put(name, new ArrayList<>());
        }
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    List<String> slacks = byName.get(Files.readString(task.resolve("comm")).strip());
                    if (slacks != null) {
                        slacks.add(Files.readString(Path.of("/proc", task.getFileName().toString(), "timerslack_ns")).strip());
                    }
                } catch (IOException ended) {
                    // the thread ended meanwhile
                }
            }
        }
        List<String> found = new ArrayList<>();
        byName.forEach((name, slacks) -> slacks.forEach(slack -> found.add(name + "=" + slack)));
        return found;
    }
}
