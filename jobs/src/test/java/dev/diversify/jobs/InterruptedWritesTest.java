package dev.diversify.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diversify.io.HadoopFiles;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A process killed (SIGKILL) in the middle of each kind of write leaves only staging paths, never a partial
 * output under its real name, and the cleanup every rerun does removes exactly what it left.
 */
class InterruptedWritesTest {
    @TempDir
    Path run;

    @ParameterizedTest
    @ValueSource(strings = {"file", "table"})
    void aKilledWriteLeavesOnlyWhatTheRerunRemoves(String kind) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens") || a.startsWith("-Dorg.") || a.startsWith("-Djdk."))
                .forEach(command::add);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), InterruptedWriter.class.getName(), kind,
                run.toString()));
        Process writer = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream()))) {
            String line;
            while ((line = out.readLine()) != null && !line.contains("IN-WRITE")) {
                // Spark's start-up lines
            }
            assertTrue(line != null, "the writer ended before writing");
            for (int wait = 0; wait < 300 && files().isEmpty(); wait++) {
                Thread.sleep(100); // the other partition's file, in the table case
            }
            writer.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        List<Path> left = files();
        assertFalse(left.isEmpty(), "the kill left nothing to clean: it did not hit the write");
        left.forEach(p -> assertTrue(run.relativize(p).toString().contains(".incomplete-"),
                p + " is outside a staging path"));
        List<String> removed = HadoopFiles.removeStaging(run.toString());
        assertEquals(1, removed.size(), removed.toString());
        assertEquals(List.of(), files());
    }

    private List<Path> files() throws java.io.IOException {
        try (Stream<Path> files = Files.walk(run)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }
}
