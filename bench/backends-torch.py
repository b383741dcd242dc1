"""PyTorch CPU reference for `npm run bench -- backends`: the same MNIST MLP (784-H-H-10) and
small CNN, Adam, the same batch sizes and step counts, on the same machine. Random inputs of
MNIST's shape: the throughput of a dense or convolutional step does not depend on the values.
Prints one JSON line: samples/s for MLP training, CNN inference and CNN training."""
import json
import sys
import time

import torch
from torch import nn

config = json.loads(sys.argv[1])
torch.set_num_threads(int(config["threads"]))
torch.manual_seed(0)


def batches(shape, count):
    return [(torch.rand((shape["batch"],) + count), torch.randint(0, 10, (shape["batch"],))) for _ in range(shape["steps"] + shape["warmupSteps"])]


def train_throughput(model, shape, sample_shape):
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    data = batches(shape, sample_shape)

    def step(x, y):
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss.item()

    for x, y in data[: shape["warmupSteps"]]:
        step(x, y)
    started = time.perf_counter()
    for x, y in data[shape["warmupSteps"]:]:
        step(x, y)
    return shape["batch"] * shape["steps"] / (time.perf_counter() - started)


def predict_throughput(model, shape, sample_shape):
    data = batches(shape, sample_shape)
    with torch.no_grad():
        model(data[0][0])
        started = time.perf_counter()
        for x, _ in data[: shape["steps"]]:
            model(x)
    return shape["batch"] * shape["steps"] / (time.perf_counter() - started)


hidden = config["mlp"]["hidden"]
mlp = nn.Sequential(nn.Linear(784, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, 10))
wide = config.get("wideMlp")
wide_mlp = nn.Sequential(nn.Linear(784, wide["hidden"]), nn.ReLU(), nn.Linear(wide["hidden"], wide["hidden"]), nn.ReLU(), nn.Linear(wide["hidden"], 10)) if wide else None
cnn = nn.Sequential(
    nn.Conv2d(1, 8, 3), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(8, 16, 3), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(16 * 5 * 5, 10),
)
result = {
    "available": True,
    "version": torch.__version__,
    "threads": torch.get_num_threads(),
    "device": f"PyTorch {torch.__version__} CPU, {torch.get_num_threads()} threads",
    "mlpTrainSamplesPerSecond": train_throughput(mlp, config["mlp"], (784,)),
    **({"wideMlpTrainSamplesPerSecond": train_throughput(wide_mlp, wide, (784,))} if wide else {}),
    "cnnPredictSamplesPerSecond": predict_throughput(cnn, config["cnn"], (1, 28, 28)),
    "cnnTrainSamplesPerSecond": train_throughput(cnn, config["cnn"], (1, 28, 28)),
}
print(json.dumps(result))
