package dev.diversify.data;

/** The two splits every distribution ships; the validation split is carved from TRAIN. */
public enum Split {
    TRAIN, TEST
}
