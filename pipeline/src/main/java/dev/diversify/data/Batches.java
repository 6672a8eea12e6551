package dev.diversify.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Turns raw images into DL4J minibatches: features {@code [n, C, H, W]} normalised per channel,
 * labels one-hot {@code [n, classes]}; optionally augmented and shuffled, both from one seed.
 */
public record Batches(int batchSize, int numClasses, ChannelStats stats, Augmentation augmentation)
        implements Serializable {

    public Batches {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (numClasses < 2) {
            throw new IllegalArgumentException("need at least 2 classes, got " + numClasses);
        }
    }

    /** Evaluation batches: no augmentation, input order. */
    public static Batches forEvaluation(int batchSize, int numClasses, ChannelStats stats) {
        return new Batches(batchSize, numClasses, stats, null);
    }

    /** All of {@code images} as minibatches; shuffled and augmented from {@code seed} when augmenting. */
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
