package dev.trufflexen.xen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        List<String> found = new ArrayList<>();
        for (String name : names) {
            try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path task : (Iterable<Path>) tasks::iterator) {
                    String comm;
                    try {
                        comm = Files.readString(task.resolve("comm")).strip();
                    } catch (IOException ended) {
                        continue; // the thread ended meanwhile
                    }
                    if (comm.equals(name)) {
                        String slack = Files.readString(Path.of("/proc", task.getFileName().toString(), "timerslack_ns")).strip();
                        found.add(name + "=" + slack);
                    }
                }
            }
        }
        return found;
    }
}
