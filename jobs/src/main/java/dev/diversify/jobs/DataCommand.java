package dev.diversify.jobs;

import dev.diversify.data.ChannelStats;
import dev.diversify.data.DataFormat;
import dev.diversify.data.DataSourceSpec;
import dev.diversify.data.DatasetSource;
import dev.diversify.data.LabeledImages;
import dev.diversify.data.Split;
import dev.diversify.data.SyntheticData;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code diversify data}: look at a dataset before a long job, or generate one in the real formats. */
@Command(name = "data", mixinStandardHelpOptions = true,
        header = "Inspects a dataset, or generates a synthetic one in the CIFAR-10, CIFAR-100 or IDX format.",
        description = "Datasets are directories of the original binary files, on a local disk, file:// or hdfs://.",
        subcommands = {DataCommand.Inspect.class, DataCommand.Generate.class})
final class DataCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing command: inspect or generate");
    }

    @Command(name = "inspect", mixinStandardHelpOptions = true,
            header = "Validates a dataset directory and prints what it holds.",
            description = "Reads a dataset directory (local, file:// or hdfs://) and prints its format, image shape, "
                + "images per split, class histogram and the per-channel mean and standard deviation of the "
                + "training split.")
    static final class Inspect implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Parameters(paramLabel = "PATH", description = "The directory holding the dataset's files.")
        private String path;

        @Option(names = "--format", paramLabel = "FORMAT", converter = FormatConverter.class,
                description = "The format: cifar10, cifar100 or idx (default: recognised from the files).")
        private DataFormat format;

        @Option(names = "--coarse", description = "For CIFAR-100, use the 20 coarse labels instead of the 100 fine ones.")
        private boolean coarse;

        @Override
        public Integer call() {
            DatasetSource source = new DataSourceSpec(path, format, coarse, 0, false).open();
            LabeledImages train = source.readAll(Split.TRAIN);
            LabeledImages test = source.readAll(Split.TEST);
            long[] trainCounts = train.classHistogram(source.numClasses());
            long[] testCounts = test.classHistogram(source.numClasses());
            ChannelStats stats = ChannelStats.of(train);
            PrintWriter out = spec.commandLine().getOut();
            out.println(source.location());
            out.printf("  format       %s%n", source.format().id());
            out.printf("  image shape  %s (channels x height x width, as stored)%n", source.shape());
            out.printf("  train        %,d images%n", train.size());
            out.printf("  test         %,d images%n", test.size());
            out.printf("  classes      %d%n", source.numClasses());
            out.printf("  mean         %s (training split, pixels scaled to [0, 1], per channel)%n", values(stats.mean()));
            out.printf("  std          %s%n", values(stats.std()));
            out.printf("  %5s  %-24s %10s %10s%n", "class", "name", "train", "test");
            for (int k = 0; k < source.numClasses(); k++) {
                out.printf("  %5d  %-24s %,10d %,10d%n", k, source.classNames().get(k), trainCounts[k], testCounts[k]);
            }
            out.flush();
            return 0;
        }

        private static String values(double[] values) {
            return Arrays.stream(values).mapToObj(v -> String.format(Locale.ROOT, "%.4f", v))
                    .collect(Collectors.joining(", ", "[", "]"));
        }
    }

    @Command(name = "generate", mixinStandardHelpOptions = true,
            header = "Writes a learnable synthetic dataset in the exact CIFAR-10, CIFAR-100 or IDX format.",
            description = "Each class has its own colour and stripe pattern, and each image its own phase, contrast "
                + "and noise, so that networks learn it in a few epochs: a stand-in where real data cannot be had.")
    static final class Generate implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Option(names = "--format", paramLabel = "FORMAT", converter = FormatConverter.class, required = true, description = "The format: cifar10, cifar100 or idx.")
        private DataFormat format;

        @Option(names = "--out", paramLabel = "DIR", required = true,
                description = "The directory to create (must not exist); local, file:// or hdfs://.")
        private String out;

        @Option(names = "--train", paramLabel = "N", defaultValue = "5000",
                description = "The number of training images (default: ${DEFAULT-VALUE}).")
        private int train;

        @Option(names = "--test", paramLabel = "N", defaultValue = "1000",
                description = "The number of test images (default: ${DEFAULT-VALUE}).")
        private int test;

        @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "The seed of the images (default: ${DEFAULT-VALUE}).")
        private long seed;

        @Option(names = "--no-gzip", negatable = false, description = "For IDX, write plain files instead of .gz ones.")
        private boolean plain;

        @Override
        public Integer call() {
            DataFormat dataFormat = format;
            SyntheticData.write(dataFormat, out, train, test, seed, !plain);
            spec.commandLine().getOut().printf("wrote %,d training and %,d test images (%s) to %s%n",
                    train, test, dataFormat.id(), out);
            return 0;
        }
    }
}
