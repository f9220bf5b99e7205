"""Regression tests for the bugs the fuzzer found (tests/fuzz_models.py), each a minimised form of
a script in scripts/fuzz_repros/fixed/ or of the scripts/fuzz.sh seed it names: the model converts
in strict mode to a full-integer .tflite whose LiteRT output agrees with `emulate` (and is close
to float), or is refused with a message naming the op."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import shloq
from shloq import litert

RULES = [shloq.QuantizationRule()]


def _convert(f, params, batches, **kwargs):
    exported = jax.export.export(jax.jit(f))(params, *batches[0])
    stats = shloq.calibrate(exported, RULES, params, batches, progress=False)
    return shloq.convert(exported, RULES, params, stats, strict=True, **kwargs)


def _steps_apart(model, x):
    """Per output: the largest LiteRT-vs-emulate difference, in output steps (in units of 1e-6 for a
    float output, which only a constant is in strict mode)."""
    got, emulated = jax.tree_util.tree_leaves(model(x)), jax.tree_util.tree_leaves(model.emulate(x))
    return [float(np.max(np.abs(np.asarray(g, np.float64) - np.asarray(e, np.float64))) / (step or 1e-6))
            for g, e, step in zip(got, emulated, model.output_steps)]


def _normal(shape, count=3, seed=0):
    rng = np.random.default_rng(seed)
    return [(rng.normal(size=shape).astype(np.float32),) for _ in range(count)]


W = np.random.default_rng(1).normal(size=(4, 3)).astype(np.float32)


def test_a_second_dense_with_its_own_batch_norm_is_folded():
    """two_dense_with_affine_second_stays_float.py (fuzz seeds 141, 188, 266): folding the first
    dense's scale and shift hid the second dense's input from shloq-fold-affine."""
    rng = np.random.default_rng(0)
    params = {f"{k}{i}": v for i in (1, 2) for k, v in (
        ("w", rng.normal(size=(7 if i == 1 else 5, 5)).astype(np.float32)),
        ("g", rng.uniform(0.5, 1.5, 5).astype(np.float32)), ("b", (rng.normal(size=5) * 0.1).astype(np.float32)))}

    def f(p, x):
        h = (x @ p["w1"]) * p["g1"] + p["b1"]
        return (h @ p["w2"]) * p["g2"] + p["b2"]

    model = _convert(f, params, _normal((4, 7)))
    assert [op["op"] for op in model.op_table()] == ["QUANTIZE", "FULLY_CONNECTED", "FULLY_CONNECTED", "DEQUANTIZE"]


@pytest.mark.parametrize("w, gamma", [(np.zeros((3, 3), np.float32), np.ones(3, np.float32)),
                                      (W[:3], np.zeros(3, np.float32))], ids=["zero-kernel", "zero-gamma"])
def test_all_zero_weights_leave_the_bias(w, gamma):
    """zero_weights_lose_bias.py (fuzz seed 210): the int32 bias was quantized with the arbitrary
    scale of all-zero weights (also what a batch-norm with zero gamma folds to), in LiteRT and
    emulate alike: 15 output steps off."""
    params = {"w": w, "g": gamma, "b": np.array([-0.08, -0.07, 0.05], np.float32)}

    def f(p, x):
        h = (x @ p["w"]) * p["g"] + p["b"]
        return h, jax.nn.relu(h) @ p["w"] + x  # fuzz seed 1: what the constant feeds leaves no float op either

    batches = _normal((4, 3))
    model = _convert(f, params, batches)
    assert litert.float_ops(model.op_table()) == []
    x = batches[0][0]
    expected = np.asarray(f(params, x)[0])
    np.testing.assert_allclose(model(x)[0], expected, atol=1e-6)
    np.testing.assert_allclose(np.asarray(model.emulate(x)[0]), expected, atol=1e-6)
    assert max(_steps_apart(model, x)) <= 1.001


def test_a_batch_matmul_with_a_constant_operand_converts():
    """Fuzz seed 15: a dot_general with batch dimensions between an activation and a constant (here
    left by an all-zero conv) was refused as outside the catalogue."""
    params = {"w": np.random.default_rng(2).normal(size=(2, 4, 3)).astype(np.float32)}
    batches = _normal((2, 5, 4))
    model = _convert(lambda p, x: (x @ p["w"], jnp.swapaxes(p["w"], -1, -2) @ jnp.swapaxes(x, -1, -2)), params, batches)
    assert litert.float_ops(model.op_table()) == []
    assert max(_steps_apart(model, batches[0][0])) <= 1.001



@pytest.mark.parametrize("f", [lambda p, x: (lambda h: (h + h, h))(x @ p["w"]),
                               lambda p, x: (lambda h: (h * h, h))(jnp.transpose(x))],
                         ids=["dense-then-add", "transpose-then-mul"])
def test_a_returned_tensor_that_other_ops_read_keeps_them_integer(f):
    """output_also_consumed_stays_float.py (fuzz seeds 30, 62, 104, ...): the converter kept the
    consumer float when the dequantize it read was also returned."""
    batches = _normal((2, 4))
    model = _convert(f, {"w": W}, batches)
    assert litert.float_ops(model.op_table()) == []
    assert max(_steps_apart(model, batches[0][0])) <= 1.001
    integer = _convert(f, {"w": W}, batches, integer_io=True)
    assert all(q is not None for q in integer.output_quantization)
    assert litert.float_ops(integer.op_table()) == []


@pytest.mark.parametrize("op", ["add", "subtract", "multiply"])
def test_a_binary_op_of_a_reshaped_tensor_with_itself_converts(op):
    """reshape_then_self_add_conversion_error.py (fuzz seeds 82, 238): the converter moved `h + h`
    before the reshape and then refused the reshape between two scales."""
    rng = np.random.default_rng(0)
    batches = [(rng.uniform(0, 1, (2, 5, 3, 1)).astype(np.float32),) for _ in range(3)]
    binary = getattr(jnp, op)
    model = _convert(lambda p, x: (lambda h: binary(h, h))(x.reshape((2, 15))), {}, batches)
    assert litert.float_ops(model.op_table()) == []
    assert max(_steps_apart(model, batches[0][0])) <= 1.001


@pytest.mark.parametrize("act", [jax.nn.relu, jax.nn.relu6])
def test_a_relu_of_a_dense_that_others_read_matches_emulate(act):
    """relu_of_output_dense_emulate_mismatch.py (fuzz seed 201): the converter fuses the ReLU into a
    second FULLY_CONNECTED; emulate applied it to the requantized dense output (2 steps off)."""
    rng = np.random.default_rng(0)
    params = {"w": rng.normal(size=(5, 8)).astype(np.float32),
              "b": np.array([0.0439, -0.0951, -0.178, 0.0761, -0.004, 0.0134, -0.0184, -0.0923], np.float32)}
    batches = [(rng.normal(size=(2, 5)).astype(np.float32),) for _ in range(3)]
    model = _convert(lambda p, x: (lambda h: (act(h), h))(x @ p["w"] + p["b"]), params, batches)
    assert [op["op"] for op in model.op_table()].count("FULLY_CONNECTED") == 2
    for x, in batches:
        assert max(_steps_apart(model, x)) <= 1.001


def test_a_clip_bound_outside_the_data_does_not_widen_its_scale():
    """Fuzz seed 91 (SQNR 0 dB): jnp.clip(x, -1, 1) of values around 1e-3 took its scale from the
    bounds, so every value quantized to zero; the bounds now saturate to the data's range."""
    batches = [(x * 1e-3,) for x, in _normal((3, 8))]
    model = _convert(lambda p, x: jnp.clip(x, -1.0, 1.0), {}, batches)
    x = batches[0][0]
    assert model.output_steps[0] < 1e-4
    noise = np.mean((model(x) - x) ** 2)
    assert 10 * np.log10(np.mean(x ** 2) / noise) > 20  # dB, was 0
    assert max(_steps_apart(model, x)) <= 1.001


