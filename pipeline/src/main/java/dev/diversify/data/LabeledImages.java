package dev.diversify.data;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Images with their labels, held as unsigned bytes in CIFAR's layout: image after image, each
 * channel after channel, each channel row-major. The compact form in which data is read, split
 * and shipped to executors; {@link Batches} turns it into normalised float minibatches.
 */
public final class LabeledImages implements Serializable {
    private final ImageShape shape;
    private final byte[] pixels;
    private final int[] labels;

    public LabeledImages(ImageShape shape, byte[] pixels, int[] labels) {
        if ((long) labels.length * shape.size() != pixels.length) {
            throw new IllegalArgumentException(labels.length + " labels need " + (long) labels.length * shape.size()
                    + " pixel bytes of shape " + shape + ", got " + pixels.length);
        }
        this.shape = shape;
        this.pixels = pixels;
        this.labels = labels;
    }

    public ImageShape shape() {
        return shape;
    }

    public int size() {
        return labels.length;
    }

    public int label(int image) {
        return labels[image];
    }

    public int[] labels() {
        return labels.clone();
    }

    /** Pixel value 0..255 of {@code image} at channel {@code c}, row {@code y}, column {@code x}. */
    public int pixel(int image, int c, int y, int x) {
        return pixels[offset(image) + c * shape.plane() + y * shape.width() + x] & 0xFF;
    }

    int offset(int image) {
        return image * shape.size();
    }

    byte[] pixelBytes() {
        return pixels;
    }

    /** The images at {@code indices}, in that order. */
    public LabeledImages select(int[] indices) {
        int size = shape.size();
        byte[] out = new byte[indices.length * size];
        int[] outLabels = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(pixels, offset(indices[i]), out, i * size, size);
            outLabels[i] = labels[indices[i]];
        }
        return new LabeledImages(shape, out, outLabels);
    }

    /** Several chunks of the same shape, one after the other. */
    public static LabeledImages concat(ImageShape shape, Iterable<LabeledImages> parts) {
        int count = 0;
        for (LabeledImages part : parts) {
            count += part.size();
        }
        byte[] pixels = new byte[count * shape.size()];
        int[] labels = new int[count];
        int at = 0;
        for (LabeledImages part : parts) {
            System.arraycopy(part.pixels, 0, pixels, at * shape.size(), part.pixels.length);
            System.arraycopy(part.labels, 0, labels, at, part.size());
            at += part.size();
        }
        return new LabeledImages(shape, pixels, labels);
    }

    /** How many images each class 0..numClasses-1 has. */
    public long[] classHistogram(int numClasses) {
        return histogram(labels, numClasses);
    }

    static long[] histogram(int[] labels, int numClasses) {
        long[] counts = new long[numClasses];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }

    @Override
    public String toString() {
        return "LabeledImages[" + size() + " x " + shape + ", labels " + Arrays.toString(Arrays.copyOf(labels,
                Math.min(8, labels.length))) + (labels.length > 8 ? "...]" : "]");
    }
}
