// A ReLU/ReLU6 right after a max or average pool joins the pool's unit, which shares its input's site: LiteRT's
// converter fuses it into MAX_POOL_2D/AVERAGE_POOL_2D, which keep one scale. A pool read by others keeps its own
// site, and the ReLU is a unit of its own.
// RUN: shloq-opt --split-input-file -p shloq-mark-sites %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK: %[[X:.*]] = stablehlo.custom_call @shloq.site(%arg0) {{.*}}shloq.op = "input", shloq.site = 0 : i64}
// CHECK-NEXT: %[[P:.*]] = "stablehlo.reduce_window"
// CHECK: %[[R:.*]] = stablehlo.clamp %{{.*}}, %[[P]], %{{.*}}
// CHECK-NEXT: %[[O:.*]] = stablehlo.custom_call @shloq.site(%[[R]]) {{.*}}shloq.op = "max_pool", shloq.site = 0 : i64}
// CHECK-NEXT: return %[[O]]
func.func @main(%x: tensor<1x4x4x2xf32>) -> tensor<1x2x2x2xf32> {
  %ninf = stablehlo.constant dense<0xFF800000> : tensor<f32>
  %zero = stablehlo.constant dense<0.0> : tensor<1x2x2x2xf32>
  %six = stablehlo.constant dense<6.0> : tensor<1x2x2x2xf32>
  %0 = "stablehlo.reduce_window"(%x, %ninf) ({
  ^bb0(%a: tensor<f32>, %b: tensor<f32>):
    %m = stablehlo.maximum %a, %b : tensor<f32>
    stablehlo.return %m : tensor<f32>
  }) {window_dimensions = array<i64: 1, 2, 2, 1>, window_strides = array<i64: 1, 2, 2, 1>} : (tensor<1x4x4x2xf32>, tensor<f32>) -> tensor<1x2x2x2xf32>
  %1 = stablehlo.clamp %zero, %0, %six : tensor<1x2x2x2xf32>
  return %1 : tensor<1x2x2x2xf32>
}

// -----
// CHECK-LABEL: func.func @main
// CHECK: %[[X:.*]] = stablehlo.custom_call @shloq.site(%arg0) {{.*}}shloq.op = "input", shloq.site = 0 : i64}
// CHECK: %[[D:.*]] = stablehlo.divide
// CHECK-NEXT: %[[R:.*]] = stablehlo.maximum %[[D]], %{{.*}}
// CHECK-NEXT: %[[O:.*]] = stablehlo.custom_call @shloq.site(%[[R]]) {{.*}}shloq.op = "avg_pool", shloq.site = 0 : i64}
// CHECK-NEXT: return %[[O]]
func.func @main(%x: tensor<1x4x4x2xf32>) -> tensor<1x2x2x2xf32> {
  %init = stablehlo.constant dense<0.0> : tensor<f32>
  %zero = stablehlo.constant dense<0.0> : tensor<1x2x2x2xf32>
  %four = stablehlo.constant dense<4.0> : tensor<1x2x2x2xf32>
  %0 = "stablehlo.reduce_window"(%x, %init) ({
  ^bb0(%a: tensor<f32>, %b: tensor<f32>):
    %s = stablehlo.add %a, %b : tensor<f32>
    stablehlo.return %s : tensor<f32>
  }) {window_dimensions = array<i64: 1, 2, 2, 1>, window_strides = array<i64: 1, 2, 2, 1>} : (tensor<1x4x4x2xf32>, tensor<f32>) -> tensor<1x2x2x2xf32>
  %1 = stablehlo.divide %0, %four : tensor<1x2x2x2xf32>
  %2 = stablehlo.maximum %1, %zero : tensor<1x2x2x2xf32>
  return %2 : tensor<1x2x2x2xf32>
}

// -----
// CHECK-LABEL: func.func @main
// CHECK: %[[P:.*]] = "stablehlo.reduce_window"
// CHECK: %[[PM:.*]] = stablehlo.custom_call @shloq.site(%[[P]]) {{.*}}shloq.op = "max_pool", shloq.site = 0 : i64}
// CHECK-NEXT: %[[R:.*]] = stablehlo.maximum %[[PM]], %{{.*}}
// CHECK-NEXT: %[[O:.*]] = stablehlo.custom_call @shloq.site(%[[R]]) {{.*}}shloq.op = "relu", shloq.site = 1 : i64}
// CHECK-NEXT: return %[[O]], %[[PM]]
func.func @main(%x: tensor<1x4x4x2xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) {
  %ninf = stablehlo.constant dense<0xFF800000> : tensor<f32>
  %zero = stablehlo.constant dense<0.0> : tensor<1x2x2x2xf32>
  %0 = "stablehlo.reduce_window"(%x, %ninf) ({
  ^bb0(%a: tensor<f32>, %b: tensor<f32>):
    %m = stablehlo.maximum %a, %b : tensor<f32>
    stablehlo.return %m : tensor<f32>
  }) {window_dimensions = array<i64: 1, 2, 2, 1>, window_strides = array<i64: 1, 2, 2, 1>} : (tensor<1x4x4x2xf32>, tensor<f32>) -> tensor<1x2x2x2xf32>
  %1 = stablehlo.maximum %0, %zero : tensor<1x2x2x2xf32>
  return %1, %0 : tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>
}
