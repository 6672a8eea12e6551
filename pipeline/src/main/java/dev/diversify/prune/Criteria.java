package dev.diversify.prune;

import java.util.Locale;
import java.util.function.LongFunction;

/**
 * The criteria this product knows, by id: the diversifying rule, and the two it is compared with at
 * the same per-layer budget (L1 norm and random). Adding a criterion is one {@link Criterion} class and
 * one constant here.
 */
public enum Criteria {
    DIVERSIFY(seed -> new DiversifyingRule()),
    L1(seed -> new L1Norm()),
    RANDOM(RandomChoice::new);

    private final LongFunction<Criterion> factory;

    Criteria(LongFunction<Criterion> factory) {
        this.factory = factory;
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
        throw new IllegalArgumentException("unknown criterion '" + id + "'; expected diversify, l1 or random");
    }
}
