#!/usr/bin/env python3
"""Trains a small CNN on Fashion-MNIST in PyTorch and exports it as ONNX: the model a user brings to diversify.

The walk-through in docs/BRING-YOUR-OWN-MODEL.md starts here. Needs Debian's PyTorch and ONNX (the Maven build
and tests never do):

    apt-get install python3-torch python3-onnx dataset-fashion-mnist
    /usr/bin/python3 examples/pytorch/train_fashion_mnist.py --out runs/byo

The images are fed as many PyTorch users feed them: padded from 28x28 to 32x32 with zeros, one grey channel,
normalised with the mean and standard deviation of the raw 28x28 training pixels (scaled to [0, 1]). The
network is VGG-like (three stages of two 3x3 convolutions with batch norm and ReLU, max pooling, then two dense
layers) and ends in logits. It is exported with batch norms kept as nodes
(training=torch.onnx.TrainingMode.PRESERVE; an eval-mode export folds them into the convolutions), so that
pruning and retraining see them. Everything is seeded; PyTorch on the CPU is deterministic with one thread
count, so the printed numbers repeat for the same --threads.

Writes OUT/fashion_cnn.onnx and prints the test accuracy, the parameter count and the normalisation.
"""
import argparse
import gzip
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], "big")
    count = int.from_bytes(data[4:8], "big")
    if magic == 0x803:
        rows, cols = int.from_bytes(data[8:12], "big"), int.from_bytes(data[12:16], "big")
        return np.frombuffer(data, np.uint8, offset=16).reshape(count, rows, cols)
    return np.frombuffer(data, np.uint8, offset=8).astype(np.int64)


class FashionCnn(nn.Module):
    def __init__(self, widths=(16, 32, 64), hidden=128, classes=10):
        super().__init__()
        layers, channels = [], 1
        for stage, width in enumerate(widths):
            for _ in range(2):
                layers += [nn.Conv2d(channels, width, 3, padding=1, bias=False), nn.BatchNorm2d(width), nn.ReLU()]
                channels = width
            layers.append(nn.MaxPool2d(2))
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Linear(channels * 4 * 4, hidden), nn.ReLU(), nn.Dropout(0.3),
                                        nn.Linear(hidden, classes))

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--out", default="runs/byo")
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    train_x = idx(os.path.join(args.data, "train-images-idx3-ubyte.gz"))
    train_y = idx(os.path.join(args.data, "train-labels-idx1-ubyte.gz"))
    test_x = idx(os.path.join(args.data, "t10k-images-idx3-ubyte.gz"))
    test_y = idx(os.path.join(args.data, "t10k-labels-idx1-ubyte.gz"))
    raw = train_x.astype(np.float64) / 255
    mean, std = raw.mean(), raw.std()

    def tensor(images):  # pad 28 -> 32 with raw zeros, then normalise
        x = np.pad(images.astype(np.float32) / 255, ((0, 0), (2, 2), (2, 2)))
        return torch.from_numpy((x[:, None] - mean) / std).float()

    train, test = tensor(train_x), tensor(test_x)
    labels, test_labels = torch.from_numpy(train_y), torch.from_numpy(test_y)
    model = FashionCnn()
    optimiser = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=5e-4)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, args.epochs)
    generator = torch.Generator().manual_seed(args.seed)
    for epoch in range(args.epochs):
        model.train()
        start, seen, loss_sum = time.time(), 0, 0.0
        for batch in torch.randperm(len(train), generator=generator).split(args.batch):
            x = train[batch]
            flip = torch.rand(len(batch), generator=generator) < 0.5  # horizontal flips
            x[flip] = x[flip].flip(3)
            loss = F.cross_entropy(model(x), labels[batch])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            seen += len(batch)
            loss_sum += loss.item() * len(batch)
        schedule.step()
        print("epoch %d: loss %.4f, %.0f images/s" % (epoch + 1, loss_sum / seen, seen / (time.time() - start)),
              flush=True)

    model.eval()
    with torch.no_grad():
        predicted = torch.cat([model(x).argmax(1) for x in test.split(500)])
    accuracy = (predicted == test_labels).float().mean().item()
    params = sum(p.numel() for p in model.parameters())
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "fashion_cnn.onnx")
    torch.onnx.export(model, test[:1], path, opset_version=13, training=torch.onnx.TrainingMode.PRESERVE,
                      input_names=["image"], output_names=["logits"],
                      dynamic_axes={"image": {0: "N"}, "logits": {0: "N"}})
    print("test accuracy %.4f (%d of %d), %d parameters" % (accuracy, (predicted == test_labels).sum().item(),
                                                           len(test_labels), params))
    print("normalisation: mean %.6f std %.6f (raw 28x28 training pixels, scaled to [0, 1])" % (mean, std))
    print("wrote " + path)


if __name__ == "__main__":
    main()
