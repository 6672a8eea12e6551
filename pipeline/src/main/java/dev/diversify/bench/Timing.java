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
        Arrays.sort(ms);
        double median = repetitions % 2 == 1 ? ms[repetitions / 2] : (ms[repetitions / 2 - 1] + ms[repetitions / 2]) / 2;
        return new Timing(median, ms[0], ms[repetitions - 1], repetitions);
    }
}
