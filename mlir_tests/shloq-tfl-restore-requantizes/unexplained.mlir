// An op with int8 inputs and an int16 output that no recorded requantize explains would run wrong in LiteRT: an
// error at the op, and no module is printed.
// RUN: shloq-opt --verify-diagnostics -p shloq-tfl-restore-requantizes %s | FileCheck %s --allow-empty
// RUN: not shloq-opt -p shloq-tfl-restore-requantizes %s

// CHECK-NOT: func.func
module attributes {shloq.requantizes = [{at = "loc(\22f/add\22)", from = !quant.uniform<i8:f32, 0.1>, to = !quant.uniform<i16:f32, 5.0e-4>}]} {
  func.func @main(%arg0: tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4x!quant.uniform<i16:f32, 1.0e-4>> {
    // expected-error @below {{'tfl.add' has i8 inputs and an i16 output, from no requantize shloq recorded: LiteRT would run it wrong}}
    %0 = tfl.add(%arg0, %arg0) <{fused_activation_function = "NONE"}> : (tensor<4x!quant.uniform<i8:f32, 0.1>>, tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4x!quant.uniform<i16:f32, 1.0e-4>>
    return %0 : tensor<4x!quant.uniform<i16:f32, 1.0e-4>>
  }
}
