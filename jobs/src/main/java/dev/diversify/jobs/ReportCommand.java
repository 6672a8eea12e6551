package dev.diversify.jobs;

import dev.diversify.results.RunLayout;
import dev.diversify.io.HadoopFiles;
import dev.diversify.report.HtmlReport;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code diversify report}: the HTML page of a run. */
@Command(name = "report", mixinStandardHelpOptions = true,
        header = "Writes a run's results as one self-contained HTML page.",
        description = "Reads a run's Parquet tables and writes one page with the plots embedded as PNG data (no "
                + "network needed): the results table, accuracy against parameters and against FLOPs (per "
                + "experiment, and every experiment of a model together), channels "
                + "per layer, sweep curves, training curves and memory. A run writes RUN_DIR/report.html itself "
                + "when it ends.")
final class ReportCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "RUN_DIR", description = "A run's directory (RUN_ROOT/RUN_ID), local or hdfs://.")
    private String runDirectory;

    @Option(names = "--out", paramLabel = "FILE", description = "Where to write the page (default: RUN_DIR/report.html).")
    private String out;

    @Option(names = "--plots", paramLabel = "DIR", description = "Also write every plot as a PNG file in DIR, named "
            + "after its title (e.g. for documents that show a few of them).")
    private String plotDirectory;

    @Override
    public Integer call() {
        SparkSessions.requireRun(runDirectory);
        RunLayout layout = new RunLayout(runDirectory);
        String target = out != null ? out : layout.report();
        java.util.Set<String> written = new java.util.LinkedHashSet<>();
        HadoopFiles.writeText(target, SparkSessions.with("diversify report", spark -> HtmlReport.render(spark, layout,
                (title, png) -> {
                    if (plotDirectory != null) {
                        writePlot(title, png, written);
                    }
                })));
        spec.commandLine().getOut().println("wrote " + target + (written.isEmpty() ? ""
                : " and " + written.size() + " plots in " + plotDirectory));
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** Writes {@code png} to the plot directory as its title in lower case and dashes, numbered if taken. */
    private void writePlot(String title, byte[] png, java.util.Set<String> written) {
        String name = title.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        String file = plotDirectory + "/" + name + ".png";
        for (int n = 2; written.contains(file); n++) {
            file = plotDirectory + "/" + name + "-" + n + ".png";
        }
        written.add(file);
        HadoopFiles.writeAtomically(file, stream -> stream.write(png));
    }
}
