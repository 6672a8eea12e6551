package dev.diversify.prune;

import java.util.Locale;

/**
 * The selection criteria: the diversifying rule, and the two it is compared with at the same
 * per-layer budget (L1 norm and random).
 */
public enum Criteria {
    DIVERSIFY, L1, RANDOM;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Criteria fromId(String id) {
        for (Criteria c : values()) {
            if (c.id().equalsIgnoreCase(id == null ? "" : id.trim())) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown criterion '" + id + "'; expected diversify, l1 or random");
    }

    static void checkKeep(int keep, int n) {
        if (keep < 1 || keep > n) {
            throw new IllegalArgumentException("cannot keep " + keep + " of " + n + " filters: keep 1.." + n);
        }
    }
}