@pytest.mark.parametrize("pool", ["max", "avg"])
@pytest.mark.parametrize("act", [jax.nn.relu, jax.nn.relu6])
def test_a_relu_after_a_pool_converts(pool, act):
    """Fuzz seed 291: LiteRT's converter fuses a ReLU into MAX_POOL_2D/AVERAGE_POOL_2D, which keep
    their input's scale; with a site between them it refused the pool's two scales."""
    kernel = {"max": "MAX_POOL_2D", "avg": "AVERAGE_POOL_2D"}[pool]

    def f(p, x):
        if pool == "max":
            return act(jax.lax.reduce_window(x, -jnp.inf, jax.lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID"))
        return act(jax.lax.reduce_window(x, 0.0, jax.lax.add, (1, 2, 2, 1), (1, 2, 2, 1), "VALID") / 4.0)

    batches = _normal((2, 6, 6, 2))
    model = _convert(f, {}, batches)
    assert [op["op"] for op in model.op_table()].count(kernel) == 1
    assert litert.float_ops(model.op_table()) == []
    for x, in batches:
        assert max(_steps_apart(model, x)) <= 1.001


def test_a_concatenation_with_a_constant_converts():
    """Fuzz seed 252: a constant concatenated with activations (here left by an all-zero dense)
    was refused as outside the catalogue."""
    params = {"b": np.array([0.5, -1.0, 2.0], np.float32)}
    batches = _normal((4, 3))
    model = _convert(lambda p, x: jnp.concatenate([x, jnp.broadcast_to(p["b"], x.shape)], -1), params, batches)
    assert litert.float_ops(model.op_table()) == []
    x = batches[0][0]
    assert max(_steps_apart(model, x)) <= 1.001
    np.testing.assert_allclose(model(x)[:, 3:], np.broadcast_to(params["b"], (4, 3)), atol=model.output_steps[0])


def test_a_relu6_whose_bound_is_off_the_input_grid_matches_emulate():
    """Fuzz seed 210: a RELU6 of its own clamps at 6 on its output grid; emulate clamped in float
    and then rounded 6 on the input's grid (26 steps of 0.228 are 5.93): 3 output steps off."""
    batches = [(x * 5.0,) for x, in _normal((64, 8))]
    model = _convert(lambda p, x: (lambda h: (jax.nn.relu6(h), h))(x * x), {}, batches)
    for x, in batches:
        assert max(_steps_apart(model, x)) <= 1.001


def test_an_additive_mask_on_softmax_probabilities_is_clipped():
    """Fuzz seed 277: a -1e4 additive mask on a softmax output kept its full range (scale 39), as
    the softmax's fixed range was not looked up; LiteRT's int8 ADD overflowed (57 steps off)."""
    def f(p, x):
        return jax.nn.softmax(jax.nn.softmax(x, axis=-1) + jnp.where(jnp.tri(3, 9, 2, dtype=bool), 0.0, -1e4), axis=-1)

    batches = _normal((2, 4, 3, 9))
    model = _convert(f, {}, batches)
    x = batches[0][0]
    assert max(_steps_apart(model, x)) <= 1.001
    np.testing.assert_allclose(model(x), f({}, x), atol=4 * model.output_steps[0])


def test_a_float_overflow_in_calibration_names_the_op():
    """Fuzz seed 283: exp of large values is inf on every calibration element; the CalibrationError
    named a site number only."""
    exported = jax.export.export(jax.jit(lambda p, x: jnp.exp(x * 1000.0)))({}, np.ones((2, 4), np.float32))
    with pytest.raises(shloq.CalibrationError, match=r"'stablehlo.exponential' at .*test_fuzz_regressions.py"):
        shloq.calibrate(exported, RULES, {}, [(np.ones((2, 4), np.float32),)], progress=False)


def test_a_bias_too_large_for_int32_at_tiny_scales_is_kept():
    """Fuzz seed 223 (SQNR 0 dB): tiny inputs times tiny weights made the bias scale s_in * s_w so
    small that the int32 bias saturated, in LiteRT and emulate alike; the weight scale is widened."""
    rng = np.random.default_rng(3)
    params = {"w": (rng.normal(size=(4, 2)) * 1e-4).astype(np.float32), "b": np.array([0.7, -0.5], np.float32)}
    batches = [(x * 1e-3,) for x, in _normal((8, 4))]
    model = _convert(lambda p, x: x @ p["w"] + p["b"], params, batches)
    x = batches[0][0]
    np.testing.assert_allclose(model(x), x @ params["w"] + params["b"], atol=2 * model.output_steps[0])
    assert max(_steps_apart(model, x)) <= 1.001


def test_a_divide_by_a_per_channel_constant_is_a_multiply():
    """Fuzz seed 256: x / c with one c per channel stayed a DIV, and LiteRT's int8 DIV returns
    garbage for a numerator one step below zero (126 output steps off); x * (1/c) is a MUL."""
    params = {"c": np.array([1.5, 0.99, -0.74, 0.19], np.float32)}
    batches = [(x * 1e-3,) for x, in _normal((16, 4))]
    model = _convert(lambda p, x: x / p["c"], params, batches)
    assert [op["op"] for op in model.op_table()] == ["QUANTIZE", "MUL", "DEQUANTIZE"]
    for x, in batches:
        assert max(_steps_apart(model, x)) <= 1.001


def test_a_mask_added_per_channel_after_a_dense_is_not_its_bias():
    """Fuzz seed 314: an additive mask built from iota that varies along the channels only was
    taken into the dense unit as a second bias, which neither shloq-fold-affine nor the converter
    can fold: the dense, its bias and the mask stayed float."""
    params = {"w": np.random.default_rng(4).normal(size=(4, 6)).astype(np.float32)}

    def f(p, x):
        return jax.nn.softmax(x @ p["w"] + jnp.where(jnp.tri(1, 6, 2, dtype=bool), 0.0, -1e4), axis=-1)

    batches = _normal((2, 1, 4))
    model = _convert(f, params, batches)
    assert litert.float_ops(model.op_table()) == []
    x = batches[0][0]
    assert max(_steps_apart(model, x)) <= 1.001
    np.testing.assert_allclose(model(x), f(params, x), atol=4 * model.output_steps[0])
