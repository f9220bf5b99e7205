// A mask filled before the 1/sqrt(d) scale, `where(tril, s, -1e9) / sqrt(8)`: the scale moves
// before the select, onto the scores and the fill (-1e9 / sqrt(8) = 0xCDA8965F), so the select feeds the softmax itself.
// RUN: shloq-opt --split-input-file -p shloq-recognize %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK-DAG: %[[F:.*]] = stablehlo.constant dense<0xCDA8965F> : tensor<4x4xf32>
// CHECK-DAG: %[[S:.*]] = stablehlo.multiply %arg1, %{{.*}} : tensor<4x4xf32>
// CHECK: %[[W:.*]] = stablehlo.select %arg0, %[[S]], %[[F]] : tensor<4x4xi1>, tensor<4x4xf32>
// CHECK-NOT: stablehlo.divide
// CHECK: return %[[W]]
func.func @main(%m: tensor<4x4xi1>, %s: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %fill = stablehlo.constant dense<-1.000000e+09> : tensor<4x4xf32>
  %0 = stablehlo.select %m, %s, %fill : tensor<4x4xi1>, tensor<4x4xf32>
  %c = stablehlo.constant dense<2.82842708> : tensor<f32>
  %b = stablehlo.broadcast_in_dim %c, dims = [] : (tensor<f32>) -> tensor<4x4xf32>
  %1 = stablehlo.divide %0, %b : tensor<4x4xf32>
  return %1 : tensor<4x4xf32>
}

// -----

// A select used twice keeps its place: the other user reads the unscaled values.
// CHECK-LABEL: func.func @main
// CHECK: %[[W:.*]] = stablehlo.select %arg0, %arg1, %{{.*}}
// CHECK: stablehlo.multiply %[[W]]
func.func @main(%m: tensor<4x4xi1>, %s: tensor<4x4xf32>) -> (tensor<4x4xf32>, tensor<4x4xf32>) {
  %fill = stablehlo.constant dense<-1.000000e+09> : tensor<4x4xf32>
  %0 = stablehlo.select %m, %s, %fill : tensor<4x4xi1>, tensor<4x4xf32>
  %c = stablehlo.constant dense<0.5> : tensor<4x4xf32>
  %1 = stablehlo.multiply %0, %c : tensor<4x4xf32>
  return %1, %0 : tensor<4x4xf32>, tensor<4x4xf32>
}

// -----

// A select on its own values (`where(x > 0, x, 0) * 0.5`) is an activation, not a mask: left alone.
// CHECK-LABEL: func.func @main
// CHECK: %[[W:.*]] = stablehlo.select %{{.*}}, %arg0, %{{.*}}
// CHECK: stablehlo.multiply %[[W]]
func.func @main(%x: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %zero = stablehlo.constant dense<0.000000e+00> : tensor<4x4xf32>
  %p = stablehlo.compare GT, %x, %zero : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xi1>
  %0 = stablehlo.select %p, %x, %zero : tensor<4x4xi1>, tensor<4x4xf32>
  %c = stablehlo.constant dense<0.5> : tensor<4x4xf32>
  %1 = stablehlo.multiply %0, %c : tensor<4x4xf32>
  return %1 : tensor<4x4xf32>
}
