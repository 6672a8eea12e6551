package dev.diversify.data;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes learnable synthetic datasets in the exact CIFAR-10, CIFAR-100 and IDX formats, for tests
 * and for runs where no real data is installed. Each class has its own mean colour and a stripe
 * pattern of its own angle and frequency; every image adds its own phase, contrast and Gaussian
 * noise, so small networks learn it well above chance without solving it at once. The directory
 * is written aside and renamed into place, so it is complete or absent.
 */
public final class SyntheticData {
    private static final int CIFAR_SIDE = 32;
    private static final int IDX_SIDE = 28;
    private static final double NOISE = 28.0;

    private final DataFormat format;
    private final int numClasses;
    private final int channels;
    private final int side;
    private final double[][] colours;
    private final double[] angles;
    private final double[] frequencies;

    private SyntheticData(DataFormat format, long seed) {
        this.format = format;
        this.numClasses = format == DataFormat.CIFAR100 ? 100 : 10;
        this.channels = format == DataFormat.IDX ? 1 : 3;
        this.side = format == DataFormat.IDX ? IDX_SIDE : CIFAR_SIDE;
        Random random = new Random(seed);
        colours = new double[numClasses][channels];
        angles = new double[numClasses];
        frequencies = new double[numClasses];
        for (int k = 0; k < numClasses; k++) {
            for (int c = 0; c < channels; c++) {
                colours[k][c] = 60 + 140 * random.nextDouble();
            }
            angles[k] = Math.PI * random.nextDouble();
            frequencies[k] = 1 + 4 * random.nextDouble();
        }
    }

    /**
     * Writes {@code train} training and {@code test} test images of {@code format} into the new
     * directory {@code out} (which must not exist yet). IDX files are gzip-compressed when {@code gzip}
     * (ignored for CIFAR). CIFAR images are 3x32x32 with 10 or 100 classes (CIFAR-100's coarse label is
     * fine / 5), IDX images 1x28x28 with 10; labels are balanced and shuffled. The same seed writes the same
     * images and labels.
     *
     * @throws IllegalArgumentException when {@code train} is below 5 for CIFAR-10 (one per batch file) or
     *         below 1 otherwise, {@code test < 1}, or {@code out} exists
     * @throws UncheckedIOException     when the file system cannot be reached or writing fails
     */
    public static void write(DataFormat format, String out, int train, int test, long seed, boolean gzip) {
        int minTrain = format == DataFormat.CIFAR10 ? CifarSource.CIFAR10_TRAIN_FILES.size() : 1;
        if (train < minTrain || test < 1) {
            throw new IllegalArgumentException("need at least " + minTrain + " training and 1 test image for "
                    + format.id() + ", got " + train + " and " + test);
        }
        Path target = new Path(out);
        FileSystem fs = DataFiles.fileSystem(target);
        Path staging = new Path(target.getParent(), "." + target.getName() + ".incomplete-" + System.nanoTime());
        try {
            if (fs.exists(target)) {
                throw new IllegalArgumentException("output directory already exists: " + target);
            }
            fs.mkdirs(staging);
            new SyntheticData(format, seed).writeAll(fs, staging, train, test, seed, gzip);
            if (!fs.rename(staging, target)) {
                throw new IOException("could not rename " + staging + " to " + target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write synthetic data to " + target + ": " + e.getMessage(), e);
        } finally {
            try {
                fs.delete(staging, true);
            } catch (IOException ignored) {
                // nothing left to clean when the rename succeeded
            }
        }
    }

    private void writeAll(FileSystem fs, Path dir, int train, int test, long seed, boolean gzip) throws IOException {
        int[] trainLabels = balancedLabels(train, new Random(seed + 1));
        int[] testLabels = balancedLabels(test, new Random(seed + 2));
        Random noise = new Random(seed + 3);
        switch (format) {
            case CIFAR10 -> {
                List<String> files = CifarSource.CIFAR10_TRAIN_FILES;
                int start = 0;
                for (int f = 0; f < files.size(); f++) {
                    int end = (int) ((long) train * (f + 1) / files.size());
                    writeCifar(fs, new Path(dir, files.get(f)), slice(trainLabels, start, end), noise);
                    start = end;
                }
                writeCifar(fs, new Path(dir, CifarSource.CIFAR10_TEST_FILE), testLabels, noise);
                writeNames(fs, new Path(dir, "batches.meta.txt"), numClasses, "class");
            }
            case CIFAR100 -> {
                writeCifar(fs, new Path(dir, CifarSource.CIFAR100_TRAIN_FILE), trainLabels, noise);
                writeCifar(fs, new Path(dir, CifarSource.CIFAR100_TEST_FILE), testLabels, noise);
                writeNames(fs, new Path(dir, "fine_label_names.txt"), 100, "fine");
                writeNames(fs, new Path(dir, "coarse_label_names.txt"), 20, "coarse");
            }
            case IDX -> {
                writeIdx(fs, dir, "train", trainLabels, noise, gzip);
                writeIdx(fs, dir, "t10k", testLabels, noise, gzip);
            }
        }
    }

    /** Labels 0..k-1 in equal shares (the first classes get one more when it does not divide), shuffled. */
    private int[] balancedLabels(int n, Random random) {
        int[] labels = Batches.order(n, random);
        for (int i = 0; i < n; i++) {
            labels[i] %= numClasses;
        }
        return labels;
    }

    private static int[] slice(int[] values, int from, int to) {
        int[] out = new int[to - from];
        System.arraycopy(values, from, out, 0, out.length);
        return out;
    }

    /** One image of class {@code k}, channel-major. */
    private byte[] image(int k, Random random) {
        byte[] pixels = new byte[channels * side * side];
        double phase = 2 * Math.PI * random.nextDouble();
        double contrast = 30 + 30 * random.nextDouble();
        double cos = Math.cos(angles[k]);
        double sin = Math.sin(angles[k]);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                double along = (x * cos + y * sin) / side;
                double stripe = contrast * Math.sin(2 * Math.PI * frequencies[k] * along + phase);
                for (int c = 0; c < channels; c++) {
                    double value = colours[k][c] + stripe + NOISE * random.nextGaussian();
                    pixels[c * side * side + y * side + x] = (byte) Math.max(0, Math.min(255, Math.round(value)));
                }
            }
        }
        return pixels;
    }

