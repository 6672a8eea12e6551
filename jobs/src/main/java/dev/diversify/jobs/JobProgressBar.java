package dev.diversify.jobs;

import java.io.PrintWriter;
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
    private final PrintWriter out;
    private ProgressBar bar;

    private JobProgressBar(PrintWriter out) {
        this.out = out;
    }

    /** Draws the tasks of {@code spark}'s described jobs on {@code out} from now on. */
    static void attach(SparkContext spark, PrintWriter out) {
        spark.addSparkListener(new JobProgressBar(out));
    }

    @Override
    public synchronized void onJobStart(SparkListenerJobStart jobStart) {
        String description = jobStart.properties() == null ? null
                : jobStart.properties().getProperty("spark.job.description");
        if (description == null) {
            return;
        }
        int total = 0;
        scala.collection.Iterator<org.apache.spark.scheduler.StageInfo> stages = jobStart.stageInfos().iterator();
        while (stages.hasNext()) {
            total += stages.next().numTasks();
        }
        bar = ProgressBar.start(out, description, total, "tasks");
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd taskEnd) {
        if (bar != null && taskEnd.taskInfo().successful()) { // retried attempts count once: the bar stops at total
            bar.advance(1);
        }
    }

    @Override
    public synchronized void onJobEnd(SparkListenerJobEnd jobEnd) {
        if (bar != null) {
            bar.finish();
            bar = null;
        }
    }
}
