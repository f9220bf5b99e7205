// bf16 constants fold like f32 ones and stay bf16.
// RUN: shloq-opt -p shloq-fold-constants %s | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK-NEXT: %[[C:.*]] = stablehlo.constant dense<[1.000000e+00, 4.000000e+00, 2.000000e+00]> : tensor<3xbf16>
// CHECK-NEXT: %[[M:.*]] = stablehlo.multiply %arg0, %[[C]] : tensor<3xbf16>
// CHECK-NEXT: return %[[M]]
func.func @main(%x: tensor<3xbf16>) -> tensor<3xbf16> {
  %var = stablehlo.constant dense<[3.0, 0.0, 15.0]> : tensor<3xbf16>
  %eps = stablehlo.constant dense<1.0> : tensor<3xbf16>
  %scale = stablehlo.constant dense<[2.0, 4.0, 8.0]> : tensor<3xbf16>
  %0 = stablehlo.add %var, %eps : tensor<3xbf16>
  %1 = stablehlo.rsqrt %0 : tensor<3xbf16>
  %2 = stablehlo.multiply %1, %scale : tensor<3xbf16>
  %3 = stablehlo.multiply %x, %2 : tensor<3xbf16>
  return %3 : tensor<3xbf16>
}
