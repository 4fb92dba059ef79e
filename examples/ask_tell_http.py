#!/usr/bin/env python3
"""Tune a Python training function with bandster over HTTP (standard library only).

Start the server, then run this script:

    npx bandster serve --data studies            # listens on http://127.0.0.1:8470
    python3 examples/ask_tell_http.py            # creates the study "sgd-python" and tunes it

The script creates a study from a ConfigSpace-JSON space (learning rate, momentum, batch size,
optimizer with momentum only for "momentum"), then loops: ask for a job, train for `budget`
epochs, tell the validation loss. Each job is leased for two minutes; during training the
script sends a heartbeat every 30 seconds, so a long trial keeps its job instead of it being
handed out again to another worker. bandster (BOHB by default) decides which configurations get
more epochs. The study is a normal bandster/hpbandster log directory (studies/sgd-python), so
`npx bandster summary studies/sgd-python` and the dashboard at http://127.0.0.1:8470/ show it.
"""

import argparse
import json
import math
import os
import random
import sys
import time
import urllib.error
import urllib.request

SPACE = {
    "hyperparameters": [
        {"name": "lr", "type": "uniform_float", "log": True, "lower": 1e-4, "upper": 1.0, "default": 0.01},
        {"name": "batch_size", "type": "uniform_int", "log": True, "lower": 4, "upper": 128, "default": 32},
        {"name": "optimizer", "type": "categorical", "choices": ["sgd", "momentum"], "default": "sgd", "probabilities": None},
        {"name": "momentum", "type": "uniform_float", "log": False, "lower": 0.0, "upper": 0.99, "default": 0.9},
    ],
    "conditions": [{"child": "momentum", "parent": "optimizer", "type": "EQ", "value": "momentum"}],
    "forbiddens": [],
    "python_module_version": "0.4.21",
    "json_format_version": 0.2,
}


def make_data(seed=0, n=400, features=5):
    """A noisy linear regression problem: the model to train and its validation split."""
    rng = random.Random(seed)
    weights = [rng.uniform(-2, 2) for _ in range(features)]
    rows = []
    for _ in range(n):
        x = [rng.gauss(0, 1) for _ in range(features)]
        y = sum(w * v for w, v in zip(weights, x)) + rng.gauss(0, 0.1)
        rows.append((x, y))
    return rows[: n * 3 // 4], rows[n * 3 // 4 :]


TRAIN, VALIDATION = make_data()


def train(config, epochs, seed=0, on_epoch=lambda: None):
    """Mini-batch (momentum) SGD on the linear model for `epochs` epochs; returns the validation MSE.

    `on_epoch` is called after each epoch (the script sends its heartbeats from there)."""
    rng = random.Random(seed)
    features = len(TRAIN[0][0])
    weights = [0.0] * features
    velocity = [0.0] * features
    beta = config.get("momentum", 0.0) if config["optimizer"] == "momentum" else 0.0
    batch = int(config["batch_size"])
    for _ in range(int(round(epochs))):
        order = list(range(len(TRAIN)))
        rng.shuffle(order)
        for start in range(0, len(order), batch):
            gradient = [0.0] * features
            chunk = order[start : start + batch]
            for i in chunk:
                x, y = TRAIN[i]
                error = sum(w * v for w, v in zip(weights, x)) - y
                for j in range(features):
                    gradient[j] += 2 * error * x[j] / len(chunk)
            for j in range(features):
                velocity[j] = beta * velocity[j] + gradient[j]
                weights[j] -= config["lr"] * velocity[j]
                if not math.isfinite(weights[j]):
                    return float("nan")  # diverged: bandster records it as a failed run
        on_epoch()
    return sum((sum(w * v for w, v in zip(weights, x)) - y) ** 2 for x, y in VALIDATION) / len(VALIDATION)


class Bandster:
    """The few calls of bandster's HTTP API this example needs."""

    def __init__(self, url, token=None):
        self.url = url.rstrip("/")
        self.token = token

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body, allow_nan=False).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("content-type", "application/json")
        if self.token:
            request.add_header("authorization", "Bearer " + self.token)
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as error:
            return error.code, json.load(error)


def tell_body(job, loss):
    # JSON has no NaN or Infinity: bandster takes them as strings and records a failed run.
    if not math.isfinite(loss):
        loss = "NaN" if math.isnan(loss) else ("Infinity" if loss > 0 else "-Infinity")
    return {"configId": job["configId"], "budget": job["budget"], "loss": loss}


class Heartbeat:
    """Tells the server, at most every `every` seconds, that a job is still being trained."""

    def __init__(self, api, study, job, every):
        self.api, self.study, self.every = api, study, every
        self.ref = {"configId": job["configId"], "budget": job["budget"], "attempt": job["attempt"]}
        self.last = time.monotonic()
        self.sent = 0
        self.lost = False

    def __call__(self):
        if self.lost or time.monotonic() - self.last < self.every:
            return
        self.last = time.monotonic()
        status, answer = self.api.call("POST", f"/api/studies/{self.study}/heartbeat", self.ref)
        if status == 200:
            self.sent += 1
        elif status == 409:
            # The lease ran out before this heartbeat (ERR_LEASE_EXPIRED): the job may be handed
            # out again. Finishing is still worth it: whichever tell comes first counts.
            print(f"job {self.ref['configId']}: {answer['error']['message']}", file=sys.stderr)
            self.lost = True
        else:
            sys.exit(f"heartbeat failed: {answer['error']['message']}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8470")
    parser.add_argument("--study", default="sgd-python")
    parser.add_argument("--optimizer", default="bohb")
    parser.add_argument("--iterations", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--lease-seconds", type=float, default=120, help="how long a job is held without a heartbeat")
    parser.add_argument("--heartbeat-seconds", type=float, default=30, help="at most one heartbeat per this many seconds")
    args = parser.parse_args()
    api = Bandster(args.url, os.environ.get("BANDSTER_TOKEN"))

    status, answer = api.call("POST", "/api/studies", {
        "name": args.study,
        "space": SPACE,
        "optimizer": args.optimizer,
        "minBudget": 1,
        "maxBudget": 9,
        "eta": 3,
        "nIterations": args.iterations,
        "seed": args.seed,
    })
    if status == 409:
        print(f"study {args.study} exists: continuing it", file=sys.stderr)
    elif status != 201:
        sys.exit(f"cannot create the study: {answer['error']['message']}")

    jobs = 0
    heartbeats = 0
    while True:
        status, answer = api.call("POST", f"/api/studies/{args.study}/ask", {"waitMs": 30000, "leaseMs": args.lease_seconds * 1000})
        if status != 200:
            sys.exit(f"ask failed: {answer['error']['message']}")
        if answer["status"] == "finished":
            break
        if answer["status"] == "wait":
            continue  # other workers hold the jobs this rung waits for: ask again
        job = answer["job"]
        heartbeat = Heartbeat(api, args.study, job, args.heartbeat_seconds)
        loss = train(job["config"], job["budget"], on_epoch=heartbeat)
        heartbeats += heartbeat.sent
        status, told = api.call("POST", f"/api/studies/{args.study}/tell", tell_body(job, loss))
        if status not in (200, 409):  # 409: the job was already told (its lease ran out and another worker finished it)
            sys.exit(f"tell failed: {told['error']['message']}")
        jobs += 1

    _, result = api.call("GET", f"/api/studies/{args.study}/incumbent")
    incumbent = result["incumbent"]
    print(json.dumps({"jobs": jobs, "heartbeats": heartbeats, "incumbent": incumbent}))


if __name__ == "__main__":
    main()
