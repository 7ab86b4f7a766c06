package dev.trufflexen.launcher.dashboard;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the dashboard: one self-contained {@code index.html} that opens from {@code file://} or
 * any static web server without a network. The page is a template with three slots filled
 * here: the charting library (ECharts' minified build, read from its WebJar on the class path),
 * the page's own script, and the {@link DashboardModel} as JSON.
 */
final class DashboardSite {
    /** The ECharts WebJar's version (the launcher's dependency). */
    static final String ECHARTS_VERSION = "5.3.1";
    private static final String ECHARTS = "/META-INF/resources/webjars/echarts/" + ECHARTS_VERSION + "/dist/echarts.min.js";

    private DashboardSite() {
    }

    /** Writes {@code directory/index.html} (creating the directory) and returns its path. */
    static Path write(Path directory, ObjectNode model) throws IOException {
        String page = resource("index.html")
                .replace("/*@ECHARTS@*/", scriptText(read(ECHARTS)))
                .replace("/*@SCRIPT@*/", scriptText(resource("dashboard.js")))
                .replace("/*@DATA@*/", DashboardModel.toScriptJson(model));
        Files.createDirectories(directory);
        Path index = directory.resolve("index.html");
        Files.writeString(index, page, StandardCharsets.UTF_8);
        return index;
    }

    /** A script's text, safe inside a script element. */
    private static String scriptText(String script) {
        if (script.toLowerCase(java.util.Locale.ROOT).contains("</script")) {
            throw new IllegalStateException("a script to inline contains </script");
        }
        return script;
    }

    private static String resource(String name) {
        return read("/dev/trufflexen/launcher/dashboard/" + name);
    }

    private static String read(String path) {
        try (InputStream in = DashboardSite.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("resource " + path + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
