package dev.diversify.data;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The on-disk formats the readers understand. */
public enum DataFormat {
    /**
     * CIFAR-10 binary (https://www.cs.toronto.edu/~kriz/cifar.html): data_batch_1..5.bin and test_batch.bin,
     * records of 1 label + 3072 pixel bytes.
     */
    CIFAR10("cifar10"),
    /**
     * CIFAR-100 binary (https://www.cs.toronto.edu/~kriz/cifar.html): train.bin and test.bin, records of
     * coarse label, fine label, 3072 pixel bytes.
     */
    CIFAR100("cifar100"),
    /**
     * IDX (format from LeCun's MNIST page, http://yann.lecun.com/exdb/mnist/; MNIST, Fashion-MNIST): separate
     * image and label files, plain or gzip.
     */
    IDX("idx");

    private final String id;

    DataFormat(String id) {
        this.id = id;
    }

    /** The id used in configs and the CLI, e.g. {@code "cifar10"}. */
    public String id() {
        return id;
    }

    /**
     * Looks a format up by id (case-insensitive, surrounding blanks ignored); the error lists the valid ids.
     *
     * @throws IllegalArgumentException when {@code id} is null or names no format
     */
    public static DataFormat fromId(String id) {
        String wanted = id == null ? "" : id.trim().toLowerCase(Locale.ROOT);
        for (DataFormat format : values()) {
            if (format.id.equals(wanted)) {
                return format;
            }
        }
        throw new IllegalArgumentException("unknown data format '" + id + "'; expected one of "
                + Arrays.stream(values()).map(DataFormat::id).collect(Collectors.joining(", ")));
    }

    /**
     * Recognises the format of a directory by the files it holds, checked in this order:
     * {@code data_batch_1.bin} (CIFAR-10), {@code train.bin} (CIFAR-100), {@code train-images-idx3-ubyte[.gz]}
     * (IDX). Only presence is checked; opening the source validates the files.
     *
     * @throws InvalidDataException when {@code directory} is missing, is not a directory, or holds none of these
     * @throws java.io.UncheckedIOException when the file system cannot be read
     */
    public static DataFormat detect(String directory) {
        DataFiles.requireDirectory(directory);
        if (DataFiles.exists(DataFiles.path(directory, CifarSource.CIFAR10_TRAIN_FILES.get(0)))) {
            return CIFAR10;
        }
        if (DataFiles.exists(DataFiles.path(directory, CifarSource.CIFAR100_TRAIN_FILE))) {
            return CIFAR100;
        }
        for (String name : IdxSource.fileNames("train", "images")) {
            if (DataFiles.exists(DataFiles.path(directory, name))) {
                return IDX;
            }
        }
        throw new InvalidDataException("no known dataset in " + directory + ": expected data_batch_1.bin (CIFAR-10), "
                + "train.bin (CIFAR-100) or train-images-idx3-ubyte[.gz] (IDX)");
    }

    /** The id, as {@link #id()}. */
    @Override
    public String toString() {
        return id;
    }
}
