package dev.diversify.bench;

import java.util.Arrays;
import java.util.List;

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
        warmUp(task, warmup);
        double[] ms = new double[repetitions];
        for (int i = 0; i < repetitions; i++) {
            long start = System.nanoTime();
            task.run();
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        return of(ms);
    }

    /**
     * Times several tasks side by side, for a ratio between them that drift does not blur: each is warmed up as
     * {@code warmup} says, then they take turns, each turn one unmeasured run (the caches refill after another
     * task) and up to {@code runsPerTurn} measured ones, in reverse order every other round (A B, B A, ...), until
     * each has {@code repetitions} measured runs. Why: on a shared or virtual machine the speed moves by 15-25 %
     * from one minute to the next, more than the ratio to be measured can tolerate when the tasks are timed one
     * after the other (docs/PERFORMANCE.md, "OpenBLAS's own threads", pruned inference side by side).
     *
     * @return one timing per task, in {@code tasks}' order
     * @throws IllegalArgumentException when {@code repetitions} or {@code runsPerTurn} is less than 1
     */
    public static List<Timing> interleaved(List<Runnable> tasks, Warmup warmup, int repetitions, int runsPerTurn) {
        if (repetitions < 1 || runsPerTurn < 1) {
            throw new IllegalArgumentException("repetitions and runs per turn must be at least 1, got "
                    + repetitions + " and " + runsPerTurn);
        }
        tasks.forEach(task -> warmUp(task, warmup));
        double[][] ms = new double[tasks.size()][repetitions];
        for (int done = 0, round = 0; done < repetitions; done += runsPerTurn, round++) {
            int runs = Math.min(runsPerTurn, repetitions - done);
            for (int turn = 0; turn < tasks.size(); turn++) {
                int t = round % 2 == 0 ? turn : tasks.size() - 1 - turn;
                tasks.get(t).run();
                for (int i = 0; i < runs; i++) {
                    long start = System.nanoTime();
                    tasks.get(t).run();
                    ms[t][done + i] = (System.nanoTime() - start) / 1e6;
                }
            }
        }
        return Arrays.stream(ms).map(Timing::of).toList();
    }

    private static void warmUp(Runnable task, Warmup warmup) {
        long until = System.nanoTime() + (long) (warmup.seconds() * 1e9);
        for (int i = 0; i < warmup.runs() || System.nanoTime() - until < 0; i++) {
            task.run();
        }
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
