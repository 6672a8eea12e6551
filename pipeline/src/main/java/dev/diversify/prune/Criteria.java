package dev.diversify.prune;

import java.util.Locale;
import java.util.function.LongFunction;

/**
 * The criteria this product knows, by id: the diversifying rule, and the two it is compared with at
 * the same per-layer budget (L1 norm and random). Adding a criterion is one {@link Criterion} class and
 * one constant here.
 */
public enum Criteria {
    DIVERSIFY("diversify", seed -> new DiversifyingRule()),
    L1("L1", seed -> new L1Norm()),
    RANDOM("random", RandomChoice::new);

    private final String label;
    private final LongFunction<Criterion> factory;

    Criteria(String label, LongFunction<Criterion> factory) {
        this.label = label;
        this.factory = factory;
    }

    /** How tables and reports name it ("L1", as the literature writes it; otherwise the id). */
    public String label() {
        return label;
    }

    /** The id in configs, tables and the command line: the lower-case name. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The criterion, with its defaults; {@code seed} feeds criteria that draw random numbers. */
    public Criterion create(long seed) {
        return factory.apply(seed);
    }

    /**
     * The criterion named {@code id} (any case, surrounding blanks ignored).
     *
     * @throws IllegalArgumentException naming the id and the known ones
     */
    public static Criteria fromId(String id) {
        for (Criteria c : values()) {
            if (c.id().equalsIgnoreCase(id == null ? "" : id.trim())) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown criterion '" + id + "'; expected one of " + String.join(", ",
                java.util.Arrays.stream(values()).map(Criteria::id).toList()));
    }
}
