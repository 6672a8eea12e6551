package dev.diversify.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.nd4j.common.loader.Source;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The training records of an experiment, streamed to parameter-averaging workers in blocks.
 *
 * <p>An epoch is a list of small string keys, one per block of {@code blockSize} consecutive selected
 * records (the trainer uses one worker's averaging round: batch size x averaging frequency); the keys
 * are what the trainer orders, hands one per worker per round, and Spark ships. A worker turns a key into its block by reading that record
 * range from the files, shuffling and augmenting it from the seed, epoch and block, and normalising it:
 * one {@link DataSet} {@code [blockSize, C, H, W]} that DL4J cuts into minibatches. So memory holds a
 * worker's current block, never the epoch: DL4J's direct approach instead persists every epoch's float
 * minibatches and deserialises all of them once per averaging round, which grew with the dataset until
 * the kernel killed the process (issue 10). Block boundaries move by a seeded offset each epoch, so
 * minibatches mix different records from epoch to epoch (and the first and last blocks may be shorter).
 */
public final class TrainingBlocks implements DataSetLoader {
    private final DatasetSource source;
    private final Split split;
    private final int[] indices;
    private final Batches batches;
    private final long seed;

    /**
     * @param indices the selected records of {@code split}, sorted ascending (copied)
     * @param batches normalisation and augmentation (its batch size is not used here)
     * @param seed    the seed of block offsets, shuffles and augmentation
     * @throws IllegalArgumentException when no record is selected or the indices are not sorted and distinct
     */
    public TrainingBlocks(DatasetSource source, Split split, int[] indices, Batches batches, long seed) {
        if (indices.length == 0) {
            throw new IllegalArgumentException("no training records selected");
        }
        for (int i = 1; i < indices.length; i++) {
            if (indices[i] <= indices[i - 1]) {
                throw new IllegalArgumentException("training record indices must be sorted and distinct");
            }
        }
        this.source = source;
        this.split = split;
        this.indices = indices.clone();
        this.batches = batches;
        this.seed = seed;
    }

    /** The number of selected records (examples per epoch). */
    public int size() {
        return indices.length;
    }

    /** The seed all draws derive from. */
    public long seed() {
        return seed;
    }

    /**
     * The keys of epoch {@code epoch} (0-based) in blocks of at most {@code blockSize} records, of the form
     * {@code blocks/<epoch>/<blockSize>/<block>}.
     *
     * @throws IllegalArgumentException when {@code blockSize < 1}
     */
    public List<String> keys(int epoch, int blockSize) {
        int[] starts = blockStarts(epoch, blockSize);
        List<String> keys = new ArrayList<>(starts.length - 1);
        for (int b = 0; b + 1 < starts.length; b++) {
            keys.add("blocks/" + epoch + "/" + blockSize + "/" + b);
        }
        return keys;
    }

    /**
     * The block a key names: its records read, shuffled and augmented (when training augments),
     * normalised, as one {@code DataSet} of float features {@code [n, C, H, W]}, {@code n <= blockSize}, and
     * one-hot labels {@code [n, numClasses]}. The shuffle and augmentation are drawn from the seed, epoch and block.
     *
     * @throws IllegalArgumentException when the key was not made by {@link #keys}
     * @throws InvalidDataException     when the files are missing, truncated or hold a bad label
     */
    @Override
    public DataSet load(Source key) {
        String path = key.getPath();
        String[] parts = path.substring(Math.max(0, path.indexOf("blocks/"))).split("/");
        if (parts.length != 4 || !parts[0].equals("blocks")) {
            throw new IllegalArgumentException("not a training block key: " + path);
        }
        int epoch = Integer.parseInt(parts[1]);
        int blockSize = Integer.parseInt(parts[2]);
        int block = Integer.parseInt(parts[3]);
        int[] starts = blockStarts(epoch, blockSize);
        if (block < 0 || block + 1 >= starts.length) {
            throw new IllegalArgumentException("block " + block + " is outside the " + (starts.length - 1)
                    + " blocks of epoch " + epoch);
        }
        int[] selected = Arrays.copyOfRange(indices, starts[block], starts[block + 1]);
        SparkDatasets.Shard shard = new SparkDatasets.Shard(block, selected[0], selected[selected.length - 1] + 1,
                selected);
        return batches.shuffled(shard.read(source, split), drawSeed(epoch, block));
    }

    /** Positions (into the selected records) where the blocks of an epoch start, ending with the count. */
    int[] blockStarts(int epoch, int blockSize) {
        if (blockSize < 1) {
            throw new IllegalArgumentException("block size must be at least 1, got " + blockSize);
        }
        int n = indices.length;
        int offset = n > blockSize ? new Random(drawSeed(epoch, -1)).nextInt(blockSize) : 0;
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        for (int s = offset == 0 ? blockSize : offset; s < n; s += blockSize) {
            starts.add(s);
        }
        starts.add(n);
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }

    private long drawSeed(int epoch, int block) {
        return (seed * 1_000_003L + epoch) * 1_000_003L + block;
    }
}
