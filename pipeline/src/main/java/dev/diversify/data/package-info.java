/**
 * Datasets on any Hadoop path: CIFAR-10/100 binary and IDX readers that validate their files, the
 * training augmentation, normalised minibatches, validation splits and subsets, Spark RDDs whose
 * tasks read their own share, and a generator of synthetic data in the real formats.
 */
package dev.diversify.data;
