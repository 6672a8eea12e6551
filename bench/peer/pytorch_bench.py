#!/usr/bin/env python3
"""PyTorch peer of `diversify bench --what train|infer`: the same five networks, timed the same way.

It answers "is DL4J slow here, or is this just what 2 CPU cores do?" by timing PyTorch on the same
networks (VGG16, ResNet20, ResNet56, DenseNet-40-12, DenseNet-BC-40-12), batch, threads, optimizer
and input as the Java bench, and printing the same JSON fields so the two outputs join by model.

Install (optional; the Maven build and tests never need it):

    apt-get install python3-torch        # Debian bookworm ships PyTorch 1.13

Debian's package installs for the system interpreter, /usr/bin/python3; where `python3` is another
interpreter (pyenv, a virtualenv), run the script with /usr/bin/python3.

Compare with the Java side (same machine, nothing else running):

    deploy/diversify bench --what train --model all --json > java.json
    python3 bench/peer/pytorch_bench.py --what train --model all --json > torch.json
    python3 bench/peer/pytorch_bench.py --compare java.json torch.json

(--what infer or all likewise). `--what layers` profiles training steps with torch.profiler and prints the
self CPU time of the aten operators by kind (convolution, batch norm, ReLU, ...), the peer of
`deploy/diversify bench --what layers`. --compare needs no PyTorch; it prints a Markdown table of model,
mode, Java images/s, PyTorch images/s and the ratio Java / PyTorch (below 1: DL4J is slower), and
warns where the two rows differ in batch or width.

The thin networks the pipeline trains: add `--width 0.25 --batch 128` (the Java bench then needs the
same width; its train and infer rows carry no width and are taken as width 1).

What is mirrored (pipeline/.../models and .../bench, jobs/.../BenchCommand.java):
  * networks: conv without bias + batch norm, "same" padding, width multiplier max(1, round(c * w))
    with Java's Math.round (half up); the trainable-parameter count is checked against the Java
    networks' at width 1, and the script exits 1 when it differs;
  * input: uniform [0, 1) images 3x32x32 (seed 7), one-hot labels of class i % 10, one batch reused;
  * training step: forward, softmax cross-entropy, backward, SGD with Nesterov momentum 0.9,
    learning rate 0.1, L2 weight decay 5e-4 on conv and dense weights (DL4J applies .l2() to
    weights only, not to biases or batch-norm parameters), in train mode;
  * inference: eval mode, no gradient, softmax output (DL4J's outputSingle(false, x));
  * threads: --threads intra-op threads (default 2) and 1 inter-op thread; the Java bench gives its
    oneDNN one OpenMP thread per core (2 here) unless OMP_NUM_THREADS says otherwise, so set
    OMP_NUM_THREADS on the Java side to compare at another count;
  * timing: warm-up of at least 2 runs and 20 s (--warmup, --warmup-seconds), then 5 measured repetitions;
    images/s = batch / median seconds, with the slowest and fastest repetition; train first, then inference
    on the same network.
"""

import argparse
import ctypes
import json
import math
import os
import platform
import statistics
import sys
import time

MODELS = ("vgg16", "resnet20", "resnet56", "densenet-40-12", "densenet-bc-40-12")

# Trainable parameters (BN gamma and beta count, running statistics do not) of the Java networks at
# width 1 with 10 classes: the self-check that this script times the same network.
EXPECTED_PARAMETERS = {
    "vgg16": 14_986_698,
    "resnet20": 272_474,
    "resnet56": 855_770,
    "densenet-40-12": 1_019_722,
    "densenet-bc-40-12": 176_122,
}

# Models.DEFAULT_LEARNING_RATE, DEFAULT_MOMENTUM, DEFAULT_WEIGHT_DECAY (the optimiser of Models.build).
LEARNING_RATE = 0.1
MOMENTUM = 0.9
WEIGHT_DECAY = 5e-4
CLASSES = 10
CHANNELS, SIZE = 3, 32          # ModelSpec.CIFAR_CHANNELS, CIFAR_SIZE
WEIGHT_SEED = 12345             # ModelSpec.DEFAULT_SEED
DATA_SEED = 7                   # Throughput.batch seeds ND4J's generator with 7
WARMUP = 2                      # BenchCommand's Timing.Warmup: at least 2 runs ...
WARMUP_SECONDS = 20.0           # ... and --warmup-seconds, 20 by default
REPETITIONS = 5                 # BenchCommand --repetitions default


