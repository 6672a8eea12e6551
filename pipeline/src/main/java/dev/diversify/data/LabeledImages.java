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

    /**
     * Wraps the arrays without copying them; labels are not range-checked here.
     *
     * @param pixels {@code labels.length * shape.size()} unsigned bytes (0..255), CHW per image
     * @param labels one class index per image
     * @throws IllegalArgumentException when {@code pixels} has another length
     */
    public LabeledImages(ImageShape shape, byte[] pixels, int[] labels) {
        if ((long) labels.length * shape.size() != pixels.length) {
            throw new IllegalArgumentException(labels.length + " labels need " + (long) labels.length * shape.size()
                    + " pixel bytes of shape " + shape + ", got " + pixels.length);
        }
        this.shape = shape;
        this.pixels = pixels;
        this.labels = labels;
    }

    /** The shape C x H x W of every image. */
    public ImageShape shape() {
        return shape;
    }

    /** The number of images. */
    public int size() {
        return labels.length;
    }

    /**
     * The class index of image {@code image}.
     *
     * @throws ArrayIndexOutOfBoundsException when {@code image} is outside {@code 0..size()-1}
     */
    public int label(int image) {
        return labels[image];
    }

    /** A copy of every label, in image order. */
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

    /**
     * The images at {@code indices}, in that order, copied (an index may repeat).
     *
     * @throws ArrayIndexOutOfBoundsException when an index is outside {@code 0..size()-1}
     */
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

    /**
     * Several chunks of the same shape, one after the other, copied into new arrays. The parts' shapes are
     * not checked against {@code shape}, and {@code parts} is iterated twice.
     */
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

    /**
     * How many images each class 0..numClasses-1 has.
     *
     * @throws ArrayIndexOutOfBoundsException when a label is {@code numClasses} or more
     */
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

    /** The count, the shape and the first 8 labels, for logs. */
    @Override
    public String toString() {
        return "LabeledImages[" + size() + " x " + shape + ", labels " + Arrays.toString(Arrays.copyOf(labels,
                Math.min(8, labels.length))) + (labels.length > 8 ? "...]" : "]");
    }
}
