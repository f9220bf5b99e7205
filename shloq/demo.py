"""`shloq demo`: train a small CNN on scikit-learn's bundled digits, quantize it, report.

Also the digits model and data used by the tests and benchmarks.
"""
from __future__ import annotations

import os
import time

import jax
import jax.numpy as jnp
import numpy as np

BATCH = 64


def digits_data():
    """(x_train, y_train, x_test, y_test): 8x8x1 float32 images in [0, 1], a fixed split."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)[..., None]
    y = digits.target.astype(np.int32)
    order = np.random.default_rng(0).permutation(len(x))
    x, y = x[order], y[order]
    return x[:1400], y[:1400], x[1400:], y[1400:]


def digits_cnn():
    """conv+BN+ReLU, max pool, conv+BN+ReLU with a residual add, average pool, mean, reshape, dense,
    softmax."""
    import flax.linen as nn

    class DigitsCNN(nn.Module):
        @nn.compact
        def __call__(self, x, train: bool = False):
            x = nn.relu(nn.BatchNorm(use_running_average=not train)(nn.Conv(16, (3, 3))(x)))
            x = nn.max_pool(x, (2, 2), strides=(2, 2))
            y = nn.relu(nn.BatchNorm(use_running_average=not train)(nn.Conv(16, (3, 3))(x)))
            x = nn.avg_pool(x + y, (2, 2), strides=(1, 1))
            x = x.mean(axis=1)  # keep the columns: digits need some spatial layout
            return nn.softmax(nn.Dense(10)(x.reshape(x.shape[0], -1)))

    return DigitsCNN()


def train_digits(steps: int = 600, seed: int = 0):
    """Trains the digits CNN with Adam; returns (model, variables)."""
    import optax

    x_train, y_train, _, _ = digits_data()
    model = digits_cnn()
    variables = model.init(jax.random.PRNGKey(seed), x_train[:BATCH])
    optimizer = optax.adam(1e-2)
    params, batch_stats = variables["params"], variables["batch_stats"]
    opt_state = optimizer.init(params)

    @jax.jit
    def step(params, batch_stats, opt_state, x, y):
        def loss_fn(params):
            probs, updates = model.apply({"params": params, "batch_stats": batch_stats}, x, train=True,
                                         mutable=["batch_stats"])
            return nll(probs, y), updates["batch_stats"]

        (loss, batch_stats), grads = jax.value_and_grad(loss_fn, has_aux=True)(params)
        updates, opt_state = optimizer.update(grads, opt_state)
        return optax.apply_updates(params, updates), batch_stats, opt_state, loss

    rng = np.random.default_rng(seed)
    for _ in range(steps):
        idx = rng.choice(len(x_train), BATCH, replace=False)
        params, batch_stats, opt_state, _ = step(params, batch_stats, opt_state, x_train[idx], y_train[idx])
    return model, {"params": params, "batch_stats": batch_stats}


def nll(probs, labels):
    """Mean negative log-likelihood of `labels` under softmax outputs `probs`."""
    return -jnp.log(jnp.clip(probs[jnp.arange(len(labels)), labels], 1e-7)).mean()


def qat_finetune(qat, variables, steps: int = 200, seed: int = 0, learning_rate: float = 1e-3):
    """Fine-tunes `variables["params"]` through `qat.apply` (batch-norm statistics stay frozen, as
    in the exported inference function). Returns (variables, quant stats, losses)."""
    import optax

    x_train, y_train, _, _ = digits_data()
    frozen = {k: v for k, v in variables.items() if k != "params"}
    optimizer = optax.adam(learning_rate)
    params, qstats = variables["params"], qat.init_quant_stats()
    opt_state = optimizer.init(params)

    @jax.jit
    def step(params, qstats, opt_state, x, y):
        def loss_fn(params):
            probs, new_stats = qat.apply({"params": params, **frozen}, qstats, x)
            return nll(probs, y), new_stats

        (loss, qstats), grads = jax.value_and_grad(loss_fn, has_aux=True)(params)
        updates, opt_state = optimizer.update(grads, opt_state)
        return optax.apply_updates(params, updates), qstats, opt_state, loss

    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(steps):
        idx = rng.choice(len(x_train), BATCH, replace=False)
        params, qstats, opt_state, loss = step(params, qstats, opt_state, x_train[idx], y_train[idx])
        losses.append(float(loss))
    return {"params": params, **frozen}, qstats, losses


def batched(x, batch=BATCH):
    """Splits `x` into full batches of `batch` rows (the last one padded by repeating rows)."""
    for start in range(0, len(x), batch):
        chunk = x[start:start + batch]
        if len(chunk) < batch:
            chunk = np.concatenate([chunk, np.repeat(chunk[-1:], batch - len(chunk), axis=0)])
        yield chunk


def predict(fn, x, batch=BATCH):
    """Concatenated outputs of `fn` over full batches of `x`, trimmed to len(x)."""
    return np.concatenate([np.asarray(fn(chunk)) for chunk in batched(x, batch)])[:len(x)]


def main(out_dir: str = ".", qat: bool = False) -> int:
    import shloq
    from shloq import litert

    started = time.perf_counter()
    model, variables = train_digits()
    x_train, _, x_test, y_test = digits_data()
    print(f"trained the digits CNN in {time.perf_counter() - started:.1f}s")

    def apply(variables, x):
        return model.apply(variables, x)

    exported = jax.export.export(jax.jit(apply))(variables, x_test[:BATCH])
    rules = [shloq.QuantizationRule(op_path=".*", weight_qtype="int8", act_qtype="int8")]
    started = time.perf_counter()
    stats = shloq.calibrate(exported, rules, variables, [(b,) for b in batched(x_train[:640])])
    int8 = shloq.convert(exported, rules, variables, stats, strict=True)
    print(f"calibrated on 640 images and converted in {time.perf_counter() - started:.1f}s")
    path = os.path.join(out_dir, "digits_int8.tflite")
    int8.export(path)
    float_size = len(shloq.float_tflite(exported, variables))

    float_acc = (predict(lambda b: apply(variables, b), x_test).argmax(-1) == y_test).mean()
    int8_acc = (predict(int8, x_test).argmax(-1) == y_test).mean()
    print(f"\naccuracy on {len(y_test)} held-out digits: float {100 * float_acc:.2f}%  int8 {100 * int8_acc:.2f}%")
    print(f"size: float .tflite {float_size / 1024:.1f} KiB  int8 .tflite {len(int8.tflite) / 1024:.1f} KiB "
          f"({len(int8.tflite) / float_size:.2f}x)  -> {path}")
    print("\nLiteRT ops (builtin kernels):")
    for op in int8.op_table():
        print(f"  {op['op']:<20} in {','.join(op['inputs']):<22} out {','.join(op['outputs'])}")
    leftover = litert.float_ops(int8.op_table())
    print(f"\nops on float32 tensors besides entry QUANTIZE / exit DEQUANTIZE: {len(leftover)}")
    if qat:
        _qat_demo(exported, rules, variables, x_test, y_test, float_acc, int8_acc, out_dir)
    return 0


def _qat_demo(exported, rules, variables, x_test, y_test, float_acc, ptq_acc, out_dir):
    """Fine-tunes with fake quantization from the float model, converts, compares accuracies."""
    import shloq

    started = time.perf_counter()
    qat = shloq.quantize_for_training(exported, rules)
    tuned, qstats, losses = qat_finetune(qat, variables)
    print(f"\nQAT: 200 steps in {time.perf_counter() - started:.1f}s, loss {losses[0]:.4f} -> {losses[-1]:.4f}")
    model = shloq.convert(exported, rules, tuned, qstats)
    path = os.path.join(out_dir, "digits_qat_int8.tflite")
    model.export(path)
    qat_acc = (predict(model, x_test).argmax(-1) == y_test).mean()
    print(f"accuracy: float {100 * float_acc:.2f}%  PTQ int8 {100 * ptq_acc:.2f}%  QAT int8 {100 * qat_acc:.2f}%  -> {path}")
