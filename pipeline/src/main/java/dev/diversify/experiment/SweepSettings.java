package dev.diversify.experiment;

import dev.diversify.config.ConfigReader;
import java.util.List;

/**
 * The sensitivity sweep: each group is pruned alone at every threshold of {@code taus}, without
 * retraining, and gets the largest threshold whose validation-accuracy drop is at most
 * {@code maxAccuracyDrop} (a fraction: 0.01 is one point of accuracy).
 */
public record SweepSettings(List<Double> taus, double maxAccuracyDrop) {

    public SweepSettings {
        taus = taus.stream().sorted().distinct().toList();
        if (taus.isEmpty()) {
            throw new IllegalArgumentException("the threshold grid is empty");
        }
        for (double tau : taus) {
            if (!(tau >= 0 && tau <= 2)) {
                throw new IllegalArgumentException("thresholds must be in [0, 2], got " + tau);
            }
        }
    }

    static SweepSettings read(ConfigReader in) {
        List<Double> taus = in.doubles("taus");
        double drop = in.doubleIn("max-accuracy-drop", 0, 1);
        SweepSettings settings = in.validated("taus", () -> new SweepSettings(taus, drop));
        return settings != null ? settings : new SweepSettings(List.of(0.0), drop);
    }
}
