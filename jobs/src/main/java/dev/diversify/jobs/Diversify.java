package dev.diversify.jobs;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The {@code diversify} command line: one entry point for local runs and for spark-submit. */
@Command(name = "diversify",
        mixinStandardHelpOptions = true,
        versionProvider = BuildInfo.class,
        header = "Compresses CNNs by filter pruning with the diversifying algorithm, on Spark.",
        description = "Run a command with --help for its options; 'run' is the whole pipeline.",
        subcommands = {ModelsCommand.class, DataCommand.class, SelectCommand.class, PruneCommand.class, ImportCommand.class,
            ExportCommand.class, EvaluateCommand.class, BenchCommand.class,
            RunCommand.class, ResultsCommand.class, ReportCommand.class,
            CommandLine.HelpCommand.class})
public final class Diversify implements Runnable {
    @Spec
    private CommandSpec spec;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Print stack traces of failures (by default only their messages).")
    boolean verbose;

    /** Whether {@code --verbose} was given to the command of {@code spec} (or any above it). */
    static boolean verbose(CommandSpec spec) {
        return spec.root().userObject() instanceof Diversify root && root.verbose;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command");
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line; its {@code execute} returns 0 when done, 1 on failure, 2 on bad usage or input. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Diversify()).setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((error, commandLine, parsed) -> {
            PrintWriter err = commandLine.getErr();
            boolean verbose = verbose(commandLine.getCommandSpec());
            if (error instanceof IllegalArgumentException) {
                err.println(commandLine.getCommandName() + ": " + error.getMessage());
                err.println("Try '" + commandLine.getCommandSpec().qualifiedName() + " --help' for usage.");
                if (verbose) {
                    error.printStackTrace(err);
                }
                return CommandLine.ExitCode.USAGE;
            }
            if (verbose) {
                error.printStackTrace(err);
            } else {
                err.println(commandLine.getCommandName() + ": failed: " + error);
                for (Throwable cause = error.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
                    err.println("  caused by: " + cause);
                }
                err.println("(rerun with --verbose for the stack trace)");
            }
            return CommandLine.ExitCode.SOFTWARE;
        });
        return cli;
    }
}
