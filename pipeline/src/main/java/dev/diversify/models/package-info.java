/**
 * The five CIFAR architectures of the study (VGG16, ResNet20/56, DenseNet-40-12, DenseNet-BC-40-12) as
 * DL4J computation graphs with meaningful vertex names, scalable by a width multiplier.
 */
package dev.diversify.models;
