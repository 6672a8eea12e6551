package dev.diversify.data;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.hadoop.fs.Path;

/**
 * IDX image/label file pairs (format from LeCun's MNIST page, http://yann.lecun.com/exdb/mnist/; MNIST,
 * Fashion-MNIST): {@code train-images-idx3-ubyte} with
 * {@code train-labels-idx1-ubyte} and the {@code t10k-} pair, plain or {@code .gz}. Big-endian
 * headers: magic 0x00000803 then count, rows, columns for images; 0x00000801 then count for labels.
 * Grey images can be zero-padded to a square size and repeated to three channels.
 */
final class IdxSource implements DatasetSource {
    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;
    static final int IMAGES_HEADER = 16;
    static final int LABELS_HEADER = 8;
    private static final int CLASSES = 10;

    private final String location;
    private final String[] imageFiles = new String[2];
    private final String[] labelFiles = new String[2];
    private final int[] counts = new int[2];
    private final int rows;
    private final int cols;
    private final ImageShape shape;

    private IdxSource(String location, int padTo, boolean rgb) {
        this.location = location;
        int[] trainDims = openSplit(Split.TRAIN, "train");
        int[] testDims = openSplit(Split.TEST, "t10k");
        if (trainDims[0] != testDims[0] || trainDims[1] != testDims[1]) {
            throw new InvalidDataException(location + ": training images are " + trainDims[0] + "x" + trainDims[1]
                    + " but test images are " + testDims[0] + "x" + testDims[1]);
        }
        this.rows = trainDims[0];
        this.cols = trainDims[1];
        if (padTo != 0 && (padTo < rows || padTo < cols)) {
            throw new IllegalArgumentException("cannot pad " + rows + "x" + cols + " images of " + location
                    + " to " + padTo + "x" + padTo);
        }
        this.shape = new ImageShape(rgb ? 3 : 1, Math.max(padTo, rows), Math.max(padTo, cols));
    }

    static IdxSource open(String location, int padTo, boolean rgb) {
        DataFiles.requireDirectory(location);
        return new IdxSource(location, padTo, rgb);
    }

    static List<String> fileNames(String prefix, String kind) {
        String base = prefix + "-" + kind + (kind.equals("images") ? "-idx3-ubyte" : "-idx1-ubyte");
        return List.of(base, base + ".gz");
    }

    /** Validates one split's pair of files; returns the image rows and columns. */
    private int[] openSplit(Split split, String prefix) {
        Path images = DataFiles.firstExisting(location, fileNames(prefix, "images").toArray(String[]::new));
        Path labels = DataFiles.firstExisting(location, fileNames(prefix, "labels").toArray(String[]::new));
        ByteBuffer imageHeader = header(images, IMAGES_HEADER, IMAGES_MAGIC, "images");
        ByteBuffer labelHeader = header(labels, LABELS_HEADER, LABELS_MAGIC, "labels");
        int count = imageHeader.getInt(4);
        int r = imageHeader.getInt(8);
        int c = imageHeader.getInt(12);
        int labelCount = labelHeader.getInt(4);
        if (count <= 0 || r <= 0 || c <= 0) {
            throw new InvalidDataException(images + ": header declares " + count + " images of " + r + "x" + c);
        }
        if (count != labelCount) {
            throw new InvalidDataException(images + " holds " + count + " images but " + labels + " holds "
                    + labelCount + " labels");
        }
        expectLength(images, IMAGES_HEADER + (long) count * r * c, count + " images of " + r + "x" + c);
        expectLength(labels, LABELS_HEADER + (long) count, count + " labels");
        imageFiles[split.ordinal()] = images.getName();
        labelFiles[split.ordinal()] = labels.getName();
        counts[split.ordinal()] = count;
        return new int[] {r, c};
    }

    private static ByteBuffer header(Path file, int size, int magic, String kind) {
        byte[] bytes = new byte[size];
        InputStream in = DataFiles.open(file, 0);
        try {
            DataFiles.readFully(in, bytes, file, 0);
        } finally {
            DataFiles.close(in);
        }
        ByteBuffer header = ByteBuffer.wrap(bytes); // big-endian, as IDX is
        if (header.getInt(0) != magic) {
            throw new InvalidDataException(String.format("%s: wrong magic number 0x%08X, expected 0x%08X (IDX %s)",
                    file, header.getInt(0), magic, kind));
        }
        return header;
    }

