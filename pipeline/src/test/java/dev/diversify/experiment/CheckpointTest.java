package dev.diversify.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diversify.models.Architecture;
import dev.diversify.models.ModelSpec;
import dev.diversify.models.Models;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Checkpoint}: what a stopped training resumes from, and only its own. */
class CheckpointTest {
    private static final Epoch FIRST = new Epoch(1, 0.1, 1.5, Double.NaN, 12.5, 100, 200, 300);
    private static final Epoch SECOND = new Epoch(2, 0.1, 1.2, 0.6, 11.0, 100, 200, 300);

    @Test
    void aSavedStateComesBackAndOnlyForTheSameTraining(@TempDir Path dir) {
        String location = dir.resolve("_checkpoints/retrain-l1").toString();
        ComputationGraph network = Models.build(ModelSpec.cifar(Architecture.RESNET20, 10).withWidth(0.125));
        Checkpoint checkpoint = new Checkpoint(location, "retrain-l1 settings A");
        assertTrue(checkpoint.load().isEmpty(), "nothing saved yet");

        checkpoint.save(network, List.of(FIRST));
        checkpoint.save(network, List.of(FIRST, SECOND));
        Checkpoint.Saved saved = checkpoint.load().orElseThrow();
        assertEquals(List.of(FIRST, SECOND), saved.history(), "NaN accuracies included");
        assertEquals(network.params(), saved.network().params());
        assertEquals(List.of("retrain-l1-epoch-2.zip", "retrain-l1.json"), files(dir.resolve("_checkpoints")),
                "the state before the last is removed");

        assertTrue(new Checkpoint(location, "retrain-l1 settings B").load().isEmpty(), "another training's state");
        checkpoint.delete();
        assertEquals(List.of(), files(dir.resolve("_checkpoints")));
        assertTrue(checkpoint.load().isEmpty());
    }

    @Test
    void anUnreadableStateIsNamed(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("_checkpoints"));
        Files.writeString(dir.resolve("_checkpoints/baseline.json"), "{\"fingerprint\": ");
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> new Checkpoint(dir.resolve("_checkpoints/baseline").toString(), "x").load());
        assertTrue(e.getMessage().contains("baseline.json") && e.getMessage().contains("delete it"), e.getMessage());
        assertFalse(e.getMessage().isBlank());
    }

    private static List<String> files(Path directory) {
        try (var stream = Files.list(directory)) {
            return stream.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
