package dev.diversify.data;

/**
 * Where a dataset is and how to read it.
 *
 * @param path         the directory holding the files (bare local path, file://, hdfs://, ...)
 * @param format       the format, or null to recognise it from the files present ({@link DataFormat#detect})
 * @param coarseLabels CIFAR-100 only: the 20 coarse labels instead of the 100 fine ones
 * @param padTo        IDX only: zero-pad images, centred, to this square size in pixels (0 keeps their size)
 * @param rgb          IDX only: repeat the single grey channel to three, so RGB models run unchanged
 */
public record DataSourceSpec(String path, DataFormat format, boolean coarseLabels, int padTo, boolean rgb) {

    /** @throws IllegalArgumentException when {@code path} is null or blank, or {@code padTo} is negative */
    public DataSourceSpec {
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("a data path must be given");
        }
        if (padTo < 0) {
            throw new IllegalArgumentException("padTo must be 0 (no padding) or a size, got " + padTo);
        }
    }

    /**
     * A directory in any format, read as the models expect: 32x32 images with three channels. IDX images are
     * centred on a 32x32 black canvas and their grey channel repeated; CIFAR-100 uses its fine labels.
     *
     * @throws IllegalArgumentException when {@code path} is null or blank
     */
    public static DataSourceSpec forModels(String path, DataFormat format) {
        return new DataSourceSpec(path, format, false, 32, true);
    }

    /**
     * Opens and validates the dataset, detecting the format when none is given. Opening reads file lengths,
     * headers and class-name files (and decompresses gzip IDX files once to check their length), no images.
     *
     * @throws InvalidDataException     when the directory or a file is missing, truncated or malformed, or no
     *                                  known format is found
     * @throws IllegalArgumentException when IDX images are larger than {@code padTo}
     * @throws java.io.UncheckedIOException when the file system cannot be read
     */
    public DatasetSource open() {
        DataFormat resolved = format != null ? format : DataFormat.detect(path);
        return switch (resolved) {
            case CIFAR10, CIFAR100 -> CifarSource.open(path, resolved, coarseLabels);
            case IDX -> IdxSource.open(path, padTo, rgb);
        };
    }
}
