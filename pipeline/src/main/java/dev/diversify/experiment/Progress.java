package dev.diversify.experiment;

import dev.diversify.backend.MemoryUse;
import dev.diversify.train.EpochReport;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/** Progress lines a person can follow: experiment, stage, epoch, accuracy so far, elapsed and remaining time. */
public final class Progress {
    private final PrintStream out;
    private final boolean verbose;
    private final long start = System.nanoTime();

    /** Progress printed to {@code out}, with times counted from now; failures without stack traces. */
    public Progress(PrintStream out) {
        this(out, false);
    }

    /** Progress printed to {@code out}; with {@code verbose}, failures with their stack traces. */
    public Progress(PrintStream out, boolean verbose) {
        this.out = out;
        this.verbose = verbose;
    }

    /** Reports that {@code experiment} failed: the error and its causes, and its stack trace when verbose. */
    public synchronized void failure(String experiment, Throwable error) {
        say(experiment, "FAILED: " + error);
        for (Throwable cause = error.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            say(experiment, "  caused by: " + cause);
        }
        if (verbose) {
            error.printStackTrace(out);
        }
    }

    /** Prints one line: elapsed time, the experiment (or "run") and the message. Safe from any thread. */
    public synchronized void say(String experiment, String message) {
        out.printf(Locale.ROOT, "[%s] %-22s %s%n", elapsed(), experiment, message);
        out.flush();
    }

    /**
     * Prints one training epoch: stage, epoch of epochs, learning rate, loss, validation accuracy, its
     * seconds, the time left estimated from {@code secondsSoFar} (this training's elapsed seconds), and the
     * resident memory in GiB.
     */
    public void epoch(String experiment, EpochReport r, double secondsSoFar) {
        double remaining = secondsSoFar / r.epoch() * (r.epochs() - r.epoch());
        say(experiment, String.format(Locale.ROOT, "%s epoch %d/%d  lr %.4g  loss %.4f%s  (%.1f s; ~%s left; "
                        + "resident %.2f GiB)",
                r.stage(), r.epoch(), r.epochs(), r.learningRate(), r.loss(),
                Double.isNaN(r.validationAccuracy()) ? "" : String.format(Locale.ROOT, "  val acc %.4f", r.validationAccuracy()),
                r.seconds(), format(Duration.ofMillis((long) (remaining * 1000))),
                MemoryUse.mib(r.memory().residentBytes()) / 1024));
    }

    private String elapsed() {
        return format(Duration.ofNanos(System.nanoTime() - start));
    }

    static String format(Duration d) {
        return String.format(Locale.ROOT, "%d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
    }
}
