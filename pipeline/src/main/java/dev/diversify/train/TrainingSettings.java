package dev.diversify.train;

import dev.diversify.config.ConfigReader;
import java.util.List;

/**
 * How a network is trained: SGD with Nesterov momentum and L2 weight decay, a learning rate divided
 * by {@code decayFactor} at each fraction of the epochs in {@code decayAt} (the CIFAR recipe: 0.1,
 * divided by 10 at 50 % and 75 %), and Spark parameter averaging every {@code averagingFrequency}
 * minibatches per worker.
 */
public record TrainingSettings(int epochs, double learningRate, double momentum, double weightDecay,
                               List<Double> decayAt, double decayFactor, int averagingFrequency) {

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

    /** The learning rate of (0-based) epoch {@code epoch}. */
    public double learningRate(int epoch) {
        double rate = learningRate;
        for (double at : decayAt) {
            if (epoch >= Math.round(at * epochs)) {
                rate *= decayFactor;
            }
        }
        return rate;
    }

    /** Reads a training block (e.g. {@code baseline} or {@code retrain}); problems are recorded in {@code in}. */
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