    private static void expectLength(Path file, long expected, String what) {
        long actual = DataFiles.contentLength(file);
        if (actual != expected) {
            throw new InvalidDataException(file + ": header declares " + what + " (" + expected + " bytes) but the "
                    + (DataFiles.isGzip(file) ? "decompressed " : "") + "file has " + actual + " bytes");
        }
    }

    /** Always {@link DataFormat#IDX}. */
    @Override
    public DataFormat format() {
        return DataFormat.IDX;
    }

    /** The directory given to {@link #open}. */
    @Override
    public String location() {
        return location;
    }

    /** 1 channel, or 3 with {@code rgb}, of {@code max(padTo, rows)} x {@code max(padTo, columns)} pixels. */
    @Override
    public ImageShape shape() {
        return shape;
    }

    /** Always 10 (the digits of MNIST, the classes of Fashion-MNIST). */
    @Override
    public int numClasses() {
        return CLASSES;
    }

    /** "0" to "9": IDX has no names file. */
    @Override
    public List<String> classNames() {
        return IntStream.range(0, CLASSES).mapToObj(Integer::toString).toList();
    }

    /** The image count declared in the header of {@code split}'s image file. */
    @Override
    public int count(Split split) {
        return counts[split.ordinal()];
    }

    /**
     * Records {@code from} (inclusive) to {@code to} (exclusive) of {@code split}: each grey image centred in
     * {@link #shape()} (zero padding) and repeated over its channels, labels checked against 0..9.
     *
     * @throws IndexOutOfBoundsException when {@code from < 0}, {@code to > count(split)} or {@code from > to}
     * @throws InvalidDataException      when a file is missing, truncated or corrupt gzip, or a label is 10 or more
     * @throws java.io.UncheckedIOException on any other read error
     */
    @Override
    public LabeledImages read(Split split, int from, int to) {
        if (from < 0 || to > count(split) || from > to) {
            throw new IndexOutOfBoundsException("records " + from + ".." + to + " of " + count(split));
        }
        int n = to - from;
        int area = rows * cols;
        Path imagePath = DataFiles.path(location, imageFiles[split.ordinal()]);
        Path labelPath = DataFiles.path(location, labelFiles[split.ordinal()]);
        byte[] raw = new byte[n * area];
        byte[] rawLabels = new byte[n];
        long imageOffset = IMAGES_HEADER + (long) from * area;
        long labelOffset = LABELS_HEADER + (long) from;
        InputStream images = DataFiles.open(imagePath, imageOffset);
        try {
            DataFiles.readFully(images, raw, imagePath, imageOffset);
        } finally {
            DataFiles.close(images);
        }
        InputStream labelStream = DataFiles.open(labelPath, labelOffset);
        try {
            DataFiles.readFully(labelStream, rawLabels, labelPath, labelOffset);
        } finally {
            DataFiles.close(labelStream);
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = rawLabels[i] & 0xFF;
            if (labels[i] >= CLASSES) {
                throw new InvalidDataException(labelPath + ": label " + (from + i) + " (byte " + (labelOffset + i)
                        + ") is " + labels[i] + ", outside 0.." + (CLASSES - 1));
            }
        }
        return new LabeledImages(shape, place(raw, n), labels);
    }

    /** Centres each grey image in the (possibly larger) output shape, repeated over its channels. */
    private byte[] place(byte[] raw, int n) {
        if (shape.channels() == 1 && shape.height() == rows && shape.width() == cols) {
            return raw;
        }
        byte[] out = new byte[n * shape.size()];
        int top = (shape.height() - rows) / 2;
        int left = (shape.width() - cols) / 2;
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < shape.channels(); c++) {
                int base = i * shape.size() + c * shape.plane();
                for (int y = 0; y < rows; y++) {
                    System.arraycopy(raw, (i * rows + y) * cols, out, base + (top + y) * shape.width() + left, cols);
                }
            }
        }
        return out;
    }
}
