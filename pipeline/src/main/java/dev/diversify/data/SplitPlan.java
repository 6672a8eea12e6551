package dev.diversify.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Which records a run uses: a validation split carved from the training split (for threshold
 * sweeps, so the test split serves only the final report), and optional stratified subsets of
 * N images per class for CPU-scale runs. Everything is drawn from one seed, so it is reproducible;
 * the index arrays are sorted, so executors can read them as record ranges.
 *
 * @param validationSize   images carved from the training split for validation (0 for none)
 * @param trainPerClass    training images kept per class after the carve (0 keeps all)
 * @param testPerClass     test images kept per class (0 keeps all)
 * @param seed             the seed of every draw
 */
public record SplitPlan(int validationSize, int trainPerClass, int testPerClass, long seed) implements Serializable {

    /** @throws IllegalArgumentException when a size is negative */
    public SplitPlan {
        if (validationSize < 0 || trainPerClass < 0 || testPerClass < 0) {
            throw new IllegalArgumentException("split sizes must be >= 0, got validation " + validationSize
                    + ", train per class " + trainPerClass + ", test per class " + testPerClass);
        }
    }

    /**
     * The record indices of each part, each sorted ascending.
     *
     * @param train      indices into the training split
     * @param validation indices into the training split, disjoint from {@code train}
     * @param test       indices into the test split
     */
    public record Selection(int[] train, int[] validation, int[] test) implements Serializable {
    }

    /**
     * Draws the parts: a validation split of {@code validationSize} training records drawn uniformly (not per
     * class), then {@code trainPerClass} per class from the rest and {@code testPerClass} per class from the
     * test split. The draws use {@code seed}, {@code seed + 1} and {@code seed + 2}.
     *
     * @param trainLabels the label of every training record, in record order
     * @param testLabels  the label of every test record, in record order
     * @throws IllegalArgumentException when the validation split would take every training record, or a class
     *         has fewer images than asked per class
     */
    public Selection select(int[] trainLabels, int[] testLabels, int numClasses) {
        if (validationSize >= trainLabels.length) {
            throw new IllegalArgumentException("a validation split of " + validationSize
                    + " leaves no training images of " + trainLabels.length);
        }
        int[] shuffled = Batches.order(trainLabels.length, new Random(seed));
        int[] validation = Arrays.copyOfRange(shuffled, 0, validationSize);
        int[] pool = Arrays.copyOfRange(shuffled, validationSize, shuffled.length);
        int[] train = perClass(pool, trainLabels, numClasses, trainPerClass, "training", new Random(seed + 1));
        int[] all = Batches.order(testLabels.length, null);
        int[] test = perClass(all, testLabels, numClasses, testPerClass, "test", new Random(seed + 2));
        Arrays.sort(validation);
        return new Selection(train, validation, test);
    }

    /** {@code perClass} images of each class drawn from {@code candidates} (all of them when 0), sorted. */
    private static int[] perClass(int[] candidates, int[] labels, int numClasses, int perClass, String part,
                                  Random random) {
        if (perClass == 0) {
            int[] all = candidates.clone();
            Arrays.sort(all);
            return all;
        }
        List<List<Integer>> byClass = new ArrayList<>();
        for (int k = 0; k < numClasses; k++) {
            byClass.add(new ArrayList<>());
        }
        for (int index : candidates) {
            byClass.get(labels[index]).add(index);
        }
        int[] chosen = new int[numClasses * perClass];
        int at = 0;
        for (int k = 0; k < numClasses; k++) {
            List<Integer> members = byClass.get(k);
            members.sort(null);
            if (members.size() < perClass) {
                throw new IllegalArgumentException("class " + k + " has only " + members.size() + " " + part
                        + " images, fewer than the " + perClass + " per class asked for");
            }
            int[] pick = Batches.order(members.size(), random);
            for (int i = 0; i < perClass; i++) {
                chosen[at++] = members.get(pick[i]);
            }
        }
        Arrays.sort(chosen);
        return chosen;
    }
}
