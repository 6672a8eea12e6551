package dev.diversify.data;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Per-channel mean and standard deviation of pixel values scaled to [0, 1], used to normalise
 * inputs. Computed on the training split (see {@link Accumulator}, which also merges partial sums
 * from Spark partitions) or given in config. The constructor copies the arrays; the accessors
 * return the stored arrays, not copies.
 *
 * @param mean one mean per channel, of pixel / 255
 * @param std  one standard deviation per channel, of pixel / 255 (population std when computed here)
 */
public record ChannelStats(double[] mean, double[] std) implements Serializable {

    /**
     * @throws IllegalArgumentException when the arrays differ in length or are empty, a mean is not finite,
     *         or a std is not positive (a constant channel cannot be normalised)
     */
    public ChannelStats {
        if (mean.length != std.length || mean.length == 0) {
            throw new IllegalArgumentException("need one mean and one std per channel, got "
                    + mean.length + " and " + std.length);
        }
        for (int c = 0; c < std.length; c++) {
            if (!(std[c] > 0) || !Double.isFinite(mean[c])) {
                throw new IllegalArgumentException("channel " + c + " has mean " + mean[c] + " and std " + std[c]
                        + "; std must be positive (a constant channel cannot be normalised)");
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /**
     * The statistics of every pixel of {@code images}.
     *
     * @throws IllegalStateException    when {@code images} is empty
     * @throws IllegalArgumentException when a channel is constant (std 0)
     */
    public static ChannelStats of(LabeledImages images) {
        return new Accumulator(images.shape().channels()).add(images).stats();
    }

    /** The number of channels C. */
    public int channels() {
        return mean.length;
    }

    /** {@code mean [..], std [..]}, for logs and reports. */
    @Override
    public String toString() {
        return "mean " + Arrays.toString(mean) + ", std " + Arrays.toString(std);
    }

    /** Equal when both arrays are equal element by element (a record alone would compare the array references). */
    @Override
    public boolean equals(Object other) {
        return other instanceof ChannelStats s && Arrays.equals(mean, s.mean) && Arrays.equals(std, s.std);
    }

    /** From the arrays' contents, consistent with {@link #equals}. */
    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    /**
     * Per-channel histograms of the 8-bit pixel values; mergeable, so partitions can be counted
     * separately. Counts are integers, so merging is exact and gives the same statistics in any order
     * (a float sum would depend on the order Spark returns partitions in), and {@link #stats} computes
     * the population std in two passes over the histogram in float64 ({@code E[(x - mean)^2]}, not the
     * cancelling {@code E[x^2] - E[x]^2}): a constant channel has std exactly 0, whatever its value.
     */
    public static final class Accumulator implements Serializable {
        private static final int VALUES = 256;
        private final long[][] counts;

        /** An empty accumulator for images of {@code channels} channels. */
        public Accumulator(int channels) {
            counts = new long[channels][VALUES];
        }

        /**
         * Adds every pixel of {@code images}, which must have this accumulator's channel count; returns this.
         *
         * @throws ArrayIndexOutOfBoundsException when the images have more channels
         */
        public Accumulator add(LabeledImages images) {
            ImageShape shape = images.shape();
            byte[] pixels = images.pixelBytes();
            for (int i = 0; i < images.size(); i++) {
                for (int c = 0; c < shape.channels(); c++) {
                    int base = images.offset(i) + c * shape.plane();
                    long[] histogram = counts[c];
                    for (int p = 0; p < shape.plane(); p++) {
                        histogram[pixels[base + p] & 0xFF]++;
                    }
                }
            }
            return this;
        }

        /** Adds {@code other}'s counts (same channel count) into this one; returns this. */
        public Accumulator merge(Accumulator other) {
            for (int c = 0; c < counts.length; c++) {
                for (int v = 0; v < VALUES; v++) {
                    counts[c][v] += other.counts[c][v];
                }
            }
            return this;
        }

        /**
         * The mean and population standard deviation per channel of every pixel added, of pixel / 255.
         *
         * @throws IllegalStateException    when no pixel was added
         * @throws IllegalArgumentException when a channel is constant (std 0)
         */
        public ChannelStats stats() {
            double[] mean = new double[counts.length];
            double[] std = new double[counts.length];
            for (int c = 0; c < counts.length; c++) {
                long n = 0;
                double sum = 0; // sum of integer values times integer counts: exact below 2^53
                for (int v = 0; v < VALUES; v++) {
                    n += counts[c][v];
                    sum += (double) counts[c][v] * v;
                }
                if (n == 0) {
                    throw new IllegalStateException("no images to compute channel statistics from");
                }
                mean[c] = sum / n / 255.0;
                double squares = 0;
                for (int v = 0; v < VALUES; v++) {
                    double d = v / 255.0 - mean[c];
                    squares += counts[c][v] * d * d;
                }
                std[c] = Math.sqrt(squares / n);
            }
            return new ChannelStats(mean, std);
        }
    }
}
