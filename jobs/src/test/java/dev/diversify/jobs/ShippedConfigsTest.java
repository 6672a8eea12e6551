package dev.diversify.jobs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diversify.experiment.RunSettings;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every config shipped in conf/ passes every check a run makes before it opens data (keys included). */
class ShippedConfigsTest {
    @Test
    void everyConfigInConfLoads() throws Exception {
        List<Path> configs;
        try (Stream<Path> files = Files.list(Path.of("..", "conf"))) {
            configs = files.filter(p -> p.toString().endsWith(".conf")).sorted().toList();
        }
        assertTrue(configs.size() >= 4, configs.toString());
        for (Path config : configs) {
            File file = config.toFile();
            RunSettings run = RunSettings.load(RunCommand.load(file), "/tmp/never-written", "check", List.of());
            assertFalse(run.experiments().isEmpty(), config + " defines no experiment");
        }
    }
}
