package dev.diversify.jobs;

import java.io.PrintStream;
import java.util.Locale;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * A progress bar over the tasks of every Spark job that has a description ({@code setJobDescription}: the
 * similarity stage's groups, the sweep's cells), driven by the driver's listener bus, so it counts tasks
 * wherever they run. On a terminal it redraws one line; elsewhere (logs, pipes) it prints a line per tenth.
 */
final class JobProgressBar extends SparkListener {
    private static final int WIDTH = 30;

    private final PrintStream out;
    private final boolean terminal;
    private String job;
    private int total;
    private int done;
    private int printedTenths = -1;
    private long start;

    private JobProgressBar(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** Draws the tasks of {@code spark}'s described jobs on {@code out} from now on. */
    static void attach(SparkContext spark, PrintStream out) {
        spark.addSparkListener(new JobProgressBar(out, System.console() != null));
    }

    @Override
    public synchronized void onJobStart(SparkListenerJobStart jobStart) {
        String description = jobStart.properties() == null ? null
                : jobStart.properties().getProperty("spark.job.description");
        if (description == null) {
            return;
        }
        job = description;
        total = 0;
        scala.collection.Iterator<org.apache.spark.scheduler.StageInfo> stages = jobStart.stageInfos().iterator();
        while (stages.hasNext()) {
            total += stages.next().numTasks();
        }
        done = 0;
        printedTenths = -1;
        start = System.nanoTime();
        draw();
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd taskEnd) {
        if (job != null && done < total && taskEnd.taskInfo().successful()) { // retried attempts count once
            done++;
            draw();
        }
    }

    @Override
    public synchronized void onJobEnd(SparkListenerJobEnd jobEnd) {
        if (job != null) {
            if (terminal) {
                out.println();
            }
            job = null;
        }
    }

    private void draw() {
        int tenths = total == 0 ? 10 : 10 * done / total;
        if (!terminal && tenths == printedTenths) {
            return;
        }
        printedTenths = tenths;
        int filled = total == 0 ? WIDTH : WIDTH * done / total;
        String line = String.format(Locale.ROOT, "%s [%s%s] %d/%d tasks, %.0f s", job, "#".repeat(filled),
                ".".repeat(WIDTH - filled), done, total, (System.nanoTime() - start) / 1e9);
        if (terminal) {
            out.print("\r" + line);
        } else {
            out.println(line);
        }
        out.flush();
    }
}
