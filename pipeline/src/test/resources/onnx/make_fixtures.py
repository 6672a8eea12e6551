"""Writes the ONNX import test fixtures: small networks exported by PyTorch, with inputs and PyTorch's outputs.

Run from this directory with Debian's PyTorch (apt-get install python3-torch python3-onnx):
    /usr/bin/python3 make_fixtures.py
Each network NAME gets NAME.onnx, NAME.input.npy ([4, C, H, W] float32), NAME.output.npy (PyTorch's
outputs in eval mode, float32) and NAME.params.txt (its trainable parameters, as PyTorch counts them). Weights and batch-norm statistics are random but fixed by the seed, so
that a wrong channel order, padding or statistic shows in the outputs.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)


def randomise_batch_norms(model):
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.5, 0.5)


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c)
        self.conv2 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c)

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(y)) + x)


class Residual(nn.Module):
    """A ResNet-like network: residual add, padded max pooling, view(N, -1) into two dense layers."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU())
        self.block = Block(8)
        self.pool = nn.MaxPool2d(3, stride=2, padding=1)
        self.fc1 = nn.Linear(8 * 8 * 8, 16)
        self.drop = nn.Dropout(0.5)
        self.fc2 = nn.Linear(16, 10)

    def forward(self, x):
        y = self.pool(self.block(self.stem(x)))
        y = y.view(y.size(0), -1)
        return self.fc2(self.drop(F.relu(self.fc1(y))))


class Concat(nn.Module):
    """A DenseNet-like network on grey images: concatenation, dilation, average pooling, global pooling."""

    def __init__(self):
        super().__init__()
        self.conv0 = nn.Conv2d(1, 6, 3, padding=1)
        self.conv1 = nn.Conv2d(6, 4, 3, padding=2, dilation=2)
        self.bn = nn.BatchNorm2d(10)
        self.transition = nn.Conv2d(10, 8, 1)
        self.fc = nn.Linear(8, 5)

    def forward(self, x):
        y = self.conv0(x)
        y = torch.cat([y, self.conv1(F.relu(y))], dim=1)
        y = F.avg_pool2d(F.relu(self.bn(y)), 2)
        y = F.adaptive_avg_pool2d(F.relu(self.transition(y)), 1)
        return self.fc(torch.flatten(y, 1))


class Plain(nn.Module):
    """A VGG-like network: strided convolution, a convolution without bias before a batch norm, flatten,
    a dense layer written as MatMul + Add, and a softmax at the end."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.conv2 = nn.Conv2d(8, 12, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(12)
        self.w = nn.Parameter(torch.randn(12 * 5 * 5, 7) * 0.1)
        self.b = nn.Parameter(torch.randn(7) * 0.1)

    def forward(self, x):
        y = F.max_pool2d(F.relu(self.bn2(self.conv2(F.relu(self.conv1(x))))), 2)
        return torch.softmax(torch.flatten(y, 1) @ self.w + self.b, dim=1)


class Grouped(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(4, 4, 3, padding=1, groups=2)
        self.fc = nn.Linear(4 * 6 * 6, 3)

    def forward(self, x):
        return self.fc(torch.flatten(F.relu(self.conv(x)), 1))


class Unsupported(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.fc = nn.Linear(4 * 6 * 6, 3)

    def forward(self, x):
        return self.fc(torch.flatten(torch.sigmoid(self.conv(x)), 1))


def write(name, model, shape, opset, keep_batch_norm):
    model.eval()
    randomise_batch_norms(model)
    x = torch.randn(4, *shape)
    with torch.no_grad():
        y = model(x)
    # PRESERVE keeps batch norms as nodes (an eval-mode export folds them into the convolutions)
    training = torch.onnx.TrainingMode.PRESERVE if keep_batch_norm else torch.onnx.TrainingMode.EVAL
    torch.onnx.export(model, x, name + ".onnx", opset_version=opset, training=training,
                      input_names=["image"], output_names=["scores"],
                      dynamic_axes={"image": {0: "N"}, "scores": {0: "N"}})
    np.save(name + ".input.npy", x.numpy().astype(np.float32))
    np.save(name + ".output.npy", y.numpy().astype(np.float32))
    with open(name + ".params.txt", "w") as f:
        f.write("%d\n" % sum(p.numel() for p in model.parameters()))


write("residual_opset11", Residual(), (3, 16, 16), 11, True)
write("concat_opset13", Concat(), (1, 12, 12), 13, False)
write("plain_opset17", Plain(), (3, 20, 20), 17, True)
write("grouped_conv", Grouped(), (4, 6, 6), 13, False)
write("unsupported_sigmoid", Unsupported(), (3, 6, 6), 13, False)
