package dev.diversify.data;

import java.io.Serializable;
import java.util.List;

/**
 * A dataset on a Hadoop path, validated when opened. Reading is by record range, so Spark tasks
 * can each read their own share of the files; a source is small and serialisable for that.
 */
public interface DatasetSource extends Serializable {
    DataFormat format();

    /** The directory the files are in. */
    String location();

    /** The shape of the images {@link #read} returns (after any padding or channel repeat). */
    ImageShape shape();

    int numClasses();

    /** One name per class: from the distribution's names file when present, else "0", "1", ... */
    List<String> classNames();

    int count(Split split);

    /** Records {@code from} (inclusive) to {@code to} (exclusive) of {@code split}; labels are checked. */
    LabeledImages read(Split split, int from, int to);

    default LabeledImages readAll(Split split) {
        return read(split, 0, count(split));
    }
}
