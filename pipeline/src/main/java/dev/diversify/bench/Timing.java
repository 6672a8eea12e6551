package dev.diversify.bench;

import java.util.Arrays;

/** Wall-clock timings of repeated runs after warm-up: median and spread, in milliseconds. */
public record Timing(double medianMs, double minMs, double maxMs, int repetitions) {

    /** Runs {@code task} {@code warmup} times unmeasured, then {@code repetitions} times measured. */
    public static Timing measure(Runnable task, int warmup, int repetitions) {
        for (int i = 0; i < warmup; i++) {
            task.run();
        }
        double[] ms = new double[repetitions];
        for (int i = 0; i < repetitions; i++) {
            long start = System.nanoTime();
            task.run();
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        return of(ms);
    }

    /** The median and spread of measured milliseconds (at least one). */
    public static Timing of(double[] ms) {
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Timing(median, sorted[0], sorted[n - 1], n);
    }
}
