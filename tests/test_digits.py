"""Acceptance 1: the digits CNN becomes an all-integer LiteRT model that keeps its accuracy."""
import numpy as np

from shloq import demo, litert


def test_every_op_is_integer(digits):
    table = digits.int8.op_table()
    names = [op["op"] for op in table]
    assert names[0] == "QUANTIZE" and names[-1] == "DEQUANTIZE"
    assert {"CONV_2D", "MAX_POOL_2D", "ADD", "AVERAGE_POOL_2D", "MEAN", "FULLY_CONNECTED", "SOFTMAX"} <= set(names)
    assert litert.float_ops(table) == []
    for op in table[1:-1]:
        assert set(op["inputs"] + op["outputs"]) <= {"int8", "int32"}, op


def test_int8_accuracy_within_one_point_of_float(digits):
    float_acc = np.mean(demo.predict(lambda b: digits.apply(digits.variables, b), digits.x_test).argmax(-1)
                        == digits.y_test)
    int8_acc = np.mean(demo.predict(digits.int8, digits.x_test).argmax(-1) == digits.y_test)
    print(f"float {float_acc:.4f} int8 {int8_acc:.4f}")
    assert float_acc > 0.9
    assert int8_acc >= float_acc - 0.01


def test_export_writes_whole_file(digits, tmp_path):
    path = tmp_path / "digits.tflite"
    digits.int8.export(path)
    assert path.read_bytes() == digits.int8.tflite
    assert [p.name for p in tmp_path.iterdir()] == ["digits.tflite"]
