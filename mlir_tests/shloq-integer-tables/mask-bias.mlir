// A float computed from an integer tensor (BERT's int32 mask -> additive bias) becomes a table lookup: the integers
// clamped to -128..127 and shifted to start at 0 index a constant table of f(k), which shloq-mark-sites quantizes
// as a clamped constant sharing the lookup's site (it saturates to the values read instead of widening them).
// RUN: shloq-opt -p shloq-integer-tables %s | FileCheck %s
// RUN: shloq-opt -p shloq-integer-tables,shloq-mark-sites %s | FileCheck %s --check-prefix=SITES

// CHECK-LABEL: func.func @main(%arg0: tensor<2x4xf32>, %arg1: tensor<2x4xi32>) -> tensor<2x4xf32> {
// CHECK-NOT: stablehlo.convert
// CHECK: %[[K:.*]] = stablehlo.clamp %{{.*}}, %arg1, %{{.*}} : tensor<2x4xi32>
// CHECK: %[[I:.*]] = stablehlo.subtract %[[K]], %{{.*}} : tensor<2x4xi32>
// CHECK: %[[C:.*]] = stablehlo.reshape %[[I]] : (tensor<2x4xi32>) -> tensor<2x4x1xi32>
// CHECK: %[[T:.*]] = stablehlo.constant dense<"0x{{.*}}"> : tensor<256xf32>
// CHECK: %[[G:.*]] = "stablehlo.gather"(%[[T]], %[[C]]) {{.*}} {shloq.integer_table} : (tensor<256xf32>, tensor<2x4x1xi32>) -> tensor<2x4xf32>
// CHECK: stablehlo.add %arg0, %[[G]]
// SITES: %[[T:.*]] = stablehlo.custom_call @shloq.site(%{{.*}}) {{{.*}}shloq.op = "constant:clamped", shloq.site = [[S:[0-9]+]]
// SITES: "stablehlo.gather"(%[[T]],
// SITES: stablehlo.custom_call @shloq.site(%{{.*}}) {{{.*}}shloq.op = "table", shloq.site = [[S]]
func.func @main(%x: tensor<2x4xf32>, %mask: tensor<2x4xi32>) -> tensor<2x4xf32> {
  %one = stablehlo.constant dense<1.0> : tensor<2x4xf32>
  %fill = stablehlo.constant dense<-10000.0> : tensor<2x4xf32>
  %m = stablehlo.convert %mask : (tensor<2x4xi32>) -> tensor<2x4xf32>
  %0 = stablehlo.subtract %one, %m : tensor<2x4xf32>
  %1 = stablehlo.multiply %0, %fill : tensor<2x4xf32>
  %2 = stablehlo.add %x, %1 : tensor<2x4xf32>
  return %2 : tensor<2x4xf32>
}
