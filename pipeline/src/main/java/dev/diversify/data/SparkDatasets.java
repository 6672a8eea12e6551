package dev.diversify.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Datasets as Spark RDDs. Work is cut into shards of consecutive records; each task reads its own
 * shard's byte range from the files, so the driver never holds the images, only labels and indices.
 */
public final class SparkDatasets {
    /** The most records one task of {@link #minibatches} turns into float minibatches (about 25 MB at 3x32x32). */
    public static final int MAX_TASK_RECORDS = 2048;

    private SparkDatasets() {
    }

    /**
     * A task's share: the records {@code from..to} of which {@code selected} (sorted, absolute) are
     * used. A class, not a record: it is RDD data, and Spark's Kryo cannot serialise records.
     */
    static final class Shard implements Serializable {
        final int index;
        final int from;
        final int to;
        final int[] selected;

        Shard(int index, int from, int to, int[] selected) {
            this.index = index;
            this.from = from;
            this.to = to;
            this.selected = selected;
        }

        LabeledImages read(DatasetSource source, Split split) {
            LabeledImages range = source.read(split, from, to);
            if (selected.length == to - from) {
                return range;
            }
            int[] relative = Arrays.stream(selected).map(i -> i - from).toArray();
            return range.select(relative);
        }
    }

    /** Cuts sorted record indices into {@code parts} shards of near-equal size (fewer if there are few indices). */
    static List<Shard> shards(int[] sortedIndices, int parts) {
        if (sortedIndices.length == 0) {
            throw new IllegalArgumentException("no records selected to read");
        }
        List<Shard> shards = new ArrayList<>();
        int n = sortedIndices.length;
        int count = Math.max(1, Math.min(parts, n));
        for (int s = 0, start = 0; s < count && start < n; s++) {
            int end = (int) ((long) n * (s + 1) / count);
            int[] selected = Arrays.copyOfRange(sortedIndices, start, end);
            shards.add(new Shard(s, selected[0], selected[selected.length - 1] + 1, selected));
            start = end;
        }
        return shards;
    }

    static int[] allIndices(int count) {
        return Batches.order(count, null);
    }

    /**
     * The labels of every record of {@code split}, read by {@code parts} tasks (fewer when there are fewer
     * records) and gathered in record order: {@code count(split)} entries.
     *
     * @throws IllegalArgumentException when the split is empty; a read error in a task fails the Spark job
     */
    public static int[] labels(JavaSparkContext sc, DatasetSource source, Split split, int parts) {
        List<Shard> shards = shards(allIndices(source.count(split)), parts);
        List<int[]> pieces = sc.parallelize(shards, shards.size())
                .map(shard -> shard.read(source, split).labels())
                .collect();
        return pieces.stream().flatMapToInt(Arrays::stream).toArray();
    }

    /**
     * Per-channel statistics (of pixels scaled to [0, 1]) of the records {@code indices} (sorted ascending) of
     * {@code split}, summed across {@code parts} tasks.
     *
     * @throws IllegalArgumentException when {@code indices} is empty or a channel is constant; a read error in a
     *         task fails the Spark job
     */
    public static ChannelStats channelStats(JavaSparkContext sc, DatasetSource source, Split split, int[] indices,
                                            int parts) {
        int channels = source.shape().channels();
        List<Shard> shards = shards(indices, parts);
        return sc.parallelize(shards, shards.size())
                .map(shard -> new ChannelStats.Accumulator(channels).add(shard.read(source, split)))
                .reduce(ChannelStats.Accumulator::merge)
                .stats();
    }

    /**
     * The records {@code indices} (sorted) of {@code split} as minibatches in at least {@code parts}
     * partitions, and more where needed so that no task holds more than {@link #MAX_TASK_RECORDS} records:
     * memory stays bounded by that, not by the split. With augmentation, each partition shuffles and
     * augments its records from {@code seed} and its index, so an epoch is reproducible. Each element has float
     * features {@code [b, C, H, W]} and one-hot labels {@code [b, numClasses]}, {@code b <= batches.batchSize()}.
     * Lazy: the records are read when an action runs.
     *
     * @throws IllegalArgumentException when {@code indices} is empty
     */
    public static JavaRDD<DataSet> minibatches(JavaSparkContext sc, DatasetSource source, Split split, int[] indices,
                                               Batches batches, long seed, int parts) {
        int needed = (int) Math.ceil(indices.length / (double) MAX_TASK_RECORDS);
        List<Shard> shards = shards(indices, Math.max(parts, needed));
        return sc.parallelize(shards, shards.size())
                .flatMap(shard -> batches.of(shard.read(source, split), seed + shard.index).iterator());
    }
}
