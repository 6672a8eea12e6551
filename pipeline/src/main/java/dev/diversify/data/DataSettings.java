package dev.diversify.data;

import dev.diversify.config.ConfigReader;
import java.util.List;

/**
 * Everything about a run's data, read from a {@code data} block of the config (defaults in
 * {@code reference.conf}, {@code diversify.data}). The canonical constructor checks nothing; {@link #read}
 * validates.
 *
 * @param source        where the files are and how to read them; null when the config's path is blank
 * @param splits        validation split and per-class subsets
 * @param normalization per-channel statistics given in config (of pixels scaled to [0, 1]), or null to
 *                      compute them on the training split
 * @param augmentation  training augmentation, or null for none
 * @param batchSize     minibatch size in images (per worker, in Spark training)
 * @param syntheticIfMissing when the path does not exist, generate synthetic CIFAR-10 data instead
 *                      (for demos on machines without the dataset; the run says so loudly)
 */
public record DataSettings(DataSourceSpec source, SplitPlan splits, ChannelStats normalization,
                           Augmentation augmentation, int batchSize, boolean syntheticIfMissing) {

    /** Training images of the synthetic stand-in. */
    public static final int SYNTHETIC_TRAIN = 5000;
    /** Test images of the synthetic stand-in. */
    public static final int SYNTHETIC_TEST = 1000;

    /**
     * The same settings reading another directory in another format ({@code null} to detect it): coarse
     * labels, IDX padding and RGB are kept, {@code syntheticIfMissing} is turned off.
     *
     * @throws NullPointerException     when these settings have no {@link #source}
     * @throws IllegalArgumentException when {@code path} is null or blank
     */
    public DataSettings withSource(String path, DataFormat format) {
        return new DataSettings(new DataSourceSpec(path, format, source.coarseLabels(), source.padTo(), source.rgb()),
                splits, normalization, augmentation, batchSize, false);
    }

    /**
     * Reads and validates a data block; problems are recorded in {@code in} (see {@link ConfigReader#check()}),
     * with stand-in values, so nothing is thrown here. {@code format = auto} gives a null format (detected when
     * opened); empty normalization lists a null {@link #normalization}; disabled augmentation a null
     * {@link #augmentation}; a blank path a null {@link #source}.
     */
    public static DataSettings read(ConfigReader in) {
        String path = in.string("path");
        if (path.isBlank()) {
            in.problem("path", "must be set to the dataset's directory (local, file://, hdfs://)");
        }
        String formatText = in.string("format");
        DataFormat format = null;
        if (!formatText.equals("auto")) {
            format = in.validated("format", () -> DataFormat.fromId(formatText));
        }
        boolean coarse = in.bool("coarse-labels");
        int padTo = in.intAtLeast("idx.pad-to", 0);
        boolean rgb = in.bool("idx.rgb");

        SplitPlan splits = new SplitPlan(in.intAtLeast("validation-size", 0),
                in.intAtLeast("train-per-class", 0), in.intAtLeast("test-per-class", 0), in.longValue("seed"));

        List<Double> mean = in.doubles("normalization.mean");
        List<Double> std = in.doubles("normalization.std");
        ChannelStats normalization = null;
        if (!mean.isEmpty() || !std.isEmpty()) {
            normalization = in.validated("normalization", () -> new ChannelStats(
                    mean.stream().mapToDouble(Double::doubleValue).toArray(),
                    std.stream().mapToDouble(Double::doubleValue).toArray()));
        }
        Augmentation augmentation = null;
        boolean augment = in.bool("augmentation.enabled");
        int padding = in.intAtLeast("augmentation.padding", 0);
        boolean flip = in.bool("augmentation.flip");
        if (augment) {
            augmentation = new Augmentation(padding, flip);
        }
        int batchSize = in.intAtLeast("batch-size", 1);
        boolean synthetic = in.bool("synthetic-if-missing");
        DataSourceSpec source = path.isBlank() ? null : new DataSourceSpec(path, format, coarse, padTo, rgb);
        return new DataSettings(source, splits, normalization, augmentation, batchSize, synthetic);
    }
}