def scaled(channels, width):
    """ModelSpec.scaled: max(1, Math.round(channels * width)); Math.round rounds half up, not to even."""
    return max(1, int(math.floor(channels * width + 0.5)))


def build(name, width, classes=CLASSES):
    """The PyTorch twin of Architecture `name` (see the Java classes named below)."""
    # Imported here so that --compare and --help run without PyTorch.
    import torch
    from torch import nn

    def conv(c_in, c_out, kernel, stride=1):
        # GraphBlocks.conv: no bias, "same" padding. With stride 2 on an even input DL4J pads the extra
        # row and column at the bottom/right only; padding k // 2 on both sides gives the same output
        # size and the same arithmetic, shifted by one pixel.
        return nn.Conv2d(c_in, c_out, kernel, stride=stride, padding=kernel // 2, bias=False)

    def relu():
        # In place as torchvision writes it: the same function, one buffer fewer.
        return nn.ReLU(inplace=True)

    def head(c_in):
        # GraphBlocks.globalAvgPool + classifier (dense softmax output; the softmax is in the loss).
        return [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c_in, classes)]

    class Vgg16(nn.Module):
        """Vgg16.java: 13 x (conv3x3-BN-ReLU) in 5 blocks each closed by 2x2 max pooling, dense 512 + ReLU,
        classifier; no dropout."""
        BLOCK_WIDTHS = ((64, 64), (128, 128), (256, 256, 256), (512, 512, 512), (512, 512, 512))

        def __init__(self):
            super().__init__()
            layers, c_in = [], CHANNELS
            for block in self.BLOCK_WIDTHS:
                for c in block:
                    c_out = scaled(c, width)
                    layers += [conv(c_in, c_out, 3), nn.BatchNorm2d(c_out), relu()]
                    c_in = c_out
                layers.append(nn.MaxPool2d(2, 2))
            dense = scaled(512, width)
            # Five poolings take 32x32 to 1x1, so the flattened features are the last block's channels.
            self.net = nn.Sequential(*layers, nn.Flatten(), nn.Linear(c_in, dense), relu(),
                                     nn.Linear(dense, classes))

        def forward(self, x):
            return self.net(x)

    class BasicBlock(nn.Module):
        """ResNet.basicBlock: conv-BN-ReLU, conv-BN, plus the shortcut (1x1 conv + BN where the stage
        starts with stride 2, identity otherwise), then ReLU."""

        def __init__(self, c_in, c_out, downsample):
            super().__init__()
            stride = 2 if downsample else 1
            self.body = nn.Sequential(conv(c_in, c_out, 3, stride), nn.BatchNorm2d(c_out), relu(),
                                      conv(c_out, c_out, 3), nn.BatchNorm2d(c_out))
            self.shortcut = (nn.Sequential(conv(c_in, c_out, 1, stride), nn.BatchNorm2d(c_out))
                             if downsample else nn.Identity())
            self.out = relu()

        def forward(self, x):
            return self.out(self.body(x) + self.shortcut(x))

    class ResNet(nn.Module):
        """ResNet.java: 3x3 stem of 16 (conv-BN-ReLU), stages of 16, 32, 64 channels, GAP, classifier."""

        def __init__(self, blocks_per_stage):
            super().__init__()
            c_in = scaled(16, width)
            layers = [conv(CHANNELS, c_in, 3), nn.BatchNorm2d(c_in), relu()]
            for s, stage_width in enumerate((16, 32, 64)):
                for b in range(blocks_per_stage):
                    c_out = scaled(stage_width, width)
                    layers.append(BasicBlock(c_in, c_out, downsample=s > 0 and b == 0))
                    c_in = c_out
            self.net = nn.Sequential(*layers, *head(c_in))

        def forward(self, x):
            return self.net(x)

    def bn_relu_conv(c_in, c_out, kernel):
        return [nn.BatchNorm2d(c_in), relu(), conv(c_in, c_out, kernel)]

    class DenseLayer(nn.Module):
        """DenseNet.bnReluConv / bottleneckLayer, its new maps concatenated after its input (MergeVertex)."""

        def __init__(self, c_in, growth, bottleneck):
            super().__init__()
            if bottleneck is None:
                body = bn_relu_conv(c_in, growth, 3)
            else:
                body = bn_relu_conv(c_in, bottleneck, 1) + bn_relu_conv(bottleneck, growth, 3)
            self.body = nn.Sequential(*body)

        def forward(self, x):
            return torch.cat((x, self.body(x)), 1)

    class DenseNet(nn.Module):
        """DenseNet.java: 3x3 stem conv (no BN after it: every layer starts with BN-ReLU), 3 dense blocks,
        transitions BN-ReLU-conv1x1 + 2x2 average pooling, then BN-ReLU, GAP, classifier."""

        def __init__(self, bottleneck_compressed):
            super().__init__()
            growth = scaled(12, width)
            layers_per_block = 6 if bottleneck_compressed else 12
            # The bottleneck is scaled(4 * 12), not 4 * scaled(12): the two differ at some widths.
            bottleneck = scaled(48, width) if bottleneck_compressed else None
            channels = scaled(24 if bottleneck_compressed else 16, width)
            layers = [conv(CHANNELS, channels, 3)]
            for b in range(3):
                for _ in range(layers_per_block):
                    layers.append(DenseLayer(channels, growth, bottleneck))
                    channels += growth
                if b < 2:
                    # Compression 0.5 with Java's integer division.
                    c_out = max(1, channels // 2) if bottleneck_compressed else channels
                    layers += bn_relu_conv(channels, c_out, 1) + [nn.AvgPool2d(2, 2)]
                    channels = c_out
            self.net = nn.Sequential(*layers, nn.BatchNorm2d(channels), relu(), *head(channels))

        def forward(self, x):
            return self.net(x)

    factories = {
        "vgg16": Vgg16,
        "resnet20": lambda: ResNet(3),
        "resnet56": lambda: ResNet(9),
        "densenet-40-12": lambda: DenseNet(False),
        "densenet-bc-40-12": lambda: DenseNet(True),
    }
    torch.manual_seed(WEIGHT_SEED)
    model = factories[name]()
    for m in model.modules():
        # WeightInit.RELU: He normal, N(0, 2 / fan_in); biases 0; BN gamma 1, beta 0 (PyTorch's default).
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu")
            if m.bias is not None:
                nn.init.zeros_(m.bias)
    return model


def trainable_parameters(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def optimizer_for(model):
    """Nesterovs(0.1, 0.9) with .l2(5e-4): DL4J adds l2 * w to the gradient of weights only before the
    updater, as SGD's weight_decay does; biases and batch-norm parameters are not regularised."""
    import torch
    from torch import nn
    decayed, plain = [], []
    for m in model.modules():
        for param_name, p in m.named_parameters(recurse=False):
            weight = isinstance(m, (nn.Conv2d, nn.Linear)) and param_name == "weight"
            (decayed if weight else plain).append(p)
    return torch.optim.SGD([{"params": decayed, "weight_decay": WEIGHT_DECAY},
                            {"params": plain, "weight_decay": 0.0}],
                           lr=LEARNING_RATE, momentum=MOMENTUM, nesterov=True)


def measure(task, warmup, repetitions, warmup_seconds):
    """Timing.measure: at least `warmup` runs and `warmup_seconds` of wall time unmeasured, then the median, min
    and max of the measured ones, in ms (the median of an even count is the mean of the middle two, as in Java)."""
    until = time.perf_counter() + warmup_seconds
    done = 0
    while done < warmup or time.perf_counter() < until:
        task()
        done += 1
    ms = []
    for _ in range(repetitions):
        start = time.perf_counter_ns()
        task()
        ms.append((time.perf_counter_ns() - start) / 1e6)
    return statistics.median(ms), min(ms), max(ms)


def result(mode, name, batch, width, threads, parameters, timing, warmup_seconds, repetitions):
    """A row with the field names of BenchCommand.report (benchmark, model, batch, imagesPerSecond,
    slowest, fastest, warmupSeconds, repetitions); the fields after them are this script's own."""
    median_ms, min_ms, max_ms = timing
    return {
        "benchmark": mode,
        "model": name,
        "batch": batch,
        "imagesPerSecond": batch / (median_ms / 1000),
        "slowest": batch / (max_ms / 1000),
        "fastest": batch / (min_ms / 1000),
        "warmupSeconds": warmup_seconds,
        "repetitions": repetitions,
        "width": width,
        "threads": threads,
        "parameters": parameters,
        "medianMs": median_ms,
    }


# Operator kinds, by the first pattern found in an aten operator's name, matched in this order.
OPERATOR_KINDS = (
    ("convolution", ("conv",)),
    ("batch norm", ("batch_norm",)),
    ("relu", ("relu", "threshold_backward")),
    ("concatenation", ("cat",)),
    ("pooling", ("pool",)),
    ("dense", ("addmm", "aten::mm", "linear")),
    ("addition", ("aten::add",)),
)


def layer_shares(name, batch, train_step, warmup, repeats):
    """Self CPU time of a training step's aten operators, summed by kind, with each kind's share of the total
    (over `repeats` profiled steps after `warmup`); what no kind matches (the optimiser, the loss, copies) is
    "other". The addition row holds the residual additions and the optimiser's and autograd's own adds."""
    import torch
    for _ in range(warmup):
        train_step()
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as profile:
        for _ in range(repeats):
            train_step()
    totals = {}
    for event in profile.key_averages():
        if not event.key.startswith("aten::"):
            continue
        kind = next((k for k, patterns in OPERATOR_KINDS if any(p in event.key for p in patterns)), "other")
        totals[kind] = totals.get(kind, 0.0) + event.self_cpu_time_total / 1000 / repeats
    total = sum(totals.values())
    lines = [f"{name}, batch {batch}: a step's aten operators take {total:.1f} ms of self CPU time "
             f"(all threads), shared as follows:", f"{'kind':<22} {'ms':>10} {'share':>7}"]
    for kind, ms in sorted(totals.items(), key=lambda kv: -kv[1]):
        lines.append(f"{kind:<22} {ms:>10.1f} {100 * ms / total:>6.1f}%")
    return lines


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def keep_freed_memory():
    """Makes glibc's malloc keep freed memory for reuse, as an allocator such as jemalloc or tcmalloc does:
    heap blocks up to 32 MiB (M_MMAP_THRESHOLD; glibc's most) and up to 1 GiB of free heap kept
    (M_TRIM_THRESHOLD). Why: by default every step maps fresh pages for its activations and gives them
    back; where page faults are dear (the VM of 2026-12-06) that made ResNet20's inference 3x slower, 80
    against 26 ms a step (docs/PERFORMANCE.md, "The peer's allocator"). The Java side allocates from ND4J
    workspaces, which keep their memory. Returns what malloc does now: "keeps freed memory", "as the system
    set it" (no glibc mallopt here) or "mallopt refused" (glibc refused a setting)."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError, TypeError):
        return "as the system set it"
    m_trim_threshold, m_mmap_threshold = -1, -3
    # the mmap threshold first: a trim threshold alone would also fix glibc's adaptive mmap threshold at 128 KiB
    if not mallopt(m_mmap_threshold, 32 << 20) or not mallopt(m_trim_threshold, 1 << 30):
        return "mallopt refused"
    return "keeps freed memory"


def run(args):
    malloc = "as the system set it" if args.system_malloc else keep_freed_memory()
    try:
        import torch
    except ImportError:
        print(f"error: {sys.executable} has no PyTorch: apt-get install python3-torch, then run this "
              "script with /usr/bin/python3", file=sys.stderr)
        return 2

    # Before any parallel work: set_num_interop_threads fails once the pool has started.
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    # With --json, stdout carries only the JSON (as `bench --json` does); the rest goes to stderr.
    say = (lambda line: print(line, file=sys.stderr, flush=True)) if args.json else \
        (lambda line: print(line, flush=True))
    say(f"hardware: {os.cpu_count()} cores visible, {cpu_model()}, {platform.machine()}; "
        f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', '(unset)')}; malloc {malloc}")
    say(f"pytorch {torch.__version__} (oneDNN {'on' if torch.backends.mkldnn.is_available() else 'off'}), "
        f"threads {torch.get_num_threads()} intra-op, {torch.get_num_interop_threads()} inter-op")
    say(f"batch {args.batch}, width {args.width}, input {CHANNELS}x{SIZE}x{SIZE}, {CLASSES} classes, "
        f"warm-up {args.warmup} runs and {args.warmup_seconds:g} s, repetitions {args.repeats}; SGD lr "
        f"{LEARNING_RATE}, Nesterov momentum {MOMENTUM}, weight decay {WEIGHT_DECAY}")

    # Throughput.batch: one random minibatch, reused by every model and run.
    generator = torch.Generator().manual_seed(DATA_SEED)
    images = torch.rand(args.batch, CHANNELS, SIZE, SIZE, generator=generator)
    labels = torch.arange(args.batch) % CLASSES
    loss_function = torch.nn.CrossEntropyLoss()

    names = MODELS if args.model == "all" else (args.model,)
    rows = []
    say(f"\n{'model':<18} {'mode':<6} {'images/s':>10} {'(slowest-fastest)':>21} {'parameters':>12}")
    for name in names:
        model = build(name, args.width)
        parameters = trainable_parameters(model)
        if args.width == 1.0 and parameters != EXPECTED_PARAMETERS[name]:
            print(f"error: {name} has {parameters:,} trainable parameters, the Java network "
                  f"{EXPECTED_PARAMETERS[name]:,}: not the same network", file=sys.stderr)
            return 1
        optimizer = optimizer_for(model)

        def train_step():
            optimizer.zero_grad(set_to_none=True)
            loss_function(model(images), labels).backward()
            optimizer.step()

        def infer():
            with torch.no_grad():
                return torch.softmax(model(images), dim=1)

        if args.what == "layers":
            model.train()
            say("")
            for line in layer_shares(name, args.batch, train_step, args.warmup, args.repeats):
                say(line)
            continue
        # As in BenchCommand.throughput: training first, then inference of the same network.
        modes = []
        if args.what != "infer":
            model.train()
            modes.append(("train", measure(train_step, args.warmup, args.repeats, args.warmup_seconds)))
        if args.what != "train":
            model.eval()
            modes.append(("infer", measure(infer, args.warmup, args.repeats, args.warmup_seconds)))
        for mode, timing in modes:
            row = result(mode, name, args.batch, args.width, args.threads, parameters, timing, args.warmup_seconds,
                         args.repeats)
            row["malloc"] = malloc  # this script's own field: how the timed process allocated
            rows.append(row)
            say(f"{name:<18} {mode:<6} {row['imagesPerSecond']:>10.1f} {row['slowest']:>10.1f}-"
                f"{row['fastest']:<10.1f} {parameters:>12,}")
    if args.json:
        print(json.dumps(rows, indent=2))
    return 0


def load_rows(path):
    """The train/infer rows of a `bench --json` output; tolerates log lines printed before the JSON."""
    with open(path) as f:
        text = f.read()
    data = None
    decoder = json.JSONDecoder()
    offset = 0
    # The array starts on the first line that opens with "[" and parses (Jackson prints "[ {" first).
    for line in text.splitlines(keepends=True):
        if line.lstrip().startswith("["):
            try:
                data, _ = decoder.raw_decode(text[offset:].lstrip())
                break
            except ValueError:
                pass
        offset += len(line)
    if not isinstance(data, list):
        raise SystemExit(f"error: {path} holds no JSON array")
    return {(r["benchmark"], r["model"]): r for r in data
            if isinstance(r, dict) and r.get("benchmark") in ("train", "infer")}


def compare(java_path, torch_path):
    java, peer = load_rows(java_path), load_rows(torch_path)
    keys = [k for k in java if k in peer]
    if not keys:
        print(f"error: no model and mode in both {java_path} and {torch_path}", file=sys.stderr)
        return 1
    print("| model | mode | batch | Java images/s | PyTorch images/s | Java / PyTorch |")
    print("|---|---|---|---|---|---|")
    notes = []
    for mode, model in sorted(keys, key=lambda k: (k[0] != "train", MODELS.index(k[1])
                                                   if k[1] in MODELS else len(MODELS))):
        j, p = java[(mode, model)], peer[(mode, model)]
        # The Java rows carry no width when the bench ran at width 1.
        if j.get("batch") != p.get("batch") or float(j.get("width", 1.0)) != float(p.get("width", 1.0)):
            notes.append(f"{model} {mode}: Java batch {j.get('batch')} width {j.get('width', 1.0)}, "
                         f"PyTorch batch {p.get('batch')} width {p.get('width', 1.0)}: not comparable")
        # Rows written before 2026-12-06 carry no warm-up: 2 runs only, which timed the JVM while it compiled.
        if j.get("warmupSeconds") != p.get("warmupSeconds"):
            warmup = {side: f"{r['warmupSeconds']:g} s" if "warmupSeconds" in r else "not recorded (2 runs)"
                      for side, r in (("Java", j), ("PyTorch", p))}
            notes.append(f"{model} {mode}: warm-up {warmup['Java']} in Java, {warmup['PyTorch']} in PyTorch: "
                         f"not measured alike")
        print(f"| {model} | {mode} | {p.get('batch')} | {j['imagesPerSecond']:.1f} | "
              f"{p['imagesPerSecond']:.1f} | {j['imagesPerSecond'] / p['imagesPerSecond']:.2f} |")
    for note in notes:
        print(f"\nwarning: {note}")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Times the five networks in PyTorch as `diversify bench --what train|infer` does in DL4J.")
    parser.add_argument("--what", choices=("train", "infer", "all", "layers"), default="all",
                        help="training steps, inference, or both (default: all); layers: where a training "
                             "step's time goes, by operator kind (torch.profiler), the peer of "
                             "`bench --what layers`")
    parser.add_argument("--model", choices=MODELS + ("all",), default="all", metavar="NAME",
                        help=f"one of {', '.join(MODELS)}, or all (default: all)")
    parser.add_argument("--batch", type=int, default=64, help="the minibatch size (default: 64)")
    parser.add_argument("--width", type=float, default=1.0,
                        help="the width multiplier (default: 1.0; the parameter check runs at 1.0 only)")
    parser.add_argument("--threads", type=int, default=2, help="intra-op threads (default: 2)")
    parser.add_argument("--repeats", "--repetitions", type=int, default=REPETITIONS,
                        help=f"measured runs (default: {REPETITIONS})")
    parser.add_argument("--warmup", type=int, default=WARMUP, help=f"unmeasured runs first (default: {WARMUP})")
    parser.add_argument("--warmup-seconds", type=float, default=WARMUP_SECONDS,
                        help=f"and unmeasured runs for at least this many seconds (default: {WARMUP_SECONDS:g})")
    parser.add_argument("--system-malloc", action="store_true",
                        help="leave glibc's malloc as it is (by default it keeps freed memory for reuse, as "
                             "jemalloc or tcmalloc would; see keep_freed_memory)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON on stdout")
    parser.add_argument("--compare", nargs=2, metavar=("JAVA.json", "TORCH.json"),
                        help="print a Markdown table of two --json outputs and exit (needs no PyTorch)")
    args = parser.parse_args(argv)
    if args.compare:
        return compare(*args.compare)
    if args.batch < 1 or args.threads < 1 or args.repeats < 1 or args.warmup < 0 \
            or not (args.width > 0) or math.isinf(args.width) \
            or not (args.warmup_seconds >= 0) or math.isinf(args.warmup_seconds):
        parser.error("--batch, --threads and --repeats must be at least 1, --warmup and --warmup-seconds at "
                     "least 0, --width a positive number")
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
