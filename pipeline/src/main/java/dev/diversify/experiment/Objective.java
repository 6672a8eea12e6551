package dev.diversify.experiment;

/** How the sweep's grid points are chosen per group (ALGORITHM.md, "Choosing thresholds", "Compression targets"). */
public enum Objective {
    /** Each group its largest grid point whose single-group drop is within {@code max-accuracy-drop}. */
    PER_GROUP_DROP,
    /** One point per group: the least predicted loss whose exactly counted reduction reaches the target. */
    TARGET,
    /** One point for every group: the smallest grid point that reaches the target (the thesis's global tau). */
    GLOBAL_TAU
}
