package dev.diversify.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diversify.data.Batches;
import dev.diversify.data.ChannelStats;
import dev.diversify.data.DataFormat;
import dev.diversify.data.DataSourceSpec;
import dev.diversify.data.DatasetSource;
import dev.diversify.data.SyntheticData;
import dev.diversify.experiment.Decisions.CellToMeasure;
import dev.diversify.graph.ResidualPolicy;
import dev.diversify.models.Architecture;
import dev.diversify.models.ModelSpec;
import dev.diversify.models.Models;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sweep accuracies are shared only between sweeps of the same network on the same validation images. */
class MeasuredCellsTest {
    @TempDir
    static Path dir;
    static DatasetSource source;

    @BeforeAll
    static void data() {
        SyntheticData.write(DataFormat.CIFAR10, dir.resolve("data").toString(), 50, 10, 3, false);
        source = DataSourceSpec.forModels(dir.resolve("data").toString(), DataFormat.CIFAR10).open();
    }

    private static SweepContext at(int[] validation, double mean, ResidualPolicy policy) {
        Batches batches = Batches.forEvaluation(16, 10, new ChannelStats(new double[] {mean, mean, mean},
                new double[] {0.25, 0.25, 0.25}));
        return new SweepContext(null, Models.inputType(spec()), policy, source, validation, batches, s -> { },
                key -> dir.resolve("cache").resolve(key + ".json").toString());
    }

    private static ModelSpec spec() {
        return ModelSpec.cifar(Architecture.RESNET20, 10).withWidth(0.25);
    }

    @Test
    void theKeyChangesWithEveryInputOfAnAccuracy() {
        ComputationGraph network = Models.build(spec());
        SweepContext at = at(new int[] {1, 2, 3}, 0.5, ResidualPolicy.COUPLED);
        String key = MeasuredCells.key(network, at);
        assertEquals(key, MeasuredCells.key(network.clone(), at(new int[] {1, 2, 3}, 0.5, ResidualPolicy.COUPLED)),
                "the same weights and images");
        ComputationGraph changed = network.clone();
        changed.params().putScalar(changed.params().length() - 1, 0.125); // one bias of the classifier
        assertNotEquals(key, MeasuredCells.key(changed, at), "one parameter changed");
        assertNotEquals(key, MeasuredCells.key(network, at(new int[] {1, 2, 4}, 0.5, ResidualPolicy.COUPLED)),
                "other validation images");
        assertNotEquals(key, MeasuredCells.key(network, at(new int[] {1, 2, 3}, 0.4, ResidualPolicy.COUPLED)),
                "another normalisation");
        assertNotEquals(key, MeasuredCells.key(network, at(new int[] {1, 2, 3}, 0.5, ResidualPolicy.INTERNAL)),
                "another residual policy");
        assertNotEquals(key, MeasuredCells.key(Models.build(spec().withWidth(0.5)), at), "another network");
        SweepContext batch32 = new SweepContext(null, at.input(), at.policy(), source, at.validation(),
                new Batches(32, 10, at.batches().stats(), null), s -> { }, null);
        assertNotEquals(key, MeasuredCells.key(network, batch32), "another batch size");
    }

    @Test
    void theValidationImagesAreTheSameOnlyWhenReadTheSameWay() {
        String idx = dir.resolve("idx").toString();
        SyntheticData.write(DataFormat.IDX, idx, 50, 10, 3, false);
        Batches batches = at(new int[] {1}, 0.5, ResidualPolicy.COUPLED).batches();
        java.util.Set<String> identities = new java.util.HashSet<>();
        for (DataSourceSpec spec : List.of(new DataSourceSpec(idx, DataFormat.IDX, false, 32, true),
                new DataSourceSpec(idx, DataFormat.IDX, false, 0, true),
                new DataSourceSpec(idx, DataFormat.IDX, false, 32, false))) {
            identities.add(new SweepContext(null, null, ResidualPolicy.COUPLED, spec.open(), new int[] {1, 2}, batches,
                    s -> { }, null).validationIdentity());
        }
        assertEquals(3, identities.size(), "padding and grey or RGB change the images");
        String relative = new SweepContext(null, null, ResidualPolicy.COUPLED, DataSourceSpec.forModels(
                Path.of("").toAbsolutePath().relativize(dir.resolve("data")).toString(), DataFormat.CIFAR10).open(),
                new int[] {1, 2}, batches, s -> { }, null).validationIdentity();
        String absolute = new SweepContext(null, null, ResidualPolicy.COUPLED, source, new int[] {1, 2}, batches,
                s -> { }, null).validationIdentity();
        assertEquals(absolute, relative, "one place, one identity, however it was named");
    }

    @Test
    void measuredCellsAreReadBackForTheSameNetworkOnly() throws Exception {
        ComputationGraph network = Models.build(spec());
        SweepContext at = at(new int[] {5, 6}, 0.5, ResidualPolicy.COUPLED);
        CellToMeasure cell = new CellToMeasure("stage1", List.of(0, 2, 3));
        MeasuredCells first = at.measuredCells(network);
        assertNull(first.accuracy(cell));
        first.record(Map.of(cell, 0.625));
        first.close();
        try (MeasuredCells again = at.measuredCells(network)) {
            assertEquals(0.625, again.accuracy(cell));
            assertNull(again.accuracy(new CellToMeasure("stage1", List.of(0, 2))), "another cell");
        }
        try (MeasuredCells other = at(new int[] {5, 7}, 0.5, ResidualPolicy.COUPLED).measuredCells(network)) {
            assertNull(other.accuracy(cell), "other validation images");
        }
        Files.writeString(Path.of(first.file()), "{\"stage1\": ");
        List<String> said = new java.util.ArrayList<>();
        SweepContext listening = new SweepContext(null, at.input(), at.policy(), source, at.validation(), at.batches(),
                said::add, at.sweepCells());
        try (MeasuredCells broken = listening.measuredCells(network)) {
            assertNull(broken.accuracy(cell), "an unreadable file counts as empty");
            broken.record(Map.of(cell, 0.5));
        }
        assertTrue(said.size() == 1 && said.get(0).contains(first.file()), said.toString());
        try (MeasuredCells rewritten = at.measuredCells(network)) {
            assertEquals(0.5, rewritten.accuracy(cell));
        }
        assertNull(MeasuredCells.none().file());
    }

    @Test
    void aSecondSweepOfTheSameNetworkWaitsForTheFirstAndReadsItsCells() throws Exception {
        ComputationGraph network = Models.build(spec());
        SweepContext at = at(new int[] {8, 9}, 0.5, ResidualPolicy.COUPLED);
        CellToMeasure cell = new CellToMeasure("stage2", List.of(1));
        java.util.concurrent.CompletableFuture<Double> second;
        try (MeasuredCells first = at.measuredCells(network)) {
            second = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try (MeasuredCells next = at.measuredCells(network)) {
                    return next.accuracy(cell);
                }
            });
            Thread.sleep(300);
            assertTrue(!second.isDone(), "the second sweep waits while the first holds the file");
            first.record(Map.of(cell, 0.75));
        }
        assertEquals(0.75, second.get(10, java.util.concurrent.TimeUnit.SECONDS));
    }
}
