package dev.diversify.jobs;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * One progress line for long work, {@code label [#####.....] done/total unit, seconds}: on a terminal it redraws
 * one line; elsewhere (logs, pipes) it prints a line per tenth.
 */
final class ProgressBar {
    private static final int WIDTH = 30;

    private final PrintWriter out;
    private final boolean terminal;
    private final String label;
    private final long total;
    private final String unit;
    private final long start = System.nanoTime();
    private long done;
    private int printedTenths = -1;

    private ProgressBar(PrintWriter out, boolean terminal, String label, long total, String unit) {
        this.out = out;
        this.terminal = terminal;
        this.label = label;
        this.total = total;
        this.unit = unit;
        draw();
    }

    /** A bar for {@code total} {@code unit} (e.g. "tasks") on {@code out}, drawn at once at 0. */
    static ProgressBar start(PrintWriter out, String label, long total, String unit) {
        return new ProgressBar(out, System.console() != null, label, total, unit);
    }

    /** Counts {@code n} more done (never past the total) and redraws when the line changes. */
    void advance(long n) {
        done = Math.min(total, done + n);
        draw();
    }

    /** Ends the redrawn line on a terminal. */
    void finish() {
        if (terminal) {
            out.println();
            out.flush();
        }
    }

    private void draw() {
        int tenths = total == 0 ? 10 : (int) (10 * done / total);
        if (!terminal && tenths == printedTenths) {
            return;
        }
        printedTenths = tenths;
        int filled = total == 0 ? WIDTH : (int) (WIDTH * done / total);
        String line = String.format(Locale.ROOT, "%s [%s%s] %d/%d %s, %.0f s", label, "#".repeat(filled),
                ".".repeat(WIDTH - filled), done, total, unit, (System.nanoTime() - start) / 1e9);
        if (terminal) {
            out.print("\r" + line);
        } else {
            out.println(line);
        }
        out.flush();
    }
}
