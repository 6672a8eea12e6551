package dev.diversify.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Turns raw images into DL4J minibatches: float features {@code [n, C, H, W]} normalised per channel,
 * {@code (pixel / 255 - mean[c]) / std[c]}, labels one-hot float {@code [n, classes]}; optionally
 * augmented and shuffled, both from one seed.
 *
 * @param batchSize    images per minibatch (the last one of {@link #of} may be smaller)
 * @param numClasses   the width of the one-hot labels; every label must be below it
 * @param stats        the per-channel mean and std (of pixels scaled to [0, 1]) to normalise with; null
 *                     only scales pixels to [0, 1]
 * @param augmentation the training augmentation, or null for none
 */
public record Batches(int batchSize, int numClasses, ChannelStats stats, Augmentation augmentation)
        implements Serializable {

    /** @throws IllegalArgumentException when {@code batchSize < 1} or {@code numClasses < 2} */
    public Batches {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (numClasses < 2) {
            throw new IllegalArgumentException("need at least 2 classes, got " + numClasses);
        }
    }

    /**
     * Evaluation batches: no augmentation, input order.
     *
     * @throws IllegalArgumentException when {@code batchSize < 1} or {@code numClasses < 2}
     */
    public static Batches forEvaluation(int batchSize, int numClasses, ChannelStats stats) {
        return new Batches(batchSize, numClasses, stats, null);
    }

    /**
     * All of {@code images} as minibatches of {@code batchSize} (the last may be smaller): features
     * {@code [b, C, H, W]} and one-hot labels {@code [b, numClasses]}. Shuffled and augmented from {@code seed}
     * when augmenting; in input order otherwise.
     *
     * @throws IllegalArgumentException when {@code stats} has another channel count than the images, or a
     *         label is {@code numClasses} or more
     */
    public List<DataSet> of(LabeledImages images, long seed) {
        Random random = new Random(seed);
        int[] order = order(images.size(), augmentation == null ? null : random);
        List<DataSet> batches = new ArrayList<>();
        for (int from = 0; from < order.length; from += batchSize) {
            batches.add(batch(images, order, from, Math.min(order.length, from + batchSize), random));
        }
        return batches;
    }

    /**
     * All of {@code images} as one {@code DataSet} of {@code images.size()} examples in an order shuffled
     * from {@code seed}, augmented when this training augments: a training block ({@link TrainingBlocks}).
     * Features {@code [n, C, H, W]}, one-hot labels {@code [n, numClasses]}; {@code batchSize} is not used.
     *
     * @throws IllegalArgumentException when {@code stats} has another channel count than the images, or a
     *         label is {@code numClasses} or more
     */
    public DataSet shuffled(LabeledImages images, long seed) {
        Random random = new Random(seed);
        int[] order = order(images.size(), random);
        return batch(images, order, 0, order.length, random);
    }

    static int[] order(int n, Random shuffle) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        if (shuffle != null) {
            for (int i = n - 1; i > 0; i--) {
                int j = shuffle.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        return order;
    }

    /** The images {@code order[from..to)} as one minibatch. */
    DataSet batch(LabeledImages images, int[] order, int from, int to, Random random) {
        ImageShape shape = images.shape();
        if (stats != null && stats.channels() != shape.channels()) {
            throw new IllegalArgumentException("channel statistics are for " + stats.channels()
                    + " channels but the images have " + shape.channels());
        }
        int n = to - from;
        int size = shape.size();
        byte[] raw = new byte[size];
        float[] features = new float[n * size];
        float[] labels = new float[n * numClasses];
        byte[] source = images.pixelBytes();
        for (int i = 0; i < n; i++) {
            int image = order[from + i];
            byte[] pixels;
            int offset;
            if (augmentation != null) {
                augmentation.apply(images, image, raw, 0, random);
                pixels = raw;
                offset = 0;
            } else {
                pixels = source;
                offset = images.offset(image);
            }
            for (int c = 0; c < shape.channels(); c++) {
                double scale = stats == null ? 1.0 / 255 : 1.0 / (255 * stats.std()[c]);
                double shift = stats == null ? 0 : stats.mean()[c] / stats.std()[c];
                int plane = c * shape.plane();
                for (int p = 0; p < shape.plane(); p++) {
                    features[i * size + plane + p] = (float) ((pixels[offset + plane + p] & 0xFF) * scale - shift);
                }
            }
            int label = images.label(image);
            if (label >= numClasses) {
                throw new IllegalArgumentException("label " + label + " is outside 0.." + (numClasses - 1));
            }
            labels[i * numClasses + label] = 1f;
        }
        INDArray x = Nd4j.create(features, new long[] {n, shape.channels(), shape.height(), shape.width()}, 'c');
        INDArray y = Nd4j.create(labels, new long[] {n, numClasses}, 'c');
        return new DataSet(x, y);
    }
}
