package dev.diversify.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class ImageIteratorTest {
    private static LabeledImages images(int n) {
        ImageShape shape = new ImageShape(3, 8, 8);
        byte[] pixels = new byte[n * shape.size()];
        new Random(2).nextBytes(pixels);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 4;
        }
        return new LabeledImages(shape, pixels, labels);
    }

    private static List<INDArray> epoch(ImageIterator iterator) {
        List<INDArray> features = new ArrayList<>();
        while (iterator.hasNext()) {
            features.add(iterator.next().getFeatures());
        }
        return features;
    }

    @Test
    void eachEpochCoversEveryImageWithFreshAugmentation() {
        LabeledImages data = images(10);
        Batches batches = new Batches(4, 4, ChannelStats.of(data), Augmentation.CIFAR);
        ImageIterator iterator = new ImageIterator(data, batches, 3, List.of("a", "b", "c", "d"));
        List<INDArray> first = epoch(iterator);
        assertEquals(List.of(4L, 4L, 2L), first.stream().map(f -> f.size(0)).toList());
        assertThrows(NoSuchElementException.class, iterator::next);
        iterator.reset();
        List<INDArray> second = epoch(iterator);
        assertEquals(3, second.size());
        assertNotEquals(first.get(0), second.get(0), "a new epoch draws new shuffles and crops");
        assertEquals(first.get(0), epoch(new ImageIterator(data, batches, 3, List.of())).get(0), "same seed, same epoch");
        assertEquals(4, iterator.totalOutcomes());
    }

    @Test
    void evaluationIteratorRepeatsItselfExactly() {
        LabeledImages data = images(6);
        Batches batches = Batches.forEvaluation(5, 4, ChannelStats.of(data));
        ImageIterator iterator = new ImageIterator(data, batches, 0, List.of());
        List<INDArray> first = epoch(iterator);
        iterator.reset();
        assertEquals(first, epoch(iterator));
        assertFalse(iterator.hasNext());
    }
}
