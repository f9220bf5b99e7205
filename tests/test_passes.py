"""Pass machinery: pipeline syntax, option checking, and verification after each pass."""
import dataclasses

import numpy as np
import pytest
from litert_converter.mlir import ir

import shloq
from shloq import mlir
from shloq.passes import ModulePass, parse_pipeline


def test_pipeline_options_are_typed_and_may_be_quoted():
    inline, mark, quantize = parse_pipeline('shloq-inline, shloq-mark-sites{strict=false, op_path="(a,b)}"},'
                                            "shloq-quantize{file=x.json}")
    assert mark.strict is False and mark.op_path == "(a,b)}" and mark.rules[0].op_path == "(a,b)}"
    assert quantize.file == "x.json"
    assert parse_pipeline("shloq-mark-sites{strict}")[0].strict is True


@pytest.mark.parametrize("pipeline, message", [
    ("shloq-nope", "unknown pass 'shloq-nope'"),
    ("shloq-mark-sites{colour=red}", "has no option 'colour'"),
    ("shloq-mark-sites{strict=maybe}", "takes true or false"),
    ("shloq-mark-sites{weight_qtype=int2}", "weight_qtype='int2' is not supported"),
    ("shloq-bind-params{values=1}", "has no option 'values'"),  # Python-only options are not CLI options
])
def test_bad_pipelines_are_input_errors(pipeline, message):
    with pytest.raises(shloq.InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_pipeline(pipeline)


@dataclasses.dataclass
class _WidensAnOperand(ModulePass):
    """A broken pass: feeds a tensor<3xf32> into an op on tensor<2xf32>."""
    name = "test-widen"
    summary = ""

    def run(self, module):
        op = list(mlir.entry_block(module).operations)[0]
        wide = mlir.make_constant(np.zeros(3, np.float32), op.location, ir.InsertionPoint(op))
        op.operands[0] = wide.results[0]


def test_a_pass_that_leaves_invalid_ir_fails_with_the_verifier_message():
    module = mlir.parse_module("func.func @main(%a: tensor<2xf32>) -> tensor<2xf32> {\n"
                               "  %0 = stablehlo.add %a, %a : tensor<2xf32>\n  return %0 : tensor<2xf32>\n}")
    with pytest.raises(shloq.PassError, match=r"-:2:\d+: the pass left invalid IR: 'stablehlo.add' op"):
        _WidensAnOperand()(module)
