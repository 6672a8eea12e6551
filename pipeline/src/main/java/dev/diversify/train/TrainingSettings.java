package dev.diversify.train;

import dev.diversify.config.ConfigReader;
import java.util.List;

/**
 * How a network is trained: SGD with Nesterov momentum and L2 weight decay, a learning rate multiplied
 * by {@code decayFactor} at each fraction of the epochs in {@code decayAt} (the CIFAR recipe: 0.1,
 * divided by 10, i.e. decayFactor 0.1, at 50 % and 75 %), and Spark parameter averaging every
 * {@code averagingFrequency} minibatches per worker.
 *
 * @param epochs             the number of epochs, at least 0
 * @param learningRate       the initial learning rate, positive
 * @param momentum           the Nesterov momentum coefficient
 * @param weightDecay        the L2 weight-decay coefficient
 * @param decayAt            the decay points, as fractions of {@code epochs} in (0, 1) (copied)
 * @param decayFactor        the factor the rate is multiplied by at each decay point
 * @param averagingFrequency minibatches each worker fits between parameter averages
 */
public record TrainingSettings(int epochs, double learningRate, double momentum, double weightDecay,
                               List<Double> decayAt, double decayFactor, int averagingFrequency) {

    /**
     * Copies {@code decayAt}; momentum, weight decay, decay factor and averaging frequency are not checked
     * here ({@link #read} range-checks them).
     *
     * @throws IllegalArgumentException when {@code epochs} is negative, the learning rate is not positive,
     *     or a decay point is outside (0, 1)
     */
    public TrainingSettings {
        decayAt = List.copyOf(decayAt);
        if (epochs < 0) {
            throw new IllegalArgumentException("epochs must be >= 0, got " + epochs);
        }
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
        }
        for (double at : decayAt) {
            if (!(at > 0 && at < 1)) {
                throw new IllegalArgumentException("decay points are fractions of the epochs in (0, 1), got " + at);
            }
        }
    }

    /** The same optimiser for {@code epochs} epochs at the initial learning rate, no decay (brief retraining). */
    public TrainingSettings atConstantRate(int epochs) {
        return new TrainingSettings(epochs, learningRate, momentum, weightDecay, List.of(), 1.0, averagingFrequency);
    }

    /**
     * The learning rate of (0-based) epoch {@code epoch}: {@code learningRate} times {@code decayFactor}
     * once for every decay point {@code at} with {@code epoch >= round(at * epochs)}.
     */
    public double learningRate(int epoch) {
        double rate = learningRate;
        for (double at : decayAt) {
            if (epoch >= Math.round(at * epochs)) {
                rate *= decayFactor;
            }
        }
        return rate;
    }

    /**
     * Reads a training block (e.g. {@code baseline} or {@code retrain}): {@code epochs} (at least 0),
     * {@code learning-rate} (in [1e-9, 10]), {@code momentum}, {@code weight-decay} and {@code decay-factor}
     * (each in [0, 1]), {@code decay-at} (fractions in (0, 1)) and {@code averaging-frequency} (at least 1).
     * Problems are recorded in {@code in}, which throws them at its {@code check()}; the result then holds
     * stand-ins.
     */
    public static TrainingSettings read(ConfigReader in) {
        int epochs = in.intAtLeast("epochs", 0);
        double rate = in.doubleIn("learning-rate", 1e-9, 10);
        double momentum = in.doubleIn("momentum", 0, 1);
        double decay = in.doubleIn("weight-decay", 0, 1);
        List<Double> at = in.doubles("decay-at");
        double factor = in.doubleIn("decay-factor", 0, 1);
        int averaging = in.intAtLeast("averaging-frequency", 1);
        TrainingSettings settings = in.validated("decay-at", () -> new TrainingSettings(epochs, rate, momentum, decay,
                at, factor, averaging));
        return settings != null ? settings : new TrainingSettings(epochs, rate, momentum, decay, List.of(), factor, averaging);
    }
}
