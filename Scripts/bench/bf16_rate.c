// Instructions per second of AVX-512's float32 FMA (vfmadd231ps, 16 multiply-adds) and
// AVX512-BF16's pair dot product (vdpbf16ps, 32 bf16 multiplies summed into 16 float32 lanes)
// on one core, each over 24 independent accumulators (throughput, not latency). The bf16 kernel
// (`--precision bf16`) is faster than float32 only where vdpbf16ps issues at more than half the
// FMA's rate; docs/performance.md, "bf16 precision (opt-in)", has this machine's figures.
//
//   clang -O2 -o /tmp/bf16_rate Scripts/bench/bf16_rate.c && /tmp/bf16_rate
#include <immintrin.h>
#include <stdio.h>
#include <time.h>

#define STEPS 200000000L
#define CHAINS 24

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

__attribute__((target("avx512f,avx512bw,avx512bf16"))) int main(void) {
  if (!__builtin_cpu_supports("avx512bf16")) {
    fprintf(stderr, "this processor has no AVX512-BF16\n");
    return 1;
  }
  __m512 acc[CHAINS];
  for (int i = 0; i < CHAINS; i++) acc[i] = _mm512_set1_ps((float)i);
  __m512 a = _mm512_set1_ps(1e-3f), b = _mm512_set1_ps(1e-3f);
  double t = now();
  for (long r = 0; r < STEPS / CHAINS; r++) {
    for (int i = 0; i < CHAINS; i++) acc[i] = _mm512_fmadd_ps(a, b, acc[i]);
    __asm__ volatile("" : "+v"(a));  // a new a each round: no hoisting
  }
  double fma = now() - t;
  t = now();
  for (long r = 0; r < STEPS / CHAINS; r++) {
    for (int i = 0; i < CHAINS; i++) acc[i] = _mm512_dpbf16_ps(acc[i], (__m512bh)a, (__m512bh)b);
    __asm__ volatile("" : "+v"(a));
  }
  double dot = now() - t;
  float sum = 0;
  for (int i = 0; i < CHAINS; i++) sum += _mm512_reduce_add_ps(acc[i]);
  printf("vfmadd231ps zmm: %.2f G/s (%.0f GFLOPS); vdpbf16ps zmm: %.2f G/s (%.0f GFLOPS); bf16 / fp32 flop rate %.2f (%g)\n",
         STEPS / fma / 1e9, 32 * STEPS / fma / 1e9, STEPS / dot / 1e9, 64 * STEPS / dot / 1e9, (64 / dot) / (32 / fma), sum);
  return 0;
}
