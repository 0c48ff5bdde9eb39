"""Benchmark attention_core's naive and tiled attention against torch SDPA.

Measures float32 attention with 8 heads of width 64 for several sequence
lengths, with and without a causal mask, and prints ratios to
``torch.nn.functional.scaled_dot_product_attention`` measured in the same run.
Torch gets 4-D inputs (1, 8, n, 64), which its fused CPU kernel needs: with
3-D inputs it falls back to an unfused path that is several times slower.

Tiled attention is timed twice. The default call uses 1 worker, whose
matmuls run on every OpenBLAS thread. The second call uses 2 workers with
OpenBLAS limited to 1 thread through threadpoolctl, so it spreads all of its
work over the 2 cores as torch's 2 OpenMP threads do. Then the script
measures the peak extra memory of the naive and the tiled path at n = 8192
with tracemalloc, which numpy reports its allocations to.

Run it from the repository root, with OpenBLAS free to pick its kernel:

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \\
        .venv/bin/python benchmarks/core_bench.py

The output is Markdown for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import torch
from threadpoolctl import threadpool_info, threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from attention_core import (  # noqa: E402
    causal_mask,
    scaled_dot_product_attention,
    tiled_attention,
)
from attention_core import tiled as tiled_module  # noqa: E402

N_HEADS = 8
D_K = 64
SEQ_LENS = (256, 512, 1024, 2048, 4096)
MEMORY_SEQ_LEN = 8192
GOAL_RATIO = 2.0
GOAL_MEMORY_FRACTION = 1 / 16
MIB = 2**20


def describe_blas() -> list[str]:
    """Return lines naming each thread pool: library, kernel and threads."""
    lines = []
    for pool in threadpool_info():
        lines.append(
            f"{pool['user_api']} pool: {pool['internal_api']} "
            f"{pool.get('version') or ''}, kernel {pool.get('architecture') or '-'}, "
            f"{pool['num_threads']} threads, {Path(pool['filepath']).name}"
        )
    return lines


def best_time(function, repeats: int, min_seconds: float = 0.25) -> float:
    """Return the fastest wall-clock timing of ``function``, after a warm-up.

    Calls it ``repeats`` times, and more until ``min_seconds`` have passed, so
    that a short call gets enough samples to find a quiet moment.
    """
    function()
    timings = []
    started = time.perf_counter()
    while len(timings) < repeats or time.perf_counter() - started < min_seconds:
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    return min(timings)


def time_one_size(
    seq_len: int, causal: bool, repeats: int, rounds: int
) -> dict[str, float]:
    """Time torch, naive and tiled attention on the same random inputs.

    Each round times every implementation in its own block, after a pause,
    so that the spinning threads of one library do not slow the next one
    down. The result is the fastest time over all rounds, which spreads each
    implementation's samples over the run when other processes load the
    machine.
    """
    rng = np.random.default_rng(seq_len)
    shape = (N_HEADS, seq_len, D_K)
    q, k, v = (rng.standard_normal(shape, dtype=np.float32) for _ in range(3))
    tq, tk, tv = (torch.from_numpy(a[None]) for a in (q, k, v))  # (1, 8, n, 64)
    mask = causal_mask(seq_len) if causal else None

    def run_torch():
        with torch.no_grad():
            torch.nn.functional.scaled_dot_product_attention(
                tq, tk, tv, is_causal=causal
            )

    def run_naive():
        scaled_dot_product_attention(q, k, v, mask=mask)

    def run_tiled():
        tiled_attention(q, k, v, causal=causal)

    def run_tiled_2_workers():
        tiled_attention(q, k, v, causal=causal, n_workers=2)

    cases = {
        "torch": run_torch,
        "naive": run_naive,
        "tiled": run_tiled,
        "tiled_2": run_tiled_2_workers,
    }
    timings = dict.fromkeys(cases, float("inf"))
    for _ in range(rounds):
        for name, function in cases.items():
            gc.collect()
            time.sleep(0.3)
            # The 2 workers run with a 1-thread BLAS, set outside the timing.
            blas_threads = 1 if name == "tiled_2" else None
            with threadpool_limits(limits=blas_threads, user_api="blas"):
                timings[name] = min(timings[name], best_time(function, repeats))
    return timings


def peak_extra_bytes(function) -> int:
    """Return the peak bytes numpy allocates during ``function`` minus its output.

    The output is needed either way, so it does not count as extra memory.
    """
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    result = function()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak - result[0].nbytes


def print_setup() -> None:
    print(
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"{platform.platform()}"
    )
    print(
        f"- python {platform.python_version()}, numpy {np.__version__}, "
        f"torch {torch.__version__}"
    )
    for line in describe_blas():
        print(f"- {line}")
    print(
        f"- torch threads: {torch.get_num_threads()}; numpy runs element-wise "
        "loops on the calling thread and matmuls on the OpenBLAS threads"
    )
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OMP_NUM_THREADS"):
        print(f"- {name}={os.environ.get(name, '(unset)')}")
    print(f"- load average (1 min) before the run: {os.getloadavg()[0]:.2f}")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--repeats", type=int, default=3, help="timed calls per case and round"
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds per case")
    parser.add_argument(
        "--seq-lens",
        type=int,
        nargs="+",
        default=list(SEQ_LENS),
        help="sequence lengths to time",
    )
    args = parser.parse_args()
    print_setup()

    # 1) Speed against torch, as ratios (ours / torch; below 1 is faster).
    print(
        f"float32, {N_HEADS} heads, d_k = {D_K}; fastest call of {args.rounds} "
        f"rounds of at least {args.repeats} calls and 0.25 s each"
    )
    print()
    print(
        "| n | mask | torch (ms) | naive / torch | tiled / torch "
        "| tiled, 2 workers / torch |"
    )
    print("|---:|---|---:|---:|---:|---:|")
    worst = {"tiled": [0.0, 0.0], "tiled_2": [0.0, 0.0]}
    for seq_len in args.seq_lens:
        for causal in (False, True):
            t = time_one_size(seq_len, causal, args.repeats, args.rounds)
            ratios = {name: t[name] / t["torch"] for name in ("naive", *worst)}
            for name in worst:
                worst[name][causal] = max(worst[name][causal], ratios[name])
            print(
                f"| {seq_len} | {'causal' if causal else 'none'} "
                f"| {t['torch'] * 1e3:.1f} | {ratios['naive']:.2f} "
                f"| {ratios['tiled']:.2f} | {ratios['tiled_2']:.2f} |",
                flush=True,
            )
    print()

    # 2) Peak extra memory at n = 8192, against one n x n float32 matrix.
    n = MEMORY_SEQ_LEN
    rng = np.random.default_rng(0)
    shape = (N_HEADS, n, D_K)
    q, k, v = (rng.standard_normal(shape, dtype=np.float32) for _ in range(3))
    naive = peak_extra_bytes(lambda: scaled_dot_product_attention(q, k, v))
    # Drop the work buffers that tiled_attention keeps between calls, so that
    # their allocation counts here.
    tiled_module._thread_buffers.arrays = {}
    tiled = peak_extra_bytes(lambda: tiled_attention(q, k, v))
    one_matrix = n * n * np.dtype(np.float32).itemsize
    print(f"Peak extra memory at n = {n}, {N_HEADS} heads (tracemalloc, output")
    print("excluded):")
    print()
    print(f"- naive: {naive / MIB:.1f} MiB")
    print(f"- tiled: {tiled / MIB:.1f} MiB")
    print(
        f"- one n x n float32 matrix: {one_matrix / MIB:.1f} MiB; "
        f"tiled = 1/{one_matrix / tiled:.0f} of it, 1/{naive / tiled:.0f} of naive"
    )
    print()

    print(f"- load average (1 min) after the run: {os.getloadavg()[0]:.2f}")
    print()

    # 3) Goals.
    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    for name, label in (("tiled", "1 worker"), ("tiled_2", "2 workers")):
        for causal, baseline in ((False, "torch"), (True, "torch is_causal")):
            ratio = worst[name][causal]
            print(
                f"- {'causal' if causal else 'no mask'}, tiled ({label}) <= "
                f"{GOAL_RATIO}x {baseline} at every n: worst {ratio:.2f}x, "
                f"{verdict(ratio <= GOAL_RATIO)}"
            )
    print(
        "- tiled extra memory <= 1/16 of one n x n matrix: "
        f"{verdict(tiled <= GOAL_MEMORY_FRACTION * one_matrix)}"
    )


if __name__ == "__main__":
    main()
