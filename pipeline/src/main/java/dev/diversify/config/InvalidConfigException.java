package dev.diversify.config;

import java.util.List;

/** Settings that cannot be used; the message lists every problem, each with its config path and value. */
public class InvalidConfigException extends IllegalArgumentException {
    private final List<String> problems;

    /** An exception whose message is {@code invalid configuration:} and then one problem a line. */
    public InvalidConfigException(List<String> problems) {
        super("invalid configuration:\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    /** Every problem, each {@code <config path>: <message>} (unmodifiable). */
    public List<String> problems() {
        return problems;
    }
}
