package dev.diversify.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.diversify.config.InvalidConfigException;
import dev.diversify.graph.ResidualPolicy;
import dev.diversify.models.Architecture;
import dev.diversify.prune.Criteria;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunSettingsTest {
    private static Config config(String text) {
        return ConfigFactory.load(ConfigFactory.parseString(text)); // as the run command loads files
    }

    @Test
    void experimentsOverrideTheDefaults() {
        RunSettings run = RunSettings.load(config("""
                diversify {
                  data.path = /data/c10
                  defaults { width = 0.5, sweep.taus = [0.3, 0.1] }
                  experiments {
                    b { model = vgg16, baseline.epochs = 7, residual = internal, compare = [l1] }
                    a { model = resnet56, data { path = /data/c100, format = cifar100 }, schedule = layer-wise }
                  }
                }"""), null, "r1", List.of());
        assertEquals("runs/r1", run.runDirectory());
        assertEquals(List.of("a", "b"), run.experiments().stream().map(ExperimentSettings::id).toList());
        ExperimentSettings a = run.experiments().get(0);
        ExperimentSettings b = run.experiments().get(1);
        assertEquals(Architecture.RESNET56, a.architecture());
        assertEquals("/data/c100", a.data().source().path());
        assertEquals(Schedule.LAYER_WISE, a.schedule());
        assertEquals(List.of(0.1, 0.3), a.sweep().taus(), "sorted");
        assertEquals(0.5, b.width());
        assertEquals(7, b.baseline().epochs());
        assertEquals(160, a.baseline().epochs());
        assertEquals(40, b.retrain().epochs());
        assertEquals(0.01, b.retrain().learningRate());
        assertEquals(ResidualPolicy.INTERNAL, b.residual());
        assertEquals(List.of(Criteria.L1), b.compare());
        assertEquals(List.of(Criteria.L1, Criteria.RANDOM), a.compare());
        assertTrue(run.renderedConfig().contains("resnet56"));
        assertEquals(List.of("b"), RunSettings.load(config("diversify { data.path = x, experiments { a { model = vgg16 }, "
                + "b { model = vgg16 } } }"), "hdfs://nn/r", "x", List.of("b")).experiments().stream()
                .map(ExperimentSettings::id).toList());
    }

    @Test
    void everyProblemIsListedWithItsPathAndValue() {
        InvalidConfigException error = assertThrows(InvalidConfigException.class, () -> RunSettings.load(config("""
                diversify {
                  run.max-concurrent = 0
                  experiments {
                    bad {
                      model = vgg19
                      sweep.taus = [0.2, 2.5]
                      baseline.epochs = -3
                      schedule = sometimes
                      compare = [l1, magic]
                    }
                  }
                }"""), null, "r 1", List.of()));
        String message = error.getMessage();
        for (String expected : List.of(
                "diversify.run.max-concurrent: must be at least 1, got 0",
                "diversify.run.id: 'r 1' may only hold",
                "diversify.experiments.bad.model: unknown model 'vgg19'",
                "diversify.experiments.bad.sweep.taus: thresholds must be in [0, 2], got 2.5",
                "diversify.experiments.bad.baseline.epochs: must be at least 0, got -3",
                "diversify.experiments.bad.schedule: 'sometimes' is not one of one-shot, layer-wise",
                "diversify.experiments.bad.compare: unknown criterion 'magic'",
                "diversify.experiments.bad.data.path: must be set")) {
            assertTrue(message.contains(expected), "missing «" + expected + "» in:\n" + message);
        }
    }

    @Test
    void experimentIdsMustStayStringsAsPartitionNames() {
        InvalidConfigException error = assertThrows(InvalidConfigException.class, () -> RunSettings.load(config("""
                diversify {
                  data.path = x
                  experiments { "7" { model = vgg16 }, NaN { model = vgg16 }, "a b" { model = vgg16 }, ok-1 { model = vgg16 } }
                }"""), null, "r", List.of()));
        List<String> named = error.problems().stream().map(p -> p.substring(0, p.indexOf(':'))).toList();
        assertEquals(List.of("diversify.experiments.7", "diversify.experiments.NaN", "diversify.experiments.a b"),
                named, error.getMessage());
        assertTrue(error.getMessage().contains("partition experiment=NaN"), error.getMessage());
    }

    @Test
    void onlyMustNameDefinedExperiments() {
        InvalidConfigException error = assertThrows(InvalidConfigException.class, () -> RunSettings.load(
                config("diversify { data.path = x, experiments.a.model = vgg16 }"), null, "r", List.of("a", "zz")));
        assertEquals(List.of("diversify.experiments: --only names 'zz', which is not defined; defined: [a]"),
                error.problems());
    }

    @Test
    void preflightOpensEveryDatasetAndListsWhatIsMissing(@org.junit.jupiter.api.io.TempDir Path dir) {
        RunSettings run = RunSettings.load(config("""
                diversify { experiments { x { model = resnet20, data.path = "%s/none" }, y { model = vgg16, data.path = "%s/gone" } } }
                """.formatted(dir, dir)), dir.toString(), "p", List.of());
        InvalidConfigException error = assertThrows(InvalidConfigException.class,
                () -> Pipeline.preflight(run, new Progress(System.out)));
        assertEquals(2, error.problems().size(), error.getMessage());
        assertTrue(error.getMessage().contains("diversify.experiments.x.data: data directory not found: " + dir + "/none"));
    }

    @Test
    void unknownKeysAreErrorsNamingKeyFileAndLine(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("study.conf");
        java.nio.file.Files.writeString(file, """
                diversify {
                  data.path = x
                  run { max-concurent = 3 }
                  defaults { sweep { tau = [0.1] } }
                  experiments {
                    vgg {
                      model = vgg16
                      retrain { lerning-rate = 0.1 }
                    }
                    odd = 3
                  }
                  extra = true
                }
                """);
        InvalidConfigException error = assertThrows(InvalidConfigException.class, () -> RunSettings.load(
                ConfigFactory.load(ConfigFactory.parseFile(file.toFile())), null, "r", List.of()));
        String message = error.getMessage();
        for (String expected : List.of(
                "diversify.run.max-concurent: unknown key (set in " + file + ", line 3); did you mean 'max-concurrent'?",
                "diversify.defaults.sweep.tau: unknown key (set in " + file + ", line 4); did you mean 'taus'?",
                "diversify.experiments.vgg.retrain.lerning-rate: unknown key (set in " + file + ", line 8); "
                        + "did you mean 'learning-rate'?",
                "diversify.experiments.odd: an experiment must be an object of settings",
                "diversify.extra: unknown key (set in " + file + ", line 12)")) {
            assertTrue(message.contains(expected), "missing «" + expected + "» in:\n" + message);
        }
    }

    @Test
    void aBaselineOfZeroEpochsNeedsAModelToLoad() {
        InvalidConfigException error = assertThrows(InvalidConfigException.class, () -> RunSettings.load(config(
                "diversify { data.path = x, experiments.a { model = vgg16, baseline.epochs = 0 } }"), null, "r", List.of()));
        assertTrue(error.getMessage().contains("diversify.experiments.a.baseline.epochs: is 0 and no baseline.model"),
                error.getMessage());
        assertEquals(0, RunSettings.load(config("diversify { data.path = x, experiments.a { model = vgg16, "
                + "baseline { epochs = 0, model = \"hdfs://nn/m.zip\" }, retrain.epochs = 0 } }"), null, "r", List.of())
                .experiments().get(0).retrain().epochs(), "0 epochs are fine for retraining and with a model to load");
    }

    @Test
    void iterativeRoundsNeedATargetAndCountOnlyForThatSchedule() {
        InvalidConfigException error = assertThrows(InvalidConfigException.class, () -> RunSettings.load(config(
                "diversify { data.path = x, experiments.a { model = vgg16, schedule = iterative, rounds = 0 } }"),
                null, "r", List.of()));
        assertTrue(error.getMessage().contains("diversify.experiments.a.schedule: is iterative, which prunes towards "
                + "a share of a compression target each round: set sweep.objective = target"), error.getMessage());
        assertTrue(error.getMessage().contains("diversify.experiments.a.rounds"), error.getMessage());
        List<ExperimentSettings> read = RunSettings.load(config("""
                diversify { data.path = x, experiments {
                  a { model = vgg16, schedule = iterative, rounds = 3, round-epochs = 2,
                      sweep { objective = target, target.params = 0.7 } }
                  b { model = vgg16, rounds = 3 } } }"""), null, "r", List.of()).experiments();
        assertEquals(List.of(3, 1), read.stream().map(ExperimentSettings::rounds).toList(),
                "rounds apply to the iterative schedule; one-shot has one");
        assertEquals(2, read.get(0).roundEpochs());
    }

    @Test
    void aMistypedKeyGivenAsASystemPropertyIsRefusedToo() {
        System.setProperty("diversify.defaults.sed", "3");
        try {
            ConfigFactory.invalidateCaches();
            InvalidConfigException error = assertThrows(InvalidConfigException.class, () -> RunSettings.load(
                    config("diversify { data.path = x, experiments.a.model = vgg16 }"), null, "r", List.of()));
            assertTrue(error.getMessage().contains("diversify.defaults.sed: unknown key (set in system properties); "
                    + "did you mean 'seed'?"), error.getMessage());
        } finally {
            System.clearProperty("diversify.defaults.sed");
            ConfigFactory.invalidateCaches();
        }
    }

    @Test
    void nullsAndObjectsOfTheWrongTypeAreProblemsNotCrashes() {
        InvalidConfigException error = assertThrows(InvalidConfigException.class, () -> RunSettings.load(config(
                "diversify { data.path = x, run = 3, experiments { a = null, b { model = vgg16, sweep = 2 } } }"),
                null, "r", List.of()));
        String message = error.getMessage();
        for (String expected : List.of("diversify.run: ", "diversify.experiments.a: an experiment must be an object",
                "diversify.experiments.b.sweep: ")) {
            assertTrue(message.contains(expected), "missing «" + expected + "» in:\n" + message);
        }
    }
}
