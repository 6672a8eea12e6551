package dev.diversify.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run that cannot go ahead stops at once, before Spark: exit 2, the reason named, nothing written. */
class RunRefusalsTest {
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

    /** A model brought in is loaded on its data before Spark starts: one that does not fit is named with why. */
    @Test
    void aBaselineModelThatDoesNotFitTheDataIsRefusedBeforeSpark() throws Exception {
        String data = dir.resolve("cifar10").toString();
        dev.diversify.data.SyntheticData.write(dev.diversify.data.DataFormat.CIFAR10, data, 50, 10, 1, false);
        Path small = Path.of("../pipeline/src/test/resources/onnx/residual_opset11.onnx").toAbsolutePath().normalize();
        Path notes = Files.writeString(dir.resolve("notes.txt"), "not a model");
        Path conf = Files.writeString(dir.resolve("brought.conf"), """
                diversify {
                  data.path = "%s"
                  experiments {
                    small { model = pytorch-residual, baseline.model = "%s" }
                    notes { model = vgg16, baseline.model = "%s" }
                  }
                }
                """.formatted(data, small, notes));
        Path root = dir.resolve("runs");
        CliRun run = CliRun.of("run", "--conf", conf.toString(), "--out", root.toString(), "--run-id", "brought");
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("diversify.experiments.small.baseline.model: " + small + ": node '/fc1/Gemm' "
                + "(Gemm) has weights for 512 inputs but receives 2048: is the input shape right?"), run.err());
        assertTrue(run.err().contains("diversify.experiments.notes.baseline.model: " + notes + ": not an ONNX model"),
                run.err());
        assertFalse(Files.exists(root.resolve("brought/metrics")), "no Spark work");
    }

    private Path tinyConfig() throws Exception {
        return Files.writeString(dir.resolve("tiny.conf"),
                "diversify { data.path = \"" + dir + "/none\", experiments { a { model = vgg16 } } }\n");
    }

    @Test
    void anOutputRootThatIsAFileIsRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        CliRun run = CliRun.of("run", "--conf", tinyConfig().toString(), "--out", file.toString(), "--run-id", "r");
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("diversify.run.root: cannot create the run directory " + file + "/r"), run.err());
        assertFalse(run.err().contains("\tat "), run.err());
    }

    @Test
    void aSecondDriverOnTheSameRunIsRefusedNamingTheHolderAndTouchesNothing() throws Exception {
        Path root = dir.resolve("runs");
        try (var held = dev.diversify.experiment.RunLock.acquire(root.resolve("shared").toString(), "shared",
                java.time.Duration.ofMinutes(10))) {
            CliRun second = CliRun.of("run", "--conf", tinyConfig().toString(), "--out", root.toString(),
                    "--run-id", "shared");
            assertEquals(2, second.exitCode(), second.err());
            assertTrue(second.err().contains("run shared is held by another driver (pid "
                    + ProcessHandle.current().pid()), second.err());
            try (var listing = Files.list(root.resolve("shared"))) {
                assertEquals(java.util.List.of("_lock"), listing.map(p -> p.getFileName().toString()).toList());
            }
        }
    }

    /** A resume reuses completed stages, so it must have the settings the experiment started with. */
    @Test
    void aResumeWithChangedSettingsIsRefusedNamingEachChange() throws Exception {
        String data = dir.resolve("c10").toString();
        dev.diversify.data.SyntheticData.write(dev.diversify.data.DataFormat.CIFAR10, data, 50, 10, 1, false);
        String started = "diversify { data.path = \"" + data + "\", experiments { a { model = vgg16, "
                + "retrain.epochs = 4 } } }\n";
        Path conf = Files.writeString(dir.resolve("a.conf"), started);
        // what the first attempt recorded (Pipeline writes it as an experiment starts)
        String recorded = dev.diversify.experiment.RunSettings.load(com.typesafe.config.ConfigFactory.load(
                com.typesafe.config.ConfigFactory.parseString(started)), null, "r", java.util.List.of())
                .experiments().get(0).renderedConfig();
        Path stages = Files.createDirectories(dir.resolve("runs/r/_stages/a"));
        Files.writeString(stages.resolve("_settings.conf"), recorded);

        Files.writeString(conf, started.replace("retrain.epochs = 4", "retrain.epochs = 8, schedule = layer-wise"));
        CliRun changed = CliRun.of("run", "--conf", conf.toString(), "--out", dir.resolve("runs").toString(),
                "--run-id", "r");
        assertEquals(2, changed.exitCode(), changed.err());
        assertTrue(changed.err().contains("diversify.experiments.a: run r started this experiment with other settings")
                && changed.err().contains("retrain.epochs: 4 -> 8; schedule: \"one-shot\" -> \"layer-wise\""),
                changed.err());
        try (var listing = Files.list(stages)) {
            assertEquals(java.util.List.of("_settings.conf"), listing.map(p -> p.getFileName().toString()).toList(),
                    "nothing run");
        }
    }

    @Test
    void aMissingDatasetLeavesNoRunDirectory() throws Exception {
        Path root = dir.resolve("runs2");
        CliRun run = CliRun.of("run", "--conf", tinyConfig().toString(), "--out", root.toString(), "--run-id", "r");
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("data directory not found"), run.err());
        assertFalse(Files.exists(root.resolve("r")), "the run directory made for the lock is gone again");
    }
}
