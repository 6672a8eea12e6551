package dev.diversify.data;

import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * A local {@link DataSetIterator} over images held in memory, for single-JVM training and
 * evaluation. Each epoch (each {@link #reset()}) draws a new shuffle and new augmentations from
 * {@code seed + epoch} when the batches augment; evaluation batches keep the input order.
 */
public final class ImageIterator implements DataSetIterator {
    private final LabeledImages images;
    private final Batches batches;
    private final long seed;
    private final List<String> labelNames;
    private int epoch;
    private int cursor;
    private int[] order;
    private Random random;
    private DataSetPreProcessor preProcessor;

    public ImageIterator(LabeledImages images, Batches batches, long seed, List<String> labelNames) {
        this.images = images;
        this.batches = batches;
        this.seed = seed;
        this.labelNames = labelNames;
        startEpoch();
    }

    private void startEpoch() {
        random = new Random(seed + epoch);
        order = Batches.order(images.size(), batches.augmentation() == null ? null : random);
        cursor = 0;
    }

    @Override
    public boolean hasNext() {
        return cursor < order.length;
    }

    @Override
    public DataSet next() {
        return next(batches.batchSize());
    }

    @Override
    public DataSet next(int num) {
        if (!hasNext()) {
            throw new NoSuchElementException("epoch " + epoch + " has no more batches");
        }
        int to = Math.min(order.length, cursor + num);
        DataSet batch = batches.batch(images, order, cursor, to, random);
        cursor = to;
        if (preProcessor != null) {
            preProcessor.preProcess(batch);
        }
        return batch;
    }

    @Override
    public void reset() {
        epoch++;
        startEpoch();
    }

    @Override
    public int inputColumns() {
        return images.shape().size();
    }

    @Override
    public int totalOutcomes() {
        return batches.numClasses();
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public boolean asyncSupported() {
        return true;
    }

    @Override
    public int batch() {
        return batches.batchSize();
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        this.preProcessor = preProcessor;
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return preProcessor;
    }

    @Override
    public List<String> getLabels() {
        return labelNames;
    }
}
