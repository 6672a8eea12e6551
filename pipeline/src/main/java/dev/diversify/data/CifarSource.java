package dev.diversify.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.hadoop.fs.Path;

/**
 * The CIFAR-10 and CIFAR-100 binary distributions (format: https://www.cs.toronto.edu/~kriz/cifar.html,
 * "Binary version"). Each record is its label byte(s) and then the 1024 red, 1024 green and 1024 blue
 * values of a 32x32 image, row-major. Opening checks that every file exists and holds a whole, non-zero
 * number of records; reading checks every label.
 */
final class CifarSource implements DatasetSource {
    static final List<String> CIFAR10_TRAIN_FILES = IntStream.rangeClosed(1, 5)
            .mapToObj(i -> "data_batch_" + i + ".bin").collect(Collectors.toList());
    static final String CIFAR10_TEST_FILE = "test_batch.bin";
    static final String CIFAR100_TRAIN_FILE = "train.bin";
    static final String CIFAR100_TEST_FILE = "test.bin";
    static final ImageShape SHAPE = new ImageShape(3, 32, 32);

    private final String location;
    private final DataFormat format;
    private final boolean coarse;
    private final List<String> trainFiles;
    private final List<String> testFiles;
    private final long[] trainCounts;
    private final long[] testCounts;
    private final List<String> classNames;

    private CifarSource(String location, DataFormat format, boolean coarse, List<String> trainFiles,
                        List<String> testFiles) {
        this.location = location;
        this.format = format;
        this.coarse = coarse;
        this.trainFiles = List.copyOf(trainFiles);
        this.testFiles = List.copyOf(testFiles);
        this.trainCounts = recordCounts(trainFiles);
        this.testCounts = recordCounts(testFiles);
        this.classNames = readClassNames();
    }

    static CifarSource open(String location, DataFormat format, boolean coarse) {
        DataFiles.requireDirectory(location);
        return format == DataFormat.CIFAR10
                ? new CifarSource(location, format, false, CIFAR10_TRAIN_FILES, List.of(CIFAR10_TEST_FILE))
                : new CifarSource(location, format, coarse, List.of(CIFAR100_TRAIN_FILE), List.of(CIFAR100_TEST_FILE));
    }

    private int labelBytes() {
        return format == DataFormat.CIFAR10 ? 1 : 2;
    }

    private int recordSize() {
        return labelBytes() + SHAPE.size();
    }

    /** CIFAR-100 stores the coarse label first, then the fine one. */
    private int labelOffset() {
        return format == DataFormat.CIFAR100 && !coarse ? 1 : 0;
    }

    private long[] recordCounts(List<String> files) {
        long[] counts = new long[files.size()];
        for (int i = 0; i < files.size(); i++) {
            Path file = DataFiles.path(location, files.get(i));
            long length = DataFiles.length(file);
            if (length == 0) {
                throw new InvalidDataException(file + ": empty file");
            }
            if (length % recordSize() != 0) {
                throw new InvalidDataException(file + ": " + length + " bytes is not a whole number of "
                        + recordSize() + "-byte " + format.id() + " records (" + length / recordSize()
                        + " records and " + length % recordSize() + " bytes left over: truncated or not " + format.id() + ")");
            }
            counts[i] = length / recordSize();
        }
        return counts;
    }

    private List<String> readClassNames() {
        String namesFile = switch (format) {
            case CIFAR10 -> "batches.meta.txt";
            default -> coarse ? "coarse_label_names.txt" : "fine_label_names.txt";
        };
        Path path = DataFiles.path(location, namesFile);
        if (DataFiles.exists(path)) {
            List<String> names = new ArrayList<>();
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(DataFiles.open(path, 0),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    if (!line.isBlank()) {
                        names.add(line.trim());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
            }
            if (names.size() != numClasses()) {
                throw new InvalidDataException(path + ": " + names.size() + " class names, expected " + numClasses());
            }
            return List.copyOf(names);
        }
        return IntStream.range(0, numClasses()).mapToObj(Integer::toString).toList();
    }

    /** {@link DataFormat#CIFAR10} or {@link DataFormat#CIFAR100}, as opened. */
    @Override
    public DataFormat format() {
        return format;
    }

    /** The directory given to {@link #open}. */
    @Override
    public String location() {
        return location;
    }

    /** Always 3x32x32. */
    @Override
    public ImageShape shape() {
        return SHAPE;
    }

    /** 10 for CIFAR-10; 20 (coarse labels) or 100 (fine labels) for CIFAR-100. */
    @Override
    public int numClasses() {
        return format == DataFormat.CIFAR10 ? 10 : coarse ? 20 : 100;
    }

    /**
     * Read when opened from {@code batches.meta.txt} (CIFAR-10) or {@code coarse_label_names.txt} /
     * {@code fine_label_names.txt} (CIFAR-100), blank lines skipped; "0", "1", ... when the file is absent.
     */
    @Override
    public List<String> classNames() {
        return classNames;
    }

    /** The records in all files of {@code split} (50,000 train and 10,000 test in the real distributions). */
    @Override
    public int count(Split split) {
        long total = 0;
        for (long n : split == Split.TRAIN ? trainCounts : testCounts) {
            total += n;
        }
        return Math.toIntExact(total);
    }

    /**
     * Records {@code from} (inclusive) to {@code to} (exclusive) of {@code split}, across file boundaries; pixels
     * are copied as stored (3x32x32, CHW, unsigned bytes), labels checked against {@link #numClasses()}.
     *
     * @throws IndexOutOfBoundsException when {@code from < 0}, {@code to > count(split)} or {@code from > to}
     * @throws InvalidDataException      when a file is missing or truncated, or a label is out of range
     * @throws UncheckedIOException      on any other read error
     */
    @Override
    public LabeledImages read(Split split, int from, int to) {
        if (from < 0 || to > count(split) || from > to) {
            throw new IndexOutOfBoundsException("records " + from + ".." + to + " of " + count(split));
        }
        List<String> files = split == Split.TRAIN ? trainFiles : testFiles;
        long[] counts = split == Split.TRAIN ? trainCounts : testCounts;
        byte[] pixels = new byte[(to - from) * SHAPE.size()];
        int[] labels = new int[to - from];
        byte[] record = new byte[recordSize()];
        int image = 0;
        long fileStart = 0;
        for (int f = 0; f < files.size() && image < labels.length; f++) {
            long fileEnd = fileStart + counts[f];
            long first = Math.max(from, fileStart);
            long last = Math.min(to, fileEnd);
            if (first < last) {
                Path file = DataFiles.path(location, files.get(f));
                long offset = (first - fileStart) * recordSize();
                InputStream in = DataFiles.open(file, offset);
                try {
                    for (long r = first; r < last; r++, image++, offset += recordSize()) {
                        DataFiles.readFully(in, record, file, offset);
                        labels[image] = checkedLabel(record[labelOffset()] & 0xFF, file, r - fileStart, offset);
                        System.arraycopy(record, labelBytes(), pixels, image * SHAPE.size(), SHAPE.size());
                    }
                } finally {
                    DataFiles.close(in);
                }
            }
            fileStart = fileEnd;
        }
        return new LabeledImages(SHAPE, pixels, labels);
    }

    private int checkedLabel(int label, Path file, long record, long offset) {
        if (label >= numClasses()) {
            throw new InvalidDataException(file + ": record " + record + " (byte " + (offset + labelOffset())
                    + ") has " + (coarse ? "coarse " : format == DataFormat.CIFAR100 ? "fine " : "")
                    + "label " + label + ", outside 0.." + (numClasses() - 1));
        }
        return label;
    }
}
