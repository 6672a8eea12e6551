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
     * Running sums per channel; mergeable, so partitions can be summed separately. Sums pixel / 255 and
     * its square in double; {@link #stats} gives the population std {@code sqrt(E[x^2] - E[x]^2)}.
     */
    public static final class Accumulator implements Serializable {
        private long pixelsPerChannel;
        private final double[] sum;
        private final double[] sumOfSquares;

        /** An empty accumulator for images of {@code channels} channels. */
        public Accumulator(int channels) {
            sum = new double[channels];
            sumOfSquares = new double[channels];
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
                    long s = 0;
                    long s2 = 0;
                    for (int p = 0; p < shape.plane(); p++) {
                        int v = pixels[base + p] & 0xFF;
                        s += v;
                        s2 += (long) v * v;
                    }
                    sum[c] += s / 255.0;
                    sumOfSquares[c] += s2 / (255.0 * 255.0);
                }
            }
            pixelsPerChannel += (long) images.size() * shape.plane();
            return this;
        }

        /** Adds {@code other}'s sums (same channel count) into this one; returns this. */
        public Accumulator merge(Accumulator other) {
            for (int c = 0; c < sum.length; c++) {
                sum[c] += other.sum[c];
                sumOfSquares[c] += other.sumOfSquares[c];
            }
            pixelsPerChannel += other.pixelsPerChannel;
            return this;
        }

        /**
         * The mean and population standard deviation per channel of every pixel added.
         *
         * @throws IllegalStateException    when no pixel was added
         * @throws IllegalArgumentException when a channel is constant (std 0)
         */
        public ChannelStats stats() {
            if (pixelsPerChannel == 0) {
                throw new IllegalStateException("no images to compute channel statistics from");
            }
            double[] mean = new double[sum.length];
            double[] std = new double[sum.length];
            for (int c = 0; c < sum.length; c++) {
                mean[c] = sum[c] / pixelsPerChannel;
                std[c] = Math.sqrt(Math.max(0, sumOfSquares[c] / pixelsPerChannel - mean[c] * mean[c]));
            }
            return new ChannelStats(mean, std);
        }
    }
}
