package dev.diversify.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SyntheticDataTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(DataFormat.class)
    void writesBalancedDatasetsTheReadersAccept(DataFormat format) {
        String out = dir.resolve(format.id()).toString();
        int classes = format == DataFormat.CIFAR100 ? 100 : 10;
        SyntheticData.write(format, out, 20 * classes, 3 * classes, 5, true);
        DatasetSource source = DataSourceSpec.forModels(out, null).open();
        assertEquals(format, source.format());
        assertEquals(20 * classes, source.count(Split.TRAIN));
        assertEquals(3 * classes, source.count(Split.TEST));
        long[] histogram = source.readAll(Split.TRAIN).classHistogram(classes);
        for (long count : histogram) {
            assertEquals(20, count);
        }
        assertEquals(new ImageShape(3, 32, 32), source.shape());
    }

    /** Learnable: an image is closer to its own class's mean image than to any other class's. */
    @Test
    void classesAreSeparableByTheirMeanImages() {
        String out = dir.resolve("c10").toString();
        SyntheticData.write(DataFormat.CIFAR10, out, 500, 200, 11, false);
        DatasetSource source = DataSourceSpec.forModels(out, DataFormat.CIFAR10).open();
        LabeledImages train = source.readAll(Split.TRAIN);
        double[][] means = new double[10][train.shape().size()];
        long[] counts = train.classHistogram(10);
        for (int i = 0; i < train.size(); i++) {
            for (int p = 0; p < train.shape().size(); p++) {
                means[train.label(i)][p] += (train.pixelBytes()[train.offset(i) + p] & 0xFF) / (double) counts[train.label(i)];
            }
        }
        LabeledImages test = source.readAll(Split.TEST);
        int correct = 0;
        for (int i = 0; i < test.size(); i++) {
            int best = -1;
            double bestDistance = Double.MAX_VALUE;
            for (int k = 0; k < 10; k++) {
                double distance = 0;
                for (int p = 0; p < test.shape().size(); p++) {
                    double d = (test.pixelBytes()[test.offset(i) + p] & 0xFF) - means[k][p];
                    distance += d * d;
                }
                if (distance < bestDistance) {
                    bestDistance = distance;
                    best = k;
                }
            }
            correct += best == test.label(i) ? 1 : 0;
        }
        assertTrue(correct > 0.5 * test.size(), "nearest class mean gets " + correct + " of " + test.size());
    }

    @Test
    void isDeterministicAndRefusesToOverwrite() throws Exception {
        SyntheticData.write(DataFormat.CIFAR10, dir.resolve("a").toString(), 10, 2, 3, true);
        SyntheticData.write(DataFormat.CIFAR10, dir.resolve("b").toString(), 10, 2, 3, true);
        assertArrayEquals(Files.readAllBytes(dir.resolve("a/data_batch_3.bin")),
                Files.readAllBytes(dir.resolve("b/data_batch_3.bin")));
        var error = assertThrows(IllegalArgumentException.class,
                () -> SyntheticData.write(DataFormat.IDX, dir.resolve("a").toString(), 10, 2, 3, true));
        assertTrue(error.getMessage().contains("already exists"));
        try (var entries = Files.list(dir)) {
            assertEquals(2, entries.count(), "nothing half-written is left behind");
        }
    }
}
