#!/usr/bin/python3
"""Runs keraspp and PyTorch on the same models, interleaved, and reports ratios (see bench/README.md).

    bench/run.py [--build build] [--models mlp,cnn,lstm] [--batches 32,128] [--epochs 4] [--rounds 1]

--models also takes cnn_bn (Conv/BatchNormalization/ReLU blocks and Dropout) and gru (GRU(128) in place of the
LSTM), which are not in the default table.
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# Training FLOPs per sample: 3x the forward pass's multiply-adds x 2 (see bench/README.md for the sums).
TRAIN_FLOPS = {"mlp": 0.61e6, "cnn": 15.8e6, "lstm": 13.4e6, "cnn_bn": 15.8e6, "gru": 10.1e6}
N_TRAIN = 60000


def env_for(framework, threads):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    if framework == "pytorch":
        # PyTorch at its best here (shared/reference/cpu-backend.md): OpenBLAS's OpenMP build, its own core detection.
        env["LD_LIBRARY_PATH"] = "/usr/lib/x86_64-linux-gnu/openblas-openmp"
        env.pop("OPENBLAS_CORETYPE", None)
    return env


def run_one(framework, model, batch, seed, args):
    if framework == "keraspp":
        cmd = [os.path.join(args.build, "bench", "keraspp_bench"), "--model", model, "--batch", str(batch),
               "--epochs", str(args.epochs), "--seed", str(seed)]
    else:
        cmd = ["/usr/bin/python3", os.path.join(HERE, "torch_peer.py"), "--model", model, "--batch", str(batch),
               "--epochs", str(args.epochs), "--threads", str(args.threads), "--seed", str(seed)]
    print(f"  {framework:8s} {model:4s} batch {batch:4d} ...", end="", flush=True, file=sys.stderr)
    out = subprocess.run(cmd, env=env_for(framework, args.threads), check=True, capture_output=True, text=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    print(f" {statistics.median(result['epoch_s']):.2f} s/epoch", file=sys.stderr)
    return result


def summarise(runs, model):
    epoch = statistics.median([s for r in runs for s in r["epoch_s"]])
    return {
        "framework": runs[0]["framework"],
        "epoch_s": epoch,
        "epoch_s_all": [s for r in runs for s in r["epoch_s"]],
        "infer_samples_per_s": statistics.median(r["infer_samples_per_s"] for r in runs),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        # Each round starts from another seed, so the mean over rounds is the accuracy of the setup, not of one draw.
        "test_accuracy": statistics.mean(r["test_accuracy"] for r in runs),
        "test_accuracy_all": [r["test_accuracy"] for r in runs],
        "train_gflops": TRAIN_FLOPS[model] * N_TRAIN / epoch / 1e9,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(HERE, "..", "build"))
    ap.add_argument("--models", default="mlp,cnn,lstm")
    ap.add_argument("--batches", default="32,128")
    ap.add_argument("--epochs", type=int, default=4, help="per process; the first is a warm-up and not counted")
    ap.add_argument("--rounds", type=int, default=1, help="processes per framework and configuration")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json", default=os.path.join(HERE, "results.json"))
    args = ap.parse_args()

    peak = json.loads(subprocess.run([os.path.join(args.build, "bench", "keraspp_bench"), "--gemm-peak"],
                                     env=env_for("keraspp", args.threads), check=True, capture_output=True,
                                     text=True).stdout)["gemm_peak_gflops"]
    rows = []
    for model in args.models.split(","):
        for batch in map(int, args.batches.split(",")):
            runs = {"keraspp": [], "pytorch": []}
            for r in range(args.rounds):
                # Alternate who goes first so that neither always runs on the warmer (or noisier) machine.
                order = ["keraspp", "pytorch"] if r % 2 == 0 else ["pytorch", "keraspp"]
                for framework in order:
                    runs[framework].append(run_one(framework, model, batch, 42 + r, args))
            k, p = summarise(runs["keraspp"], model), summarise(runs["pytorch"], model)
            rows.append({
                "model": model, "batch": batch, "keraspp": k, "pytorch": p,
                "ratio": {
                    "epoch_time": k["epoch_s"] / p["epoch_s"],
                    "inference_speed": k["infer_samples_per_s"] / p["infer_samples_per_s"],
                    "peak_memory": k["peak_rss_mb"] / p["peak_rss_mb"],
                },
                "accuracy_points": 100 * (k["test_accuracy"] - p["test_accuracy"]),
            })

    report = {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "machine": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(), "threads": args.threads,
        "epochs_timed_per_process": args.epochs - 1, "rounds": args.rounds,
        "gemm_peak_gflops": peak, "results": rows,
    }
    with open(args.json, "w") as f:
        json.dump(report, f, indent=2)

    print(f"2 threads, SGEMM peak {peak:.0f} GFLOP/s; medians of {args.rounds * (args.epochs - 1)} epochs; "
          f"accuracy: mean over {args.rounds} seed(s) from 42; "
          f"ratios keraspp/PyTorch (epoch time: lower is better; inference: higher is better)\n")
    print("| model | batch | s/epoch keraspp | s/epoch PyTorch | time ratio | infer/s keraspp | infer/s PyTorch | "
          "infer ratio | peak MB keraspp | peak MB PyTorch | acc keraspp | acc PyTorch | GFLOP/s keraspp (% peak) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        k, p = r["keraspp"], r["pytorch"]
        print(f"| {r['model']} | {r['batch']} | {k['epoch_s']:.2f} | {p['epoch_s']:.2f} | "
              f"{r['ratio']['epoch_time']:.2f} | {k['infer_samples_per_s']:.0f} | {p['infer_samples_per_s']:.0f} | "
              f"{r['ratio']['inference_speed']:.2f} | {k['peak_rss_mb']:.0f} | {p['peak_rss_mb']:.0f} | "
              f"{k['test_accuracy']:.4f} | {p['test_accuracy']:.4f} | "
              f"{k['train_gflops']:.1f} ({100 * k['train_gflops'] / peak:.0f}%) |")
    print(f"\nJSON: {args.json}")


if __name__ == "__main__":
    main()
