package dev.diversify.bench;

import java.util.Arrays;

/** Wall-clock timings of repeated runs after warm-up: median and spread, in milliseconds. */
public record Timing(double medianMs, double minMs, double maxMs, int repetitions) {

    /**
     * How long a task runs unmeasured before it is timed: at least {@code runs} runs and at least {@code seconds}
     * of wall time. Why the seconds: the JVM compiles hot code in background threads for the first tens of
     * seconds, and on two cores those threads take the cores from the measured task (ResNet20's training step
     * on two cores: 344.4 images/s after 2 warm-up steps, 472.2 after 20 s; docs/PERFORMANCE.md, "Measured
     * after the JVM's warm-up").
     *
     * @throws IllegalArgumentException when either is negative or the seconds are not finite
     */
    public record Warmup(int runs, double seconds) {
        public Warmup {
            if (runs < 0 || !(seconds >= 0) || Double.isInfinite(seconds)) {
                throw new IllegalArgumentException("warm-up runs and seconds must be at least 0, got " + runs
                        + " runs and " + seconds + " s");
            }
        }

        /** Exactly {@code runs} unmeasured runs, however long they take. */
        public static Warmup runs(int runs) {
            return new Warmup(runs, 0);
        }
    }

    /** Runs {@code task} unmeasured as {@code warmup} says, then {@code repetitions} times measured. */
    public static Timing measure(Runnable task, Warmup warmup, int repetitions) {
        long until = System.nanoTime() + (long) (warmup.seconds() * 1e9);
        for (int i = 0; i < warmup.runs() || System.nanoTime() - until < 0; i++) {
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
