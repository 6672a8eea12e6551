package dev.diversify.jobs;

import dev.diversify.data.ChannelStats;
import java.util.List;
import java.util.stream.IntStream;
import picocli.CommandLine.Option;

/** The per-channel normalisation a model was trained with, given as {@code --mean} and {@code --std} (a mixin). */
final class Normalisation {
    @Option(names = "--mean", paramLabel = "M[,M,M]", split = ",",
            description = "The per-channel mean the model was trained with, of pixels scaled to [0, 1] (default: "
                    + "computed on the images of the training split).")
    private List<Double> mean;

    @Option(names = "--std", paramLabel = "S[,S,S]", split = ",",
            description = "The per-channel standard deviation the model was trained with (with --mean).")
    private List<Double> std;

    /**
     * The statistics given (one value for every channel, or one per channel), or null when neither is given.
     *
     * @throws IllegalArgumentException when only one is given, either has another count than 1 or
     *     {@code channels}, or a standard deviation is not positive
     */
    ChannelStats stats(int channels) {
        if ((mean == null) != (std == null)) {
            throw new IllegalArgumentException("give --mean and --std together (or neither: computed on the data)");
        }
        if (mean == null) {
            return null;
        }
        for (List<Double> values : List.of(mean, std)) {
            if (values.size() != 1 && values.size() != channels) {
                throw new IllegalArgumentException("--" + (values == mean ? "mean" : "std") + " has " + values.size()
                        + " values; the data's images have " + channels + " channels: give 1 or " + channels);
            }
        }
        try {
            return new ChannelStats(perChannel(mean, channels), perChannel(std, channels));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--mean/--std: " + e.getMessage(), e);
        }
    }

    private static double[] perChannel(List<Double> values, int channels) {
        return IntStream.range(0, channels).mapToDouble(c -> values.get(values.size() == 1 ? 0 : c)).toArray();
    }
}