    private void writeCifar(FileSystem fs, Path file, int[] labels, Random random) throws IOException {
        try (OutputStream out = fs.create(file, false)) {
            for (int label : labels) {
                if (format == DataFormat.CIFAR100) {
                    out.write(label / 5); // coarse label: 20 super-classes of 5 fine ones
                }
                out.write(label);
                out.write(image(label, random));
            }
        }
    }

    private void writeIdx(FileSystem fs, Path dir, String prefix, int[] labels, Random random, boolean gzip)
            throws IOException {
        String suffix = gzip ? ".gz" : "";
        try (OutputStream images = idxStream(fs, new Path(dir, prefix + "-images-idx3-ubyte" + suffix), gzip);
             OutputStream labelOut = idxStream(fs, new Path(dir, prefix + "-labels-idx1-ubyte" + suffix), gzip)) {
            images.write(ByteBuffer.allocate(IdxSource.IMAGES_HEADER).putInt(IdxSource.IMAGES_MAGIC)
                    .putInt(labels.length).putInt(side).putInt(side).array());
            labelOut.write(ByteBuffer.allocate(IdxSource.LABELS_HEADER).putInt(IdxSource.LABELS_MAGIC)
                    .putInt(labels.length).array());
            for (int label : labels) {
                images.write(image(label, random));
                labelOut.write(label);
            }
        }
    }

    private static OutputStream idxStream(FileSystem fs, Path file, boolean gzip) throws IOException {
        OutputStream raw = fs.create(file, false);
        return gzip ? new GZIPOutputStream(raw, 1 << 16) : raw;
    }

    private static void writeNames(FileSystem fs, Path file, int count, String prefix) throws IOException {
        StringBuilder names = new StringBuilder();
        for (int k = 0; k < count; k++) {
            names.append(prefix).append('_').append(k).append('\n');
        }
        try (OutputStream out = fs.create(file, false)) {
            out.write(names.toString().getBytes(StandardCharsets.UTF_8));
        }
    }
}
