package dev.diversify.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The help a person reads: every command summarised in one whole sentence, every description in whole sentences. */
class HelpTest {
    /** A sentence: starts with a capital letter (or an option, "--what ..."), ends with '.', '?' or ':' (before a list). */
    private static final Pattern SENTENCE = Pattern.compile("^([A-Z]|--[a-z]).*[.:?]$");

    /** Every command below the root, by qualified name ("diversify data inspect"). */
    private static Map<String, CommandLine> commands() {
        Map<String, CommandLine> all = new LinkedHashMap<>();
        List<CommandLine> pending = new ArrayList<>(List.of(Diversify.commandLine()));
        while (!pending.isEmpty()) {
            CommandLine c = pending.remove(0);
            all.put(c.getCommandSpec().qualifiedName(), c);
            pending.addAll(c.getSubcommands().values().stream().filter(s -> !s.getCommandName().equals("help")).toList());
        }
        return all;
    }

    @Test
    void everyCommandListedAtTheRootHasAWholeSentence() {
        String help = CliRun.of("--help").out();
        String list = help.substring(help.indexOf("Commands:") + "Commands:".length());
        Map<String, String> summaries = new LinkedHashMap<>();
        String current = null;
        for (String line : list.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("  ") && !line.startsWith("   ")) { // "  name   summary"
                String[] parts = line.trim().split("\\s+", 2);
                current = parts[0];
                summaries.put(current, parts.length > 1 ? parts[1] : "");
            } else if (current != null) { // a wrapped continuation
                summaries.merge(current, line.trim(), (a, b) -> a + " " + b);
            }
        }
        assertEquals(List.of("models", "data", "select", "prune", "import", "export", "evaluate", "bench", "run", "results",
                "report", "help"),
                List.copyOf(summaries.keySet()), help);
        summaries.forEach((name, summary) -> assertTrue(SENTENCE.matcher(summary).matches(),
                name + ": '" + summary + "' is not a whole sentence"));
    }

    @Test
    void everyCommandHasAOneLineSummaryAndADescriptionOfWholeSentences() {
        Map<String, CommandLine> commands = commands();
        assertTrue(commands.containsKey("diversify data inspect"), commands.keySet().toString());
        commands.forEach((name, c) -> {
            String[] header = c.getCommandSpec().usageMessage().header();
            assertEquals(1, header.length, name + ": one summary line");
            assertTrue(SENTENCE.matcher(header[0]).matches(), name + ": summary '" + header[0] + "'");
            String[] description = c.getCommandSpec().usageMessage().description();
            assertTrue(description.length > 0, name + ": no description");
            for (String paragraph : description) {
                assertTrue(SENTENCE.matcher(paragraph.trim()).matches(), name + ": description '" + paragraph + "'");
            }
            c.getCommandSpec().args().forEach(arg -> {
                String text = String.join(" ", arg.description());
                assertTrue(SENTENCE.matcher(text).matches(), name + " " + arg.paramLabel() + ": '" + text + "'");
            });
            // rendered, the description reads as the same text: picocli wraps it, nothing cuts it
            String usage = c.getUsageMessage(CommandLine.Help.Ansi.OFF);
            String rendered = usage.replaceAll("\\s+", " ");
            for (String paragraph : description) {
                assertTrue(rendered.contains(paragraph.replace("%%", "%").replaceAll("\\s+", " ")),
                        name + ": '" + paragraph + "' not rendered whole in:\n" + usage);
            }
        });
    }
}
