package dev.diversify.jobs;

import dev.diversify.data.DataFormat;
import dev.diversify.data.DataSourceSpec;
import dev.diversify.data.DatasetSource;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * How a command feeds a dataset's images to a model (a picocli mixin): IDX images padded and repeated to RGB as a
 * run reads them, unless a model trained elsewhere was fed otherwise; CIFAR-100's fine or coarse labels.
 */
final class DataLayout {
    /** The options, for commands that accept them only in some modes. */
    static final List<String> OPTIONS = List.of("--pad-to", "--rgb", "--grey", "--coarse");

    @Option(names = "--pad-to", paramLabel = "N", description = "IDX: zero-pad images, centred, to N x N pixels "
            + "(default: 32, as a run reads them; 0 keeps their size).")
    private Integer padTo;

    @Option(names = "--rgb", description = "IDX: repeat the grey channel to three (the default, as a run reads them).")
    private boolean rgb;

    @Option(names = "--grey", description = "IDX: keep the one grey channel.")
    private boolean grey;

    @Option(names = "--coarse", description = "CIFAR-100: the 20 coarse labels instead of the 100 fine ones.")
    private boolean coarse;

    /**
     * Opens and validates the dataset at {@code path} ({@code format} null: recognised from the files) laid out as
     * these options say.
     *
     * @throws IllegalArgumentException when --rgb and --grey are both given, --pad-to is negative, an IDX option is
     *     given for other data or --coarse for other than CIFAR-100, or the data is missing or malformed
     */
    DatasetSource open(String path, DataFormat format) {
        if (rgb && grey) {
            throw new IllegalArgumentException("give --rgb or --grey, not both");
        }
        if (padTo != null && padTo < 0) {
            throw new IllegalArgumentException("--pad-to is 0 (no padding) or a size, got " + padTo);
        }
        DatasetSource source = new DataSourceSpec(path, format, coarse, padTo == null ? 32 : padTo, !grey).open();
        if (source.format() != DataFormat.IDX && (padTo != null || rgb || grey)) {
            throw new IllegalArgumentException("--pad-to, --rgb and --grey apply to IDX data; " + path + " is "
                    + source.format().id());
        }
        if (source.format() != DataFormat.CIFAR100 && coarse) {
            throw new IllegalArgumentException("--coarse applies to CIFAR-100 data; " + path + " is "
                    + source.format().id());
        }
        return source;
    }
}
