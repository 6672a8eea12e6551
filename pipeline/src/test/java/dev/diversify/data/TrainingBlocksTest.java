package dev.diversify.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.common.loader.LocalFileSource;
import org.nd4j.linalg.dataset.DataSet;

class TrainingBlocksTest {
    private static DatasetSource source;
    private static Batches batches;

    @BeforeAll
    static void data(@TempDir Path dir) {
        String path = dir.resolve("cifar").toString();
        SyntheticData.write(DataFormat.CIFAR10, path, 300, 10, 11, false);
        source = DataSourceSpec.forModels(path, DataFormat.CIFAR10).open();
        batches = new Batches(8, 10, ChannelStats.of(source.read(Split.TRAIN, 0, 300)), Augmentation.CIFAR);
    }

    /** Every third record: a subset whose blocks span gaps in the files. */
    private static int[] subset() {
        return IntStream.range(0, 300).filter(i -> i % 3 != 1).toArray();
    }

    private static DataSet load(TrainingBlocks blocks, String key) {
        return blocks.load(new LocalFileSource(key));
    }

    @Test
    void anEpochsBlocksCoverEverySelectedRecordOnceAndMoveFromEpochToEpoch() {
        int[] selected = subset();
        TrainingBlocks blocks = new TrainingBlocks(source, Split.TRAIN, selected, batches, 5);
        int[] expected = new int[10];
        int[] labels = source.read(Split.TRAIN, 0, 300).labels();
        Arrays.stream(selected).forEach(i -> expected[labels[i]]++);
        for (int epoch = 0; epoch < 3; epoch++) {
            int[] starts = blocks.blockStarts(epoch, 32);
            assertEquals(0, starts[0]);
            assertEquals(selected.length, starts[starts.length - 1]);
            for (int b = 0; b + 1 < starts.length; b++) {
                int size = starts[b + 1] - starts[b];
                assertTrue(size >= 1 && size <= 32, "block " + b + " holds " + size + " records");
            }
            List<String> keys = blocks.keys(epoch, 32);
            assertEquals(starts.length - 1, keys.size());
            int[] histogram = new int[10];
            int examples = 0;
            for (String key : keys) {
                DataSet block = load(blocks, key);
                examples += block.numExamples();
                float[][] y = block.getLabels().toFloatMatrix();
                for (float[] row : y) {
                    histogram[IntStream.range(0, 10).filter(c -> row[c] == 1f).findFirst().orElseThrow()]++;
                }
            }
            assertEquals(selected.length, examples, "epoch " + epoch);
            assertArrayEquals(expected, histogram, "every selected record once, epoch " + epoch);
        }
        assertNotEquals(Arrays.toString(blocks.blockStarts(0, 32)), Arrays.toString(blocks.blockStarts(1, 32)),
                "block boundaries move between epochs");
    }

    @Test
    void theSameSeedDrawsTheSameBlocksAndAnotherSeedOthers() {
        int[] selected = subset();
        TrainingBlocks a = new TrainingBlocks(source, Split.TRAIN, selected, batches, 5);
        TrainingBlocks again = new TrainingBlocks(source, Split.TRAIN, selected, batches, 5);
        TrainingBlocks other = new TrainingBlocks(source, Split.TRAIN, selected, batches, 6);
        String key = a.keys(2, 32).get(1);
        assertEquals(load(a, key), load(again, key));
        assertNotEquals(load(a, key).getFeatures(), load(other, other.keys(2, 32).get(1)).getFeatures());
    }

    @Test
    void refusesKeysItDidNotMakeAndUnsortedIndices() {
        TrainingBlocks blocks = new TrainingBlocks(source, Split.TRAIN, subset(), batches, 5);
        int count = blocks.keys(0, 32).size();
        IllegalArgumentException outside = assertThrows(IllegalArgumentException.class,
                () -> load(blocks, "blocks/0/32/" + count));
        assertEquals("block " + count + " is outside the " + count + " blocks of epoch 0", outside.getMessage());
        assertThrows(IllegalArgumentException.class, () -> load(blocks, "data/part-0001.bin"));
        assertThrows(IllegalArgumentException.class,
                () -> new TrainingBlocks(source, Split.TRAIN, new int[] {3, 1}, batches, 5));
        assertThrows(IllegalArgumentException.class,
                () -> new TrainingBlocks(source, Split.TRAIN, new int[0], batches, 5));
    }
}
