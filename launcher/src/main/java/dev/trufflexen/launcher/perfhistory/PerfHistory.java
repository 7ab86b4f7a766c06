package dev.trufflexen.launcher.perfhistory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The benchmark history: a directory (perf/history in the checkout) of JSON-lines files, one per
 * machine, named {@code <machine key>.jsonl}, one {@link PerfRecord} per line, oldest first.
 *
 * <p>Reading never fails on content: a line that is not JSON, not an object, of another schema
 * version or missing a required field is skipped, and the warning names the file and line.
 * Appending writes one whole line with a single write, so a run killed midway leaves at worst
 * a partial last line, which the next read skips.
 */
public final class PerfHistory {
    /** The history's file suffix. */
    public static final String SUFFIX = ".jsonl";

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Path directory;

    public PerfHistory(Path directory) {
        this.directory = directory;
    }

    public Path directory() {
        return directory;
    }

    /** The file that keeps the runs of one machine. */
    public Path fileFor(PerfRecord.Machine machine) {
        return directory.resolve(machine.key() + SUFFIX);
    }

    /** Appends a run to its machine's file, creating the directory and file when needed. */
    public Path append(PerfRecord run) throws IOException {
        Files.createDirectories(directory);
        Path file = fileFor(run.machine());
        byte[] line = (toJson(run) + "\n").getBytes(StandardCharsets.UTF_8);
        Files.write(file, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        return file;
    }

    /** One run as one line of JSON. */
    public static String toJson(PerfRecord run) {
        try {
            return MAPPER.writeValueAsString(run);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a benchmark record as JSON", e);
        }
    }

    /**
     * Every readable run of every machine, ordered by date; each skipped line is reported to
     * {@code warnings} as {@code FILE:LINE: why}. A missing directory is an empty history.
     */
    public List<PerfRecord> readAll(Consumer<String> warnings) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        List<Path> files;
        try (Stream<Path> listing = Files.list(directory)) {
            files = listing.filter(f -> f.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
        }
        List<PerfRecord> runs = new ArrayList<>();
        for (Path file : files) {
            runs.addAll(read(file, warnings));
        }
        runs.sort(Comparator.comparing(PerfRecord::date));
        return runs;
    }

    /** The readable runs of one history file, in file order. */
    public static List<PerfRecord> read(Path file, Consumer<String> warnings) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<PerfRecord> runs = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            try {
                runs.add(parse(line));
            } catch (InvalidRecordException e) {
                warnings.accept(file + ":" + (i + 1) + ": skipped: " + e.getMessage());
            }
        }
        return runs;
    }

    /** One line of a history file, validated. */
    static PerfRecord parse(String line) throws InvalidRecordException {
        JsonNode node;
        try {
            node = MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new InvalidRecordException("not JSON (" + e.getOriginalMessage() + ")");
        }
        if (node == null || !node.isObject()) {
            throw new InvalidRecordException("not a JSON object");
        }
        JsonNode schema = node.get("schema");
        if (schema == null || !schema.isInt()) {
            throw new InvalidRecordException("no schema version; not a TruffleXen benchmark record");
        }
        if (schema.intValue() < PerfRecord.OLDEST_READABLE_SCHEMA || schema.intValue() > PerfRecord.SCHEMA) {
            throw new InvalidRecordException("schema version " + schema.intValue() + ", this reader knows "
                    + PerfRecord.OLDEST_READABLE_SCHEMA + " to " + PerfRecord.SCHEMA);
        }
        PerfRecord run;
        try {
            run = MAPPER.treeToValue(node, PerfRecord.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new InvalidRecordException("malformed record (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        requirePresent(run.id(), "id");
        requirePresent(run.date(), "date");
        requirePresent(run.source(), "source");
        requirePresent(run.git(), "git");
        requirePresent(run.machine(), "machine");
        requirePresent(run.machine().key(), "machine.key");
        requirePresent(run.git().commit(), "git.commit");
        for (PerfRecord.WorkloadFigures w : run.workloads()) {
            requirePresent(w.name(), "workloads[].name");
        }
        for (PerfRecord.JmhFigures j : run.jmh()) {
            requirePresent(j.benchmark(), "jmh[].benchmark");
        }
        return run;
    }

    private static void requirePresent(Object value, String field) throws InvalidRecordException {
        if (value == null) {
            throw new InvalidRecordException("required field " + field + " is missing");
        }
    }

    /** Why a history line was skipped. */
    static final class InvalidRecordException extends Exception {
        InvalidRecordException(String message) {
            super(message);
        }
    }
}
