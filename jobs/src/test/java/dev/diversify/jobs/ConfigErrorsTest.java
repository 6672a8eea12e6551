package dev.diversify.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A config the run cannot use stops it at once: exit 2, the file, line and key named, nothing written. */
class ConfigErrorsTest {
    @TempDir
    Path dir;

    @Test
    void aMistypedKeyInAnExperimentIsRefusedBeforeAnyWork() throws Exception {
        Path conf = dir.resolve("typo.conf");
        Files.writeString(conf, """
                diversify {
                  data.path = "%s"
                  experiments {
                    vgg { model = vgg16, retrain { lerning-rate = 0.1 } }
                  }
                }
                """.formatted(dir));
        Path root = dir.resolve("runs");
        CliRun run = CliRun.of("run", "--conf", conf.toString(), "--out", root.toString(), "--run-id", "typo");
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("diversify.experiments.vgg.retrain.lerning-rate: unknown key (set in " + conf
                + ", line 4); did you mean 'learning-rate'?"), run.err());
        assertFalse(run.err().contains("\tat "), "no stack trace: " + run.err());
        assertFalse(Files.exists(root), "nothing written");
    }

    @Test
    void aSyntaxErrorNamesFileAndLineWithoutAStackTrace() throws Exception {
        Path conf = dir.resolve("broken.conf");
        Files.writeString(conf, "diversify {\n  data.path = x\n  run { id = = \"x\" }\n}\n");
        CliRun run = CliRun.of("run", "--conf", conf.toString(), "--out", dir.resolve("runs").toString());
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains(conf.toString()) && run.err().contains(": 3"), run.err());
        assertFalse(run.err().contains("\tat "), "no stack trace: " + run.err());
        assertFalse(Files.exists(dir.resolve("runs")));
    }
}
