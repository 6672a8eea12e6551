package dev.diversify.data;

import java.io.Serializable;
import java.util.List;

/**
 * A dataset on a Hadoop path, validated when opened. Reading is by record range, so Spark tasks
 * can each read their own share of the files; a source is small and serialisable for that.
 */
public interface DatasetSource extends Serializable {
    /** The format of the files. */
    DataFormat format();

    /** The directory the files are in. */
    String location();

    /** The shape C x H x W of the images {@link #read} returns (after any padding or channel repeat). */
    ImageShape shape();

    /** The number of classes; labels are {@code 0..numClasses()-1}. */
    int numClasses();

    /** One name per class: from the distribution's names file when present, else "0", "1", ... */
    List<String> classNames();

    /** The number of records (images) in {@code split}. */
    int count(Split split);

    /**
     * Records {@code from} (inclusive) to {@code to} (exclusive) of {@code split}; labels are checked. Pixels
     * are unsigned bytes 0..255, CHW per image, of {@link #shape()}.
     *
     * @throws IndexOutOfBoundsException when the range is not within {@code 0..count(split)} or {@code from > to}
     * @throws InvalidDataException      when a file is missing or truncated, or a label is outside
     *                                   {@code 0..numClasses()-1}
     * @throws java.io.UncheckedIOException on any other read error
     */
    LabeledImages read(Split split, int from, int to);

    /** Every record of {@code split}, as {@code read(split, 0, count(split))}, with the same exceptions. */
    default LabeledImages readAll(Split split) {
        return read(split, 0, count(split));
    }
}
